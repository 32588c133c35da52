import type { AgendaItem, Meeting, RhythmAction } from "../core/rhythm/types.js";
import type { Database } from "./db.js";

/** Meetings, agenda items, actions, and what was posted on schedule. Writes keyed by event ids. */
export class RhythmStore {
  constructor(private readonly db: Database) {}

  async addMeeting(at: number, place: string | null, by: string, now: number, eventId: string): Promise<Meeting> {
    await this.db.run(
      "INSERT OR IGNORE INTO meetings (at, place, created_by, created_at, source_event_id) VALUES (?, ?, ?, ?, ?)",
      [at, place, by, now, eventId],
    );
    const row = await this.db.get<{ id: number }>("SELECT id FROM meetings WHERE source_event_id = ?", [eventId]);
    return (await this.meeting(row?.id ?? 0)) as Meeting;
  }

  async meeting(id: number): Promise<Meeting | undefined> {
    const row = await this.db.get<MeetingRow>("SELECT id, at, place, status, minutes FROM meetings WHERE id = ?", [id]);
    return row && toMeeting(row);
  }

  async moveMeeting(id: number, at: number): Promise<void> {
    await this.db.run("UPDATE meetings SET at = ? WHERE id = ? AND status = 'scheduled'", [at, id]);
  }

  async cancelMeeting(id: number): Promise<void> {
    await this.db.run("UPDATE meetings SET status = 'cancelled' WHERE id = ?", [id]);
  }

  async upcoming(now: number, limit = 5): Promise<Meeting[]> {
    const rows = await this.db.all<MeetingRow>(
      "SELECT id, at, place, status, minutes FROM meetings WHERE status = 'scheduled' AND at > ? ORDER BY at LIMIT ?",
      [now, limit],
    );
    return rows.map(toMeeting);
  }

  /** The last meeting that took place (scheduled, now past). */
  async lastHeld(now: number): Promise<Meeting | undefined> {
    const row = await this.db.get<MeetingRow>(
      "SELECT id, at, place, status, minutes FROM meetings WHERE status = 'scheduled' AND at <= ? ORDER BY at DESC LIMIT 1",
      [now],
    );
    return row && { ...toMeeting(row), status: "held" };
  }

  async recordMinutes(id: number, text: string): Promise<void> {
    await this.db.run("UPDATE meetings SET minutes = trim(coalesce(minutes || char(10), '') || ?) WHERE id = ?", [text, id]);
  }

  async addAgendaItem(meetingId: number, text: string, by: string, now: number, eventId: string): Promise<number> {
    await this.db.run(
      "INSERT OR IGNORE INTO agenda_items (meeting_id, text, added_by, added_at, source_event_id) VALUES (?, ?, ?, ?, ?)",
      [meetingId, text, by, now, eventId],
    );
    return (await this.db.get<{ id: number }>("SELECT id FROM agenda_items WHERE source_event_id = ?", [eventId]))?.id ?? 0;
  }

  async closeAgendaItem(id: number): Promise<boolean> {
    return (await this.db.run("UPDATE agenda_items SET status = 'closed' WHERE id = ? AND status = 'open'", [id])).changes > 0;
  }

  /** Items of this meeting, and open items of earlier meetings (carried over). */
  async agendaItems(meetingId: number): Promise<{ added: AgendaItem[]; carried: AgendaItem[] }> {
    const rows = await this.db.all<{ id: number; meeting_id: number; text: string }>(
      `SELECT i.id, i.meeting_id, i.text FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
       WHERE i.status = 'open' AND (i.meeting_id = ? OR m.at < (SELECT at FROM meetings WHERE id = ?)) ORDER BY i.id`,
      [meetingId, meetingId],
    );
    return {
      added: rows.filter((r) => r.meeting_id === meetingId).map((r) => ({ id: r.id, text: r.text, carriedFrom: null })),
      carried: rows.filter((r) => r.meeting_id !== meetingId).map((r) => ({ id: r.id, text: r.text, carriedFrom: r.meeting_id })),
    };
  }

  async addAction(input: {
    service: string;
    due: number;
    text: string;
    ref: string | null;
    meetingId: number | null;
    by: string;
    now: number;
    eventId: string;
  }): Promise<RhythmAction> {
    await this.db.run(
      `INSERT OR IGNORE INTO actions (service, due, text, report_ref, meeting_id, created_by, created_at, source_event_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [input.service, input.due, input.text, input.ref, input.meetingId, input.by, input.now, input.eventId],
    );
    const row = await this.db.get<ActionRow>("SELECT * FROM actions WHERE source_event_id = ?", [input.eventId]);
    if (!row) throw new Error("action not stored");
    return toAction(row);
  }

  async action(id: number): Promise<RhythmAction | undefined> {
    const row = await this.db.get<ActionRow>("SELECT * FROM actions WHERE id = ?", [id]);
    return row && toAction(row);
  }

  async completeAction(id: number, by: string, comment: string | null, now: number): Promise<boolean> {
    const result = await this.db.run(
      "UPDATE actions SET status = 'done', done_at = ?, done_by = ?, done_comment = ? WHERE id = ? AND status = 'open'",
      [now, by, comment, id],
    );
    return result.changes > 0;
  }

  async openActions(): Promise<RhythmAction[]> {
    return (await this.db.all<ActionRow>("SELECT * FROM actions WHERE status = 'open' ORDER BY due")).map(toAction);
  }

  /** Marks a scheduled post as done; false if it already was (it must not go out twice). */
  async claim(key: string, now: number): Promise<boolean> {
    return (await this.db.run("INSERT OR IGNORE INTO posted (key, posted_at) VALUES (?, ?)", [key, now])).changes > 0;
  }

  async release(key: string): Promise<void> {
    await this.db.run("DELETE FROM posted WHERE key = ?", [key]);
  }

  async postedKeys(prefix: string): Promise<Set<string>> {
    const rows = await this.db.all<{ key: string }>("SELECT key FROM posted WHERE key LIKE ?", [`${prefix}%`]);
    return new Set(rows.map((r) => r.key));
  }
}

interface MeetingRow {
  id: number;
  at: number;
  place: string | null;
  status: "scheduled" | "cancelled";
  minutes: string | null;
}

interface ActionRow {
  id: number;
  service: string;
  due: number;
  text: string;
  status: "open" | "done";
  report_ref: string | null;
  meeting_id: number | null;
  done_at: number | null;
}

function toMeeting(row: MeetingRow): Meeting {
  return { id: row.id, at: row.at, place: row.place, status: row.status, minutes: row.minutes };
}

function toAction(row: ActionRow): RhythmAction {
  return {
    id: row.id,
    service: row.service,
    due: row.due,
    text: row.text,
    status: row.status,
    ref: row.report_ref,
    meetingId: row.meeting_id,
    doneAt: row.done_at,
  };
}
