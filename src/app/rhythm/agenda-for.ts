import type { Message } from "../../core/message.js";
import { agendaListings, buildAgenda } from "../../core/rhythm/agenda.js";
import type { Meeting, TwoPart } from "../../core/rhythm/types.js";
import type { RhythmDeps } from "./deps.js";

const DEFAULT_SPAN = 30 * 86_400_000;

/** The agenda of `meeting` as `roomKey` may see it: everything since the previous meeting. */
export async function agendaFor(meeting: Meeting, roomKey: string, rhythm: RhythmDeps, now: number): Promise<TwoPart<Message>> {
  const last = await rhythm.rhythm.lastHeld(now);
  const since = last?.at ?? now - DEFAULT_SPAN;
  const span = Math.max(now - since, 86_400_000);
  // With the strategy's proposals (as the bot always builds it), the agenda's plain heuristics are
  // not shown: neither their recurring entities nor the previous period's counts are read.
  const plain = !rhythm.strategy;
  // Read together: through the pool of readers (src/start.ts), side by side.
  const [summary, previousPeriodCounts, matches, actions, items, tipsToDecide, strategy] = await Promise.all([
    rhythm.gather.summary(roomKey, since, now + 1, { entities: plain, listings: agendaListings(!plain) }),
    plain ? rhythm.gather.counts(roomKey, since - span, since) : undefined,
    rhythm.gather.matches(roomKey, since, now + 1),
    rhythm.gather.actions(roomKey),
    rhythm.rhythm.agendaItems(meeting.id),
    rhythm.gather.tips(roomKey),
    rhythm.strategy ? rhythm.strategy(roomKey, now) : undefined,
  ]);
  return buildAgenda(
    {
      meeting,
      since,
      summary,
      matches,
      actions,
      carried: items.carried,
      added: items.added,
      tipsToDecide,
      ...(previousPeriodCounts ? { previousPeriodCounts } : {}),
      ...(strategy ? { strategy } : {}),
    },
    rhythm.context(now),
  );
}
