import { randomUUID } from "node:crypto";
import type { AuditJournal, Inboxed, NewAuditEntry } from "./audit.js";
import type { Database, Queries } from "./db.js";

/**
 * Journal entries written inside the report store's own transactions (migration 19), waiting to be
 * appended to the audit journal, which lives in its own file (src/store/audit.ts). The journal
 * takes each once, by its origin; the inbox then forgets what the journal holds.
 */
export class JournalInbox {
  constructor(private readonly db: Database) {}

  /** Inside a write's transaction: the entry commits with the write, or neither does. */
  static async write(tx: Queries, entry: NewAuditEntry): Promise<Inboxed> {
    const origin = randomUUID();
    const { lastID } = await tx.run("INSERT INTO journal_inbox (origin, entry_json) VALUES (?, ?)", [
      origin,
      JSON.stringify(entry),
    ]);
    return { inboxId: lastID, origin, entry };
  }

  /** The oldest entries still in the inbox (after a stop or a crash, or not moved yet). */
  async waiting(limit = 500): Promise<Inboxed[]> {
    const rows = await this.db.all<{ id: number; origin: string; entry_json: string }>(
      "SELECT id, origin, entry_json FROM journal_inbox ORDER BY id LIMIT ?",
      [limit],
    );
    return rows.map((row) => ({ inboxId: row.id, origin: row.origin, entry: JSON.parse(row.entry_json) as NewAuditEntry }));
  }

  /** Forgets the entries up to `throughId`: the journal holds them. */
  async forget(throughId: number): Promise<void> {
    await this.db.run("DELETE FROM journal_inbox WHERE id <= ?", [throughId]);
  }
}

/** Appends to the journal every entry left in the inbox (once each), then forgets them. */
export async function moveInbox(inbox: JournalInbox, journal: AuditJournal): Promise<{ entries: number; through: number }> {
  let [entries, through] = [0, 0];
  for (let batch = await inbox.waiting(); batch.length > 0; batch = await inbox.waiting()) {
    await journal.appendOnce(batch);
    through = Math.max(...batch.map((item) => item.inboxId));
    await inbox.forget(through);
    entries += batch.length;
  }
  return { entries, through };
}
