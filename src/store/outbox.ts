import { matchRole } from "../core/diffusion/match-audience.js";
import type { Classified } from "../core/policy.js";
import type { ReportFields } from "../core/report/report.js";
import type { Database, Queries } from "./db.js";

/** Which rooms a report, or a match between two reports, must reach: the policy, bound to the configuration. */
export interface DiffusionPlanner {
  /** Rooms entitled to the report, its origin room excluded. */
  roomsFor(report: Classified, originRoomKey: string): string[];
  /** Rooms entitled to at least one of the two reports (the worker decides what each may learn). */
  roomsForMatch(a: Classified, b: Classified): string[];
}

export interface PlannedReport extends Classified {
  id: number;
  version: number;
  roomKey: string;
  status: "active" | "cancelled";
  entities: { kind: string; value: string; display: string }[];
}

/**
 * Written inside the report's own transaction: the diffusions this version owes (one row per room)
 * and the cross-references it creates. Nothing is sent here; the relay and the worker send.
 * `created`: the report's first version, which no room holds yet and no match names. Returns how
 * many rooms the version goes to.
 */
export async function planDiffusion(
  tx: Queries,
  report: PlannedReport,
  planner: DiffusionPlanner,
  at: number,
  created = false,
): Promise<number> {
  // Rooms that hold anything about the report (a card, an alert, a reminder) hear of every version:
  // that is how a narrowed diffusion reaches them, to take it all back.
  const holding = created
    ? []
    : await tx.all<{ room_key: string }>(
        `SELECT room_key FROM report_cards WHERE report_id = ?
         UNION SELECT room_key FROM sent_events WHERE report_id = ? AND redacted = 0`,
        [report.id, report.id],
      );
  const rooms = new Set([...planner.roomsFor(report, report.roomKey), ...holding.map((r) => r.room_key)]);
  rooms.delete(report.roomKey);
  if (rooms.size > 0) {
    await tx.run(
      `INSERT OR IGNORE INTO outbox (kind, report_id, version, room_key, created_at) VALUES ${[...rooms].map(() => "('report', ?, ?, ?, ?)").join(", ")}`,
      [...rooms].flatMap((room) => [report.id, report.version, room, at]),
    );
  }
  if (report.status !== "active") return rooms.size;
  for (const entity of report.entities) {
    const others = await tx.all<{ id: number; service: string; fields_json: string }>(
      `SELECT r.id, r.service, r.fields_json FROM report_entities e JOIN reports r ON r.id = e.report_id
       WHERE e.kind = ? AND e.value = ? AND e.report_id <> ? AND r.status = 'active'`,
      [entity.kind, entity.value, report.id],
    );
    for (const other of others) {
      const known =
        !created &&
        (await tx.get(
          `SELECT 1 AS x FROM matches WHERE kind = ? AND value = ?
         AND ((report_id = ? AND other_id = ?) OR (report_id = ? AND other_id = ?))`,
          [entity.kind, entity.value, report.id, other.id, other.id, report.id],
        ));
      if (known) continue;
      const { lastID } = await tx.run(
        "INSERT INTO matches (report_id, other_id, kind, value, display, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [report.id, other.id, entity.kind, entity.value, entity.display, at],
      );
      const otherFields = JSON.parse(other.fields_json) as Pick<ReportFields, "diffusion" | "source">;
      const otherClassified: Classified = {
        service: other.service,
        diffusion: otherFields.diffusion,
        fromReferent: otherFields.source?.kind === "referent",
      };
      const alerted = planner.roomsForMatch(report, otherClassified);
      if (alerted.length > 0) {
        await tx.run(
          `INSERT OR IGNORE INTO outbox (kind, report_id, version, match_id, room_key, created_at) VALUES ${alerted.map(() => "('match', ?, 0, ?, ?, ?)").join(", ")}`,
          alerted.flatMap((room) => [report.id, lastID, room, at]),
        );
      }
    }
  }
  return rooms.size;
}

export interface OutboxItem {
  id: number;
  kind: "report" | "match";
  reportId: number;
  version: number;
  matchId: number;
  roomKey: string;
}

