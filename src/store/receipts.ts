import type { Queries } from "./db.js";

export type Outcome = "ok" | "refused" | "invalid" | "error" | "ignored";

/**
 * What the bot has already received: the sync position and the ledger of handled event ids.
 * The position is saved only after a batch's events are handled, and the ledger makes handling
 * a re-delivered event a no-op, so a crash neither loses nor repeats a command.
 */
export class ReceiptStore {
  constructor(private readonly db: Queries) {}

  /** Where the last fully handled sync batch ended, and when it was saved (ms). */
  async syncPosition(): Promise<{ token: string; savedAt: number } | null> {
    const row = await this.db.get<{ value: string; updated_at: number }>(
      "SELECT value, updated_at FROM kv WHERE key = 'sync_token'",
    );
    return row ? { token: row.value, savedAt: row.updated_at } : null;
  }

  async saveSyncToken(token: string, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO kv (key, value, updated_at) VALUES ('sync_token', ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [token, now],
    );
  }

  /** A random id made once per database: it keeps queue job ids unique across databases. */
  async instanceId(): Promise<string> {
    await this.db.run("INSERT OR IGNORE INTO kv (key, value, updated_at) VALUES ('instance_id', lower(hex(randomblob(8))), ?)", [
      Date.now(),
    ]);
    return (await this.db.get<{ value: string }>("SELECT value FROM kv WHERE key = 'instance_id'"))?.value ?? "unknown";
  }

  async isHandled(eventId: string): Promise<boolean> {
    return (await this.db.get("SELECT 1 AS x FROM handled_events WHERE event_id = ?", [eventId])) !== undefined;
  }

  async markHandled(
    event: { eventId: string; roomId: string; sender: string },
    outcome: Outcome,
    detail: string | null = null,
    now = Date.now(),
  ): Promise<void> {
    await this.db.run(
      `INSERT INTO handled_events (event_id, room_id, sender, outcome, detail, handled_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, event.roomId, event.sender, outcome, detail, now],
    );
  }
}
