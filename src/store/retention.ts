import type { Database } from "./db.js";

/** A report whose retention has run out, with what the purge needs to withdraw it from the rooms. */
export interface DueReport {
  id: number;
  ref: string;
  lastChange: number;
  /** Rooms still holding a message about it (card, update, alert, reminder). */
  rooms: string[];
}

/**
 * The retention of reports: a report is kept `reports_days` after its last change (a new version,
 * a complement, a withdrawal restarts the clock), then deleted with everything that hangs off it.
 * Its reference is retired, never issued again.
 */
export class RetentionStore {
  constructor(private readonly db: Database) {}

  async due(cutoff: number, limit = 200): Promise<DueReport[]> {
    const rows = await this.db.all<{ id: number; ref: string; last_change: number }>(
      `SELECT r.id, r.ref, max(v.changed_at) AS last_change FROM reports r JOIN report_versions v ON v.report_id = r.id
       GROUP BY r.id HAVING max(v.changed_at) < ? ORDER BY last_change LIMIT ?`,
      [cutoff, limit],
    );
    const out: DueReport[] = [];
    for (const row of rows) {
      const rooms = await this.db.all<{ room_key: string }>(
        "SELECT DISTINCT room_key FROM sent_events WHERE report_id = ? AND redacted = 0",
        [row.id],
      );
      out.push({ id: row.id, ref: row.ref, lastChange: row.last_change, rooms: rooms.map((r) => r.room_key) });
    }
    return out;
  }

  /** How many reports reach the end of their retention before each of these dates (cutoffs, ascending). */
  async countDueBefore(cutoffs: number[]): Promise<number[]> {
    const counts: number[] = [];
    for (const cutoff of cutoffs) {
      const row = await this.db.get<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT max(changed_at) AS last FROM report_versions GROUP BY report_id) WHERE last < ?`,
        [cutoff],
      );
      counts.push(row?.n ?? 0);
    }
    return counts;
  }

  /** Deletes the report and everything that hangs off it, in one transaction; its reference is retired. */
  async purge(report: Pick<DueReport, "id" | "ref">, at: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const matchIds = (
        await tx.all<{ id: number }>("SELECT id FROM matches WHERE report_id = ? OR other_id = ?", [report.id, report.id])
      ).map((m) => m.id);
      for (const id of matchIds) await tx.run("DELETE FROM outbox WHERE kind = 'match' AND match_id = ?", [id]);
      await tx.run("DELETE FROM outbox WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM matches WHERE report_id = ? OR other_id = ?", [report.id, report.id]);
      await tx.run("DELETE FROM sent_events WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM report_cards WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM report_attachments WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM report_entities WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM report_versions WHERE report_id = ?", [report.id]);
      await tx.run("DELETE FROM reports WHERE id = ?", [report.id]);
      await tx.run("INSERT OR IGNORE INTO retired_refs (ref, retired_at, reason) VALUES (?, ?, 'purge')", [report.ref, at]);
    });
  }
}
