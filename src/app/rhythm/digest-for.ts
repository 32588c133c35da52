import type { Message } from "../../core/message.js";
import { buildDigest } from "../../core/rhythm/digest.js";
import type { Period, RhythmContext, TwoPart } from "../../core/rhythm/types.js";
import type { RhythmDeps } from "./deps.js";

/** Gathers what the room may see over the period (and the one before, for trends) and builds its digest. */
export async function digestFor(
  roomKey: string,
  period: Period,
  previous: Period,
  rhythm: RhythmDeps,
  ctx: RhythmContext,
  late: { scheduledFor: number } | null,
): Promise<TwoPart<Message>> {
  const [reports, previousCounts, matches, actions] = await Promise.all([
    rhythm.gather.reports(roomKey, period.from, period.to),
    rhythm.gather.counts(roomKey, previous.from, previous.to),
    rhythm.gather.matches(roomKey, period.from, period.to),
    rhythm.gather.actions(roomKey),
  ]);
  return buildDigest(
    {
      period,
      reports,
      previousCounts,
      matches,
      actions,
      tipsAwaiting: await rhythm.gather.tips(roomKey),
      ...(late ? { late } : {}),
    },
    ctx,
  );
}
