import type { Message } from "../../core/message.js";
import { buildDigest, DIGEST_LISTINGS } from "../../core/rhythm/digest.js";
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
  const matched = rhythm.gather.matches(roomKey, period.from, period.to);
  // The notable reports are those well graded or named by a match the room sees: read once the matches are.
  const notable = matched.then((ms) =>
    rhythm.gather.notable(roomKey, period.from, period.to, [...new Set(ms.flatMap((m) => m.refs))]),
  );
  const [summary, previousCounts, matches, notableList, actions, tipsAwaiting] = await Promise.all([
    rhythm.gather.summary(roomKey, period.from, period.to, { entities: false, listings: DIGEST_LISTINGS }),
    rhythm.gather.counts(roomKey, previous.from, previous.to),
    matched,
    notable,
    rhythm.gather.actions(roomKey),
    rhythm.gather.tips(roomKey),
  ]);
  return buildDigest(
    {
      period,
      summary,
      notable: notableList,
      previousCounts,
      matches,
      actions,
      tipsAwaiting,
      ...(late ? { late } : {}),
    },
    ctx,
  );
}
