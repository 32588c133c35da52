import type { Queries } from "./db.js";

export interface PendingEvent {
  eventId: string;
  roomId: string;
  event: Record<string, unknown>;
  firstSeen: number;
  attempts: number;
}

/**
 * Encrypted events the bot could not decrypt yet (the sender's room key had not arrived). They are
 * kept — ciphertext only — and retried when keys come in, so a command is never silently dropped.
 */
export class PendingDecryptionStore {
  constructor(private readonly db: Queries) {}

  async add(roomId: string, eventId: string, event: Record<string, unknown>, error: string, now = Date.now()): Promise<boolean> {
    const result = await this.db.run(
      `INSERT INTO undecryptable_events (event_id, room_id, event_json, first_seen, attempts, last_error)
       VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, roomId, JSON.stringify(event), now, error],
    );
    return result.changes > 0;
  }

  async list(limit = 200): Promise<PendingEvent[]> {
    const rows = await this.db.all<{
      event_id: string;
      room_id: string;
      event_json: string;
      first_seen: number;
      attempts: number;
    }>("SELECT event_id, room_id, event_json, first_seen, attempts FROM undecryptable_events ORDER BY first_seen LIMIT ?", [
      limit,
    ]);
    return rows.map((row) => ({
      eventId: row.event_id,
      roomId: row.room_id,
      event: JSON.parse(row.event_json) as Record<string, unknown>,
      firstSeen: row.first_seen,
      attempts: row.attempts,
    }));
  }

  async failedAgain(eventId: string, error: string): Promise<void> {
    await this.db.run("UPDATE undecryptable_events SET attempts = attempts + 1, last_error = ? WHERE event_id = ?", [
      error,
      eventId,
    ]);
  }

  async remove(eventId: string): Promise<void> {
    await this.db.run("DELETE FROM undecryptable_events WHERE event_id = ?", [eventId]);
  }

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>("SELECT count(*) AS n FROM undecryptable_events"))?.n ?? 0;
  }
}