/**
 * Queue priorities (BullMQ: 1 runs first; FIFO within a priority). A match alert is the
 * time-critical message — above all the one to the room whose officer just reported — then cards,
 * then thread updates, withdrawals and the quiet match notes (`src/core/diffusion/match-audience.ts`).
 * Order per report and room needs no priority: a row is delivered from the report's current state
 * (a card first if the room has none, then the updates in version order), so whichever row of a
 * report runs first in a room sends its card — a match note too sends the card it goes under.
 */
export const PRIORITY = { alertToReporter: 1, alert: 2, card: 3, update: 4 } as const;

export interface GroupMember {
  reportId: number;
  version: number;
}

export interface CardGroup {
  id: number;
  roomKey: string;
  txnKey: string;
  members: GroupMember[];
  eventId: string | null;
}

/** A match alert in a planned message: its outbox row, and the reports its planned text names. */
export interface AlertMember {
  outboxId: number;
  names: number[];
}

export interface AlertGroup {
  id: number;
  roomKey: string;
  txnKey: string;
  members: AlertMember[];
  eventId: string | null;
}

interface GroupRow {
  id: number;
  room_key: string;
  txn_key: string;
  members_json: string;
  event_id: string | null;
}

function toAlertGroup(row: GroupRow): AlertGroup {
  return {
    id: row.id,
    roomKey: row.room_key,
    txnKey: row.txn_key,
    members: JSON.parse(row.members_json) as AlertMember[],
    eventId: row.event_id,
  };
}

/** How the relay tells a match alert from a quiet match note (see `matchRole`). */
export interface MatchAudience {
  roomService(roomKey: string): string | undefined;
  coordinatorService: string;
}

function toGroup(row: GroupRow): CardGroup {
  return {
    id: row.id,
    roomKey: row.room_key,
    txnKey: row.txn_key,
    members: JSON.parse(row.members_json) as GroupMember[],
    eventId: row.event_id,
  };
}

export interface Card {
  eventId: string;
  version: number;
  withdrawn: boolean;
}

export type SentKind = "card" | "update" | "match" | "reminder" | "notice";

export interface SentEvent {
  eventId: string;
  reportId: number;
  kind: SentKind;
}

export interface MatchRow {
  id: number;
  reportId: number;
  otherId: number;
  kind: string;
  value: string;
  display: string;
}

/** The relay's and the worker's view of the outbox. */
export class OutboxStore {
  /** Without an audience every match row is queued as an alert (the delivery still decides). */
  constructor(
    private readonly db: Database,
    private readonly audience?: MatchAudience,
  ) {}

  /**
   * Rows to hand to the queue: pending ones (past `afterId`: the relay has handed the others over
   * already), and queued ones that never completed (lost by Redis), most urgent first, each with
   * its queue priority (see `PRIORITY`).
   */
  async dueForQueue(
    now: number,
    requeueAfterMs: number,
    limit = 500,
    afterId = 0,
  ): Promise<(OutboxItem & { priority: number })[]> {
    const rows = await this.db.all<OutboxRow & { priority: number; service: string | null; other_service: string | null }>(
      `SELECT o.id, o.kind, o.report_id, o.version, o.match_id, o.room_key, o.status, r.service, ro.service AS other_service,
         CASE WHEN o.kind = 'match' AND o.room_key = r.room_key THEN ${PRIORITY.alertToReporter}
              WHEN o.kind = 'match' THEN ${PRIORITY.alert}
              WHEN c.report_id IS NULL OR c.withdrawn = 1 THEN ${PRIORITY.card}
              ELSE ${PRIORITY.update} END AS priority
       FROM outbox o
       LEFT JOIN reports r ON r.id = o.report_id
       LEFT JOIN report_cards c ON c.report_id = o.report_id AND c.room_key = o.room_key
       LEFT JOIN matches m ON o.kind = 'match' AND m.id = o.match_id
       LEFT JOIN reports ro ON ro.id = m.other_id
       WHERE (o.status = 'pending' AND o.id > ?) OR (o.status = 'queued' AND o.queued_at < ?) ORDER BY priority, o.id LIMIT ?`,
      [afterId, now - requeueAfterMs, limit],
    );
    const audience = this.audience;
    const priority = (row: (typeof rows)[number]): number =>
      row.kind === "match" &&
      audience &&
      matchRole(audience.roomService(row.room_key), [row.service ?? "", row.other_service ?? ""], audience.coordinatorService) ===
        "note"
        ? PRIORITY.update
        : row.priority;
    return rows
      .map((row) => ({ ...toItem(row), priority: priority(row) }))
      .sort((a, b) => a.priority - b.priority || a.id - b.id);
  }

