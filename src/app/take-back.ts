import type { Transport } from "../matrix/transport.js";
import type { OutboxStore } from "../store/outbox.js";

export interface TakeBackDeps {
  outbox: Pick<
    OutboxStore,
    | "standing"
    | "markRedacted"
    | "saveCard"
    | "cardsOnEvent"
    | "groupOf"
    | "repostCard"
    | "alertGroupOn"
    | "item"
    | "match"
    | "repostAlert"
  >;
  transport: Pick<Transport, "redact">;
}

/**
 * Takes back from a room everything the bot sent it about a report — its card, the updates in the
 * card's thread, the match alerts naming it, the reminders citing it — or, without a report,
 * everything it sent the room about any report (a frozen room). Each redaction has a stable
 * transaction key and is recorded, so a retry redacts nothing twice. Returns how many were taken back.
 *
 * A grouped message (several cards sent together under backlog) is redacted whole — an edit
 * (`m.replace`) removing one line would leave the original text readable in the event and its edit
 * history — and the cards of the other reports it held are owed again: each gets an outbox row and
 * the worker re-posts it (asking the policy again). Their earlier updates stay in the old thread.
 * A message of several match alerts is taken back whole the same way, and the alerts it held that
 * do not name the report are owed again.
 */
export async function takeBack(
  deps: TakeBackDeps,
  room: { key: string; id: string },
  reason: string,
  reportId?: number,
): Promise<number> {
  const standing = await deps.outbox.standing(room.key, reportId);
  for (const sent of standing) {
    await deps.transport.redact(room.id, sent.eventId, reason, `takeback:${room.key}:${sent.eventId}`);
    await deps.outbox.markRedacted(sent.eventId);
    if (sent.kind === "match" && reportId !== undefined) await repostOtherAlerts(deps, sent.eventId, reportId);
    if (sent.kind !== "card") continue;
    const group = await deps.outbox.groupOf(sent.eventId);
    for (const holder of await deps.outbox.cardsOnEvent(room.key, sent.eventId)) {
      if (holder.card.withdrawn) continue;
      await deps.outbox.saveCard(holder.reportId, room.key, { ...holder.card, withdrawn: true });
      if (reportId !== undefined && holder.reportId !== reportId && group !== undefined)
        await deps.outbox.repostCard(holder.reportId, room.key, holder.card.version, group, Date.now());
    }
  }
  return standing.length;
}

/** The alerts of a taken-back message of alerts that do not name `reportId`: owed to the room again. */
async function repostOtherAlerts(deps: TakeBackDeps, eventId: string, reportId: number): Promise<void> {
  const group = await deps.outbox.alertGroupOn(eventId);
  if (!group) return;
  for (const member of group.members) {
    const item = await deps.outbox.item(member.outboxId);
    const match = item && (await deps.outbox.match(item.matchId));
    if (!item || !match || match.reportId === reportId || match.otherId === reportId) continue;
    await deps.outbox.repostAlert(item, group.id, Date.now());
  }
}
