import type { Message } from "../../core/message.js";
import { buildDigest } from "../../core/rhythm/digest.js";
import type { Period, RhythmContext, TwoPart } from "../../core/rhythm/types.js";
import type { RhythmDeps } from "./deps.js";

/**
 * Gathers what the room may see over the period (and the one before, for trends) and builds its
 * digest. The period's reports are summarised and their notable ones chosen in SQL: a busy week
 * of a large cell is never loaded whole.
 */
export async function digestFor(
  roomKey: string,
  period: Period,
  previous: Period,
  rhythm: RhythmDeps,
  ctx: RhythmContext,
  late: { scheduledFor: number } | null,
): Promise<TwoPart<Message>> {
  const [summary, previousCounts, matches, actions] = await Promise.all([
    rhythm.gather.summary(roomKey, period.from, period.to, { entities: false }),
    rhythm.gather.counts(roomKey, previous.from, previous.to),
    rhythm.gather.matches(roomKey, period.from, period.to),
    rhythm.gather.actions(roomKey),
  ]);
  return buildDigest(
    {
      period,
      summary,
      notable: await rhythm.gather.notable(roomKey, period.from, period.to, [...new Set(matches.flatMap((m) => m.refs))]),
      previousCounts,
      matches,
      actions,
      tipsAwaiting: await rhythm.gather.tips(roomKey),
      ...(late ? { late } : {}),
    },
    ctx,
  );
}