  /**
   * Match rows waiting for a room besides `exceptId` (alerts and notes alike: the worker keeps the
   * alerts), oldest first.
   */
  async waitingMatches(roomKey: string, exceptId: number, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db.all<OutboxRow>(
      `SELECT id, kind, report_id, version, match_id, room_key, status FROM outbox
       WHERE room_key = ? AND kind = 'match' AND status IN ('pending', 'queued') AND id <> ? ORDER BY id LIMIT ?`,
      [roomKey, exceptId, limit],
    );
    return rows.map(toItem);
  }

  /** The row owing a room a report's card (or update), if any is still to send: the latest version. */
  async owedReportRow(reportId: number, roomKey: string): Promise<number | undefined> {
    return (
      await this.db.get<{ id: number }>(
        `SELECT id FROM outbox WHERE kind = 'report' AND report_id = ? AND room_key = ? AND status IN ('pending', 'queued')
         ORDER BY version DESC, id DESC LIMIT 1`,
        [reportId, roomKey],
      )
    )?.id;
  }

  /** Writes a message of match alerts before it is sent (idempotent by its transaction key). */
  async planAlertGroup(roomKey: string, txnKey: string, members: AlertMember[], now: number): Promise<AlertGroup> {
    return toAlertGroup(await this.planned("alerts", roomKey, txnKey, members, now));
  }

  /** A message of match alerts planned for the room but never recorded as sent. */
  async openAlertGroup(roomKey: string): Promise<AlertGroup | undefined> {
    const row = await this.open("alerts", roomKey);
    return row && toAlertGroup(row);
  }

  /** The message of match alerts this event is, if it is one. */
  async alertGroupOn(eventId: string): Promise<AlertGroup | undefined> {
    const row = await this.db.get<GroupRow>(
      "SELECT id, room_key, txn_key, members_json, event_id FROM card_groups WHERE event_id = ? AND kind = 'alerts'",
      [eventId],
    );
    return row && toAlertGroup(row);
  }

  /** The event a planned message became ("" when nothing was left to send). */
  async groupEvent(groupId: number): Promise<string | null | undefined> {
    return (await this.db.get<{ event_id: string | null }>("SELECT event_id FROM card_groups WHERE id = ?", [groupId]))?.event_id;
  }

