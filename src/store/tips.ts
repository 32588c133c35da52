import type { TipStatus, TipView } from "../core/tips/card.js";
import { type ReceiptView, type TipFields, tipFieldsSchema, type TipJob } from "../core/tips/wire.js";
import type { Database } from "./db.js";

export interface StoredTip extends TipView {
  id: number;
  receiptHash: string | null;
  cardEventId: string | null;
  reportRef: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
  purged: boolean;
}

interface TipRow {
  id: number;
  receipt_hash: string | null;
  received_at: number;
  pow: number;
  status: TipStatus;
  fields_json: string | null;
  has_photo: number;
  latitude: number | null;
  longitude: number | null;
  card_event_id: string | null;
  report_ref: string | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  purged_at: number | null;
}

const COLUMNS = `id, receipt_hash, received_at, pow, status, fields_json, photo IS NOT NULL AS has_photo, latitude, longitude,
  card_event_id, report_ref, decided_by, decided_at, decision_note, purged_at`;

const PURGED_FIELDS: TipFields = {
  communeCode: "00000",
  communeNom: "(purgé)",
  place: "",
  kind: "autre",
  when: "",
  people: null,
  vehicles: "",
  description: "(signalement purgé)",
  contact: "",
};

function toTip(row: TipRow): StoredTip {
  const fields = row.fields_json ? tipFieldsSchema.parse(JSON.parse(row.fields_json)) : PURGED_FIELDS;
  return {
    id: row.id,
    number: row.id,
    receivedAt: row.received_at,
    status: row.status,
    pow: row.pow === 1,
    fields,
    photo: row.has_photo === 1,
    position: row.latitude !== null && row.longitude !== null ? { latitude: row.latitude, longitude: row.longitude } : null,
    receiptHash: row.receipt_hash,
    cardEventId: row.card_event_id,
    reportRef: row.report_ref,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    purged: row.purged_at !== null,
  };
}

/**
 * Citizen tips in the bot's store. Each write is keyed (the submission id of the form, the Matrix
 * event of the decision), so a job or a command handled twice changes nothing. A change the citizen
 * may read back (a question, a decision) marks the receipt view to be published again.
 */
export class TipStore {
  constructor(private readonly db: Database) {}

  async store(job: Extract<TipJob, { kind: "tip" }>, at: number): Promise<{ tip: StoredTip; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.get<TipRow>(`SELECT ${COLUMNS} FROM tips WHERE submission_id = ?`, [job.submissionId]);
      if (existing) return { tip: toTip(existing), created: false };
      const photo = job.photo ? Buffer.from(job.photo.data, "base64") : null;
      const { lastID } = await tx.run(
        `INSERT INTO tips (submission_id, receipt_hash, received_at, stored_at, pow, fields_json, photo, photo_mimetype, latitude, longitude)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          job.submissionId,
          job.receiptHash,
          job.receivedAt,
          at,
          job.pow ? 1 : 0,
          JSON.stringify(job.fields),
          photo,
          job.photo?.mimetype ?? null,
          job.photo?.latitude ?? null,
          job.photo?.longitude ?? null,
        ],
      );
      const row = await tx.get<TipRow>(`SELECT ${COLUMNS} FROM tips WHERE id = ?`, [lastID]);
      if (!row) throw new Error("tip vanished inside its transaction");
      return { tip: toTip(row), created: true };
    });
  }

  async byNumber(n: number): Promise<StoredTip | undefined> {
    const row = await this.db.get<TipRow>(`SELECT ${COLUMNS} FROM tips WHERE id = ?`, [n]);
    return row ? toTip(row) : undefined;
  }

  async photo(id: number): Promise<{ bytes: Buffer; mimetype: string } | null> {
    const row = await this.db.get<{ photo: Buffer | null; photo_mimetype: string | null }>(
      "SELECT photo, photo_mimetype FROM tips WHERE id = ?",
      [id],
    );
    return row?.photo && row.photo_mimetype ? { bytes: row.photo, mimetype: row.photo_mimetype } : null;
  }

  /** Pending tips, oldest first. */
  async pending(limit = 20): Promise<StoredTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT ${COLUMNS} FROM tips WHERE status = 'pending' ORDER BY received_at, id LIMIT ?`,
      [limit],
    );
    return rows.map(toTip);
  }

  async countPending(): Promise<number> {
    return (await this.db.get<{ n: number }>("SELECT count(*) AS n FROM tips WHERE status = 'pending'"))?.n ?? 0;
  }

