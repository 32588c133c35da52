import type { Transport } from "../matrix/transport.js";
import type { OutboxStore } from "../store/outbox.js";

export interface TakeBackDeps {
  outbox: Pick<OutboxStore, "standing" | "markRedacted" | "card" | "saveCard">;
  transport: Pick<Transport, "redact">;
}

/**
 * Takes back from a room everything the bot sent it about a report — its card, the updates in the
 * card's thread, the match alerts naming it, the reminders citing it — or, without a report,
 * everything it sent the room about any report (a frozen room). Each redaction has a stable
 * transaction key and is recorded, so a retry redacts nothing twice. Returns how many were taken back.
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
    if (sent.kind !== "card") continue;
    const card = await deps.outbox.card(sent.reportId, room.key);
    if (card && card.eventId === sent.eventId) await deps.outbox.saveCard(sent.reportId, room.key, { ...card, withdrawn: true });
  }
  return standing.length;
}