  /**
   * A message of match alerts sent: the rows of the alerts it shows are sent, those the room may no
   * longer learn of dropped, and the message is recorded as about every report its text names or
   * may have named (so that a take-back finds it) — in one transaction, so a crash leaves either
   * the plan (sent again with the same key) or all of it.
   */
  async recordAlertGroup(
    group: AlertGroup,
    eventId: string,
    outcome: { sent: readonly number[]; dropped: readonly number[]; about: readonly number[] },
    now: number,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (eventId !== "")
        for (const reportId of new Set(outcome.about))
          await tx.run(
            "INSERT OR IGNORE INTO sent_events (event_id, room_key, report_id, kind, sent_at) VALUES (?, ?, ?, 'match', ?)",
            [eventId, group.roomKey, reportId, now],
          );
      for (const id of outcome.sent)
        await tx.run("UPDATE outbox SET status = 'sent', event_id = ?, sent_at = ? WHERE id = ? AND status <> 'sent'", [
          eventId,
          now,
          id,
        ]);
      for (const id of outcome.dropped)
        await tx.run(
          "UPDATE outbox SET status = 'dropped', sent_at = ?, last_error = 'room not entitled to this match' WHERE id = ? AND status <> 'sent'",
          [now, id],
        );
      await tx.run("UPDATE card_groups SET event_id = ? WHERE id = ?", [eventId, group.id]);
    });
  }

  /**
   * A match alert owed to a room again, because the message of alerts that held it was taken back
   * for another report (`groupId`, as the row's version, keeps it unique per take-back). Idempotent.
   */
  async repostAlert(item: Pick<OutboxItem, "reportId" | "matchId" | "roomKey">, groupId: number, now: number): Promise<void> {
    await this.db.run(
      `INSERT OR IGNORE INTO outbox (kind, report_id, version, match_id, room_key, created_at) VALUES ('match', ?, ?, ?, ?, ?)`,
      [item.reportId, groupId, item.matchId, item.roomKey, now],
    );
  }

  /**
   * Cards waiting for a room besides `exceptReportId`'s: reports with a row not yet sent there and
   * no card standing there, oldest first, each at the latest version owed.
   */
  async waitingCards(roomKey: string, exceptReportId: number, limit: number): Promise<{ reportId: number; version: number }[]> {
    const rows = await this.db.all<{ report_id: number; version: number }>(
      `SELECT o.report_id, max(o.version) AS version FROM outbox o
       LEFT JOIN report_cards c ON c.report_id = o.report_id AND c.room_key = o.room_key
       WHERE o.room_key = ? AND o.kind = 'report' AND o.status IN ('pending', 'queued') AND o.report_id <> ?
         AND (c.report_id IS NULL OR c.withdrawn = 1)
       GROUP BY o.report_id ORDER BY min(o.id) LIMIT ?`,
      [roomKey, exceptReportId, limit],
    );
    return rows.map((r) => ({ reportId: r.report_id, version: r.version }));
  }

  /** Writes a group before it is sent (idempotent by its transaction key); returns it as stored. */
  async planGroup(roomKey: string, txnKey: string, members: GroupMember[], now: number): Promise<CardGroup> {
    return toGroup(await this.planned("cards", roomKey, txnKey, members, now));
  }

  /** A group planned for the room but never recorded as sent (the bot stopped in between). */
  async openGroup(roomKey: string): Promise<CardGroup | undefined> {
    const row = await this.open("cards", roomKey);
    return row && toGroup(row);
  }

  /** A planned message of one kind, written once by its transaction key, as stored. */
  private async planned(kind: "cards" | "alerts", roomKey: string, txnKey: string, members: unknown[], now: number) {
    await this.db.run(
      "INSERT OR IGNORE INTO card_groups (room_key, txn_key, members_json, planned_at, kind) VALUES (?, ?, ?, ?, ?)",
      [roomKey, txnKey, JSON.stringify(members), now, kind],
    );
    const row = await this.db.get<GroupRow>(
      "SELECT id, room_key, txn_key, members_json, event_id FROM card_groups WHERE txn_key = ? AND kind = ?",
      [txnKey, kind],
    );
    if (!row) throw new Error(`${kind} group not stored`);
    return row;
  }

  /** The oldest message of one kind planned for the room and never recorded as sent. */
  private open(kind: "cards" | "alerts", roomKey: string): Promise<GroupRow | undefined> {
    return this.db.get<GroupRow>(
      `SELECT id, room_key, txn_key, members_json, event_id FROM card_groups
       WHERE room_key = ? AND event_id IS NULL AND kind = ? ORDER BY id LIMIT 1`,
      [roomKey, kind],
    );
  }

  /**
   * A group sent: each member's card is that message (its thread takes the member's updates), the
   * message is recorded as about every member, and their rows up to their version are sent — in
   * one transaction, so a crash leaves either the plan (sent again with the same key) or all of it.
   */
  async recordGroup(group: CardGroup, eventId: string, members: readonly GroupMember[], now: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const m of members) {
        await tx.run(
          `INSERT INTO report_cards (report_id, room_key, event_id, version, withdrawn) VALUES (?, ?, ?, ?, 0)
           ON CONFLICT (report_id, room_key) DO UPDATE SET event_id = excluded.event_id, version = excluded.version, withdrawn = 0`,
          [m.reportId, group.roomKey, eventId, m.version],
        );
        await tx.run(
          "INSERT OR IGNORE INTO sent_events (event_id, room_key, report_id, kind, sent_at) VALUES (?, ?, ?, 'card', ?)",
          [eventId, group.roomKey, m.reportId, now],
        );
        await tx.run(
          `UPDATE outbox SET status = 'sent', event_id = COALESCE(event_id, ?), sent_at = ?
           WHERE kind = 'report' AND report_id = ? AND room_key = ? AND version <= ? AND status <> 'sent'`,
          [eventId, now, m.reportId, group.roomKey, m.version],
        );
      }
      await tx.run("UPDATE card_groups SET event_id = ? WHERE id = ?", [eventId, group.id]);
    });
  }

  /** The group a message is (undefined for a single card). */
  async groupOf(eventId: string): Promise<number | undefined> {
    return (await this.db.get<{ id: number }>("SELECT id FROM card_groups WHERE event_id = ? AND kind = 'cards'", [eventId]))?.id;
  }

  /** The reports whose card in the room is this message (several for a grouped message). */
  async cardsOnEvent(roomKey: string, eventId: string): Promise<{ reportId: number; card: Card }[]> {
    const rows = await this.db.all<{ report_id: number; version: number; withdrawn: number }>(
      "SELECT report_id, version, withdrawn FROM report_cards WHERE room_key = ? AND event_id = ?",
      [roomKey, eventId],
    );
    return rows.map((r) => ({ reportId: r.report_id, card: { eventId, version: r.version, withdrawn: r.withdrawn === 1 } }));
  }

  /**
   * A card owed to a room again, because the grouped message that held it was taken back for
   * another report (`groupId` keeps the row unique per take-back). Idempotent.
   */
  async repostCard(reportId: number, roomKey: string, version: number, groupId: number, now: number): Promise<void> {
    await this.db.run(
      `INSERT OR IGNORE INTO outbox (kind, report_id, version, match_id, room_key, created_at) VALUES ('report', ?, ?, ?, ?, ?)`,
      [reportId, version, groupId, roomKey, now],
    );
  }

  /** One transaction, one statement per 500 rows (it was one autocommit per row). */
  async markQueued(ids: number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        await tx.run(
          `UPDATE outbox SET status = 'queued', queued_at = ? WHERE id IN (${chunk.map(() => "?").join(",")}) AND status <> 'sent'`,
          [now, ...chunk],
        );
      }
    });
  }

  async item(id: number): Promise<(OutboxItem & { status: string }) | undefined> {
    const row = await this.db.get<OutboxRow>(
      "SELECT id, kind, report_id, version, match_id, room_key, status FROM outbox WHERE id = ?",
      [id],
    );
    return row && { ...toItem(row), status: row.status };
  }

  async markDone(
    id: number,
    status: "sent" | "dropped",
    eventId: string | null,
    now: number,
    error: string | null = null,
  ): Promise<void> {
    await this.db.run("UPDATE outbox SET status = ?, event_id = ?, sent_at = ?, last_error = ? WHERE id = ?", [
      status,
      eventId,
      now,
      error,
      id,
    ]);
  }

  /** Marks every report row of that room up to `version` sent (a card shows all of them at once). */
  async markReportSentUpTo(reportId: number, roomKey: string, version: number, eventId: string, now: number): Promise<void> {
    await this.db.run(
      `UPDATE outbox SET status = 'sent', event_id = COALESCE(event_id, ?), sent_at = ?
       WHERE kind = 'report' AND report_id = ? AND room_key = ? AND version <= ? AND status <> 'sent'`,
      [eventId, now, reportId, roomKey, version],
    );
  }

  async roomsForVersion(reportId: number, version: number): Promise<number> {
    return (
      (
        await this.db.get<{ n: number }>(
          "SELECT count(*) AS n FROM outbox WHERE kind = 'report' AND report_id = ? AND version = ?",
          [reportId, version],
        )
      )?.n ?? 0
    );
  }

  /** A card owed to one room outside a write (a report shared with a matter room); idempotent. */
  async enqueueReport(reportId: number, version: number, roomKey: string, at: number): Promise<void> {
    await this.db.run(
      `INSERT OR IGNORE INTO outbox (kind, report_id, version, room_key, created_at) VALUES ('report', ?, ?, ?, ?)`,
      [reportId, version, roomKey, at],
    );
  }

  async pendingForReport(reportId: number): Promise<number> {
    return (
      (
        await this.db.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE report_id = ? AND status = 'pending'", [
          reportId,
        ])
      )?.n ?? 0
    );
  }

  async card(reportId: number, roomKey: string): Promise<Card | undefined> {
    const row = await this.db.get<{ event_id: string; version: number; withdrawn: number }>(
      "SELECT event_id, version, withdrawn FROM report_cards WHERE report_id = ? AND room_key = ?",
      [reportId, roomKey],
    );
    return row && { eventId: row.event_id, version: row.version, withdrawn: row.withdrawn === 1 };
  }

  async saveCard(reportId: number, roomKey: string, card: Card): Promise<void> {
    await this.db.run(
      `INSERT INTO report_cards (report_id, room_key, event_id, version, withdrawn) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (report_id, room_key) DO UPDATE SET event_id = excluded.event_id, version = excluded.version, withdrawn = excluded.withdrawn`,
      [reportId, roomKey, card.eventId, card.version, card.withdrawn ? 1 : 0],
    );
  }

  /** Cards still standing in a room (not withdrawn), with their report. */
  async cardsIn(roomKey: string): Promise<{ reportId: number; card: Card }[]> {
    const rows = await this.db.all<{ report_id: number; event_id: string; version: number }>(
      "SELECT report_id, event_id, version FROM report_cards WHERE room_key = ? AND withdrawn = 0",
      [roomKey],
    );
    return rows.map((r) => ({ reportId: r.report_id, card: { eventId: r.event_id, version: r.version, withdrawn: false } }));
  }

  /** Records a message sent to a room about these reports (a match alert is about two). */
  async recordSent(roomKey: string, eventId: string, kind: SentKind, reportIds: readonly number[], now: number): Promise<void> {
    for (const reportId of new Set(reportIds)) {
      await this.db.run(
        "INSERT OR IGNORE INTO sent_events (event_id, room_key, report_id, kind, sent_at) VALUES (?, ?, ?, ?, ?)",
        [eventId, roomKey, reportId, kind, now],
      );
    }
  }

  /** Messages still standing in a room about a report (or, without one, about any report). */
  async standing(roomKey: string, reportId?: number): Promise<SentEvent[]> {
    const rows = await this.db.all<{ event_id: string; report_id: number; kind: SentKind }>(
      `SELECT event_id, min(report_id) AS report_id, kind FROM sent_events
       WHERE room_key = ? AND redacted = 0 ${reportId === undefined ? "" : "AND event_id IN (SELECT event_id FROM sent_events WHERE report_id = ? AND room_key = ?)"}
       GROUP BY event_id ORDER BY min(sent_at)`,
      reportId === undefined ? [roomKey] : [roomKey, reportId, roomKey],
    );
    return rows.map((r) => ({ eventId: r.event_id, reportId: r.report_id, kind: r.kind }));
  }

  /** The report a card (or an update in its thread) the bot sent to this room is about. */
  async reportOfMessage(roomKey: string, eventId: string): Promise<number | undefined> {
    const row = await this.db.get<{ report_id: number }>(
      "SELECT report_id FROM sent_events WHERE event_id = ? AND room_key = ? AND kind IN ('card', 'update') AND redacted = 0",
      [eventId, roomKey],
    );
    return row?.report_id;
  }

  async markRedacted(eventId: string): Promise<void> {
    await this.db.run("UPDATE sent_events SET redacted = 1 WHERE event_id = ?", [eventId]);
  }

  async match(id: number): Promise<MatchRow | undefined> {
    const r = await this.db.get<{
      id: number;
      report_id: number;
      other_id: number;
      kind: string;
      value: string;
      display: string;
    }>("SELECT id, report_id, other_id, kind, value, display FROM matches WHERE id = ?", [id]);
    return r && { id: r.id, reportId: r.report_id, otherId: r.other_id, kind: r.kind, value: r.value, display: r.display };
  }

  /** Counts by status, for metrics and tests. */
  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.all<{ status: string; n: number }>("SELECT status, count(*) AS n FROM outbox GROUP BY status");
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}

interface OutboxRow {
  id: number;
  kind: "report" | "match";
  report_id: number;
  version: number;
  match_id: number;
  room_key: string;
  status: string;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    kind: row.kind,
    reportId: row.report_id,
    version: row.version,
    matchId: row.match_id,
    roomKey: row.room_key,
  };
}