  /** Tips of one commune (for hints), newest first, purged ones excluded. */
  async inCommune(communeCode: string, limit = 200): Promise<StoredTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT ${COLUMNS} FROM tips WHERE purged_at IS NULL AND json_extract(fields_json, '$.communeCode') = ?
       ORDER BY received_at DESC LIMIT ?`,
      [communeCode, limit],
    );
    return rows.map(toTip);
  }

  async withoutCard(): Promise<StoredTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT ${COLUMNS} FROM tips WHERE card_event_id IS NULL AND purged_at IS NULL ORDER BY id LIMIT 50`,
    );
    return rows.map(toTip);
  }

  async setCard(id: number, eventId: string): Promise<void> {
    await this.db.run("UPDATE tips SET card_event_id = ? WHERE id = ?", [eventId, id]);
  }

  /** Records a decision on a pending tip; false when it was already decided. */
  async decide(
    id: number,
    decision: {
      status: Exclude<TipStatus, "pending">;
      by: string;
      at: number;
      note: string | null;
      reportRef?: string;
      duplicateOf?: string;
    },
  ): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE tips SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, report_ref = ?, duplicate_of = ?, published_at = NULL
       WHERE id = ? AND status = 'pending'`,
      [decision.status, decision.by, decision.at, decision.note, decision.reportRef ?? null, decision.duplicateOf ?? null, id],
    );
    return changes === 1;
  }

  /** A question of the cell, keyed by the command's event; true when new. */
  async addQuestion(tipId: number, text: string, by: string, at: number, sourceEventId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (await tx.get("SELECT 1 FROM tip_questions WHERE source_event_id = ?", [sourceEventId])) return false;
      await tx.run("INSERT INTO tip_questions (tip_id, text, asked_by, asked_at, source_event_id) VALUES (?, ?, ?, ?, ?)", [
        tipId,
        text,
        by,
        at,
        sourceEventId,
      ]);
      await tx.run("UPDATE tips SET published_at = NULL WHERE id = ?", [tipId]);
      return true;
    });
  }

  /** The citizen's answer: stored once (by submission), marks the open questions answered. Null: unknown receipt. */
  async storeAnswer(job: Extract<TipJob, { kind: "answer" }>): Promise<{ tipId: number; created: boolean } | null> {
    return this.db.transaction(async (tx) => {
      const tip = await tx.get<{ id: number }>("SELECT id FROM tips WHERE receipt_hash = ? AND purged_at IS NULL", [
        job.receiptHash,
      ]);
      if (!tip) return null;
      if (await tx.get("SELECT 1 FROM tip_answers WHERE submission_id = ?", [job.submissionId])) {
        return { tipId: tip.id, created: false };
      }
      await tx.run("INSERT INTO tip_answers (tip_id, submission_id, text, received_at) VALUES (?, ?, ?, ?)", [
        tip.id,
        job.submissionId,
        job.text,
        job.receivedAt,
      ]);
      await tx.run("UPDATE tip_questions SET answered = 1 WHERE tip_id = ?", [tip.id]);
      await tx.run("UPDATE tips SET published_at = NULL WHERE id = ?", [tip.id]);
      return { tipId: tip.id, created: true };
    });
  }

  /** Answers not yet posted in a tip's thread (the card exists). */
  async answersToPost(): Promise<{ id: number; tipId: number; text: string; cardEventId: string }[]> {
    return this.db.all(
      `SELECT a.id AS id, a.tip_id AS tipId, a.text AS text, t.card_event_id AS cardEventId
       FROM tip_answers a JOIN tips t ON t.id = a.tip_id
       WHERE a.posted_event_id IS NULL AND t.card_event_id IS NOT NULL ORDER BY a.id LIMIT 50`,
    );
  }

  async markAnswerPosted(id: number, eventId: string): Promise<void> {
    await this.db.run("UPDATE tip_answers SET posted_event_id = ? WHERE id = ?", [eventId, id]);
  }

  /** Receipt views to (re)write in Redis. */
  async toPublish(): Promise<{ id: number; receiptHash: string; view: ReceiptView }[]> {
    const tips = await this.db.all<{ id: number; receipt_hash: string; status: TipStatus }>(
      "SELECT id, receipt_hash, status FROM tips WHERE published_at IS NULL AND receipt_hash IS NOT NULL LIMIT 100",
    );
    const result: { id: number; receiptHash: string; view: ReceiptView }[] = [];
    for (const tip of tips) {
      const questions = await this.db.all<{ id: number; text: string; asked_at: number; answered: number }>(
        "SELECT id, text, asked_at, answered FROM tip_questions WHERE tip_id = ? ORDER BY id",
        [tip.id],
      );
      result.push({
        id: tip.id,
        receiptHash: tip.receipt_hash,
        view: {
          questions: questions.map((q) => ({ id: q.id, text: q.text, askedAt: q.asked_at, answered: q.answered === 1 })),
          closed: tip.status !== "pending",
        },
      });
    }
    return result;
  }

  async markPublished(id: number, at: number): Promise<void> {
    await this.db.run("UPDATE tips SET published_at = ? WHERE id = ?", [at, id]);
  }

  /** Pending tips received before `before`, never reminded. */
  async dueReminders(before: number): Promise<StoredTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT ${COLUMNS} FROM tips WHERE status = 'pending' AND reminded_at IS NULL AND received_at < ? ORDER BY received_at LIMIT 50`,
      [before],
    );
    return rows.map(toTip);
  }

  async markReminded(ids: readonly number[], at: number): Promise<void> {
    for (const id of ids) await this.db.run("UPDATE tips SET reminded_at = ? WHERE id = ?", [at, id]);
  }

  /** Rejected tips decided before `before`, not yet purged. */
  async duePurge(before: number): Promise<StoredTip[]> {
    const rows = await this.db.all<TipRow>(
      `SELECT ${COLUMNS} FROM tips WHERE status = 'rejected' AND purged_at IS NULL AND decided_at < ? ORDER BY id LIMIT 100`,
      [before],
    );
    return rows.map(toTip);
  }

  /** Deletes what the citizen sent (text, photo, receipt, questions, answers); keeps the number and the decision. */
  async purge(id: number, at: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run("DELETE FROM tip_answers WHERE tip_id = ?", [id]);
      await tx.run("DELETE FROM tip_questions WHERE tip_id = ?", [id]);
      await tx.run(
        `UPDATE tips SET fields_json = NULL, photo = NULL, photo_mimetype = NULL, latitude = NULL, longitude = NULL,
         receipt_hash = NULL, decision_note = NULL, purged_at = ? WHERE id = ?`,
        [at, id],
      );
    });
  }
}
