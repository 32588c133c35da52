import { createHash } from "node:crypto";
import { Database, type Queries } from "./db.js";

export type AuditAction = "collect" | "modify" | "cancel" | "consult" | "communicate" | "match" | "purge";

export interface AuditEntry {
  id: number;
  at: number; // ms
  actor: string; // Matrix user id or "bot"
  action: AuditAction;
  ref: string | null; // report reference, e.g. 88-2026-0042
  room: string | null; // room key
  detail: string; // short, never report text
  prevHash: string;
  hash: string;
}

export interface NewAuditEntry {
  at: number;
  actor: string;
  action: AuditAction;
  ref?: string | null;
  room?: string | null;
  detail: string;
}

/** An entry already committed in the report store's journal inbox (src/store/journal-inbox.ts). */
export interface Inboxed {
  inboxId: number;
  /** Unique to the entry: the journal takes it once. */
  origin: string;
  entry: NewAuditEntry;
}

type Broken = { ok: false; brokenAt: number /* entry id */; reason: string };
export type VerifyResult = { ok: true; entries: number } | Broken;

/** prevHash of the very first entry, before any purge has left an anchor. */
export const GENESIS_HASH = "0".repeat(64);
/** The journal records that something happened, not what was said: long details smell of report text. */
export const MAX_DETAIL_LENGTH = 500;
const PAGE = 1000;
/** How long an inbox entry waits for others to share its commit (it is safe in the inbox meanwhile). */
const BATCH_WINDOW_MS = 25;

/**
 * Own schema, own `user_version`: the journal lives in its own file, apart from the reports, so it
 * cannot share their migration list. Never edit a released migration: append a new one.
 */
export const AUDIT_MIGRATIONS: readonly string[] = [
  // 1 — the chained journal, purge anchors, and triggers that keep both append-only.
  `
  CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused, even after a purge
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('collect', 'modify', 'cancel', 'consult', 'communicate', 'match')),
    ref TEXT,
    room TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE, -- UNIQUE: a hash can have one successor only, so the chain cannot fork
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX journal_by_ref ON journal (ref, id);

  CREATE TABLE anchor (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    through_id INTEGER NOT NULL,
    hash TEXT NOT NULL,
    cutoff INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    purged_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE purge_in_progress (flag INTEGER PRIMARY KEY CHECK (flag = 1)) STRICT;

  CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'audit journal is append-only'); END;
  CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal WHEN NOT EXISTS (SELECT 1 FROM purge_in_progress)
  BEGIN SELECT RAISE(ABORT, 'audit journal is append-only (only the retention purge deletes)'); END;
  CREATE TRIGGER anchor_no_update BEFORE UPDATE ON anchor
  BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;
  CREATE TRIGGER anchor_no_delete BEFORE DELETE ON anchor
  BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;
  `,
  // 2 — a "purge" action (a report deleted at the end of its retention). SQLite cannot change a
  // CHECK: the table is rebuilt, entries and ids unchanged (so the chain still verifies), and the
  // AUTOINCREMENT counter carried over (so a cut-off end still shows).
  `
  CREATE TEMP TABLE journal_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'journal';
  CREATE TABLE journal_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('collect', 'modify', 'cancel', 'consult', 'communicate', 'match', 'purge')),
    ref TEXT,
    room TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL
  ) STRICT;
  INSERT INTO journal_v2 SELECT id, at, actor, action, ref, room, detail, prev_hash, hash FROM journal;
  DROP TRIGGER journal_no_update;
  DROP TRIGGER journal_no_delete;
  DROP TABLE journal;
  ALTER TABLE journal_v2 RENAME TO journal;
  CREATE INDEX journal_by_ref ON journal (ref, id);
  UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM journal_seq), 0)) WHERE name = 'journal';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'journal', seq FROM journal_seq WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'journal');
  DROP TABLE journal_seq;
  CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'audit journal is append-only'); END;
  CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal WHEN NOT EXISTS (SELECT 1 FROM purge_in_progress)
  BEGIN SELECT RAISE(ABORT, 'audit journal is append-only (only the retention purge deletes)'); END;
  `,
  // 3 — entries first written in the report store's own transaction (its journal inbox, issue 16)
  // carry their origin there: moved here once, whatever crash comes in between. The origin is how
  // the entry travelled, not what it says: it is not part of the hash.
  `
  ALTER TABLE journal ADD COLUMN origin TEXT;
  CREATE UNIQUE INDEX journal_by_origin ON journal (origin) WHERE origin IS NOT NULL;
  `,
];

type Content = Pick<AuditEntry, "at" | "actor" | "action" | "ref" | "room" | "detail">;
const ENTRY = "id, at, actor, action, ref, room, detail, prev_hash AS prevHash, hash";

/**
 * CNIL journal of collection, modification, consultation and communication of intelligence:
 * append-only, hash-chained (each entry commits to its predecessor), with a retention purge that
 * leaves an anchor so what remains still verifies.
 */
export class AuditJournal {
  private queued: Inboxed[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private window: NodeJS.Timeout | null = null;
  /** Told the highest inbox id appended after each batch (the inbox may then forget it). */
  onMoved: ((throughInboxId: number) => void) | null = null;

  private constructor(private readonly db: Database) {}

  /** Statements and commits of the journal's own database (benchmarks). */
  get counters(): Readonly<Database["counters"]> {
    return this.db.counters;
  }

  static async open(path: string, onError?: (error: unknown) => void): Promise<AuditJournal> {
    const db = await Database.open(path, onError); // WAL, synchronous=FULL, busy_timeout
    try {
      await migrateAudit(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    return new AuditJournal(db);
  }

  /** Read the head and insert in one BEGIN IMMEDIATE transaction, so concurrent appends never fork. */
  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const content = normalise(entry);
    return this.db.transaction((tx) => insertEntry(tx, content));
  }

  async appendMany(entries: NewAuditEntry[]): Promise<void> {
    const contents = entries.map(normalise); // validate all before writing any
    if (contents.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const content of contents) await insertEntry(tx, content);
    });
  }

  /**
   * Entries already safe in the report store's inbox: appended within `BATCH_WINDOW_MS`, with those
   * queued meanwhile, in one transaction (one commit for a burst of reports, none on their path).
   */
  enqueue(item: Inboxed): void {
    this.queued.push(item);
    if (this.window || this.flushScheduled) return;
    this.window = setTimeout(() => {
      this.window = null;
      this.scheduleFlush();
    }, BATCH_WINDOW_MS);
    this.window.unref();
  }

  /** Once what is queued now is appended (or failed, and waits for the next try). */
  async settled(): Promise<void> {
    if (this.window) clearTimeout(this.window);
    this.window = null;
    if (this.queued.length > 0) this.scheduleFlush();
    await this.flushing;
  }

  /** Appends inbox entries the journal does not hold yet (by origin), in one transaction. */
  async appendOnce(items: Inboxed[]): Promise<void> {
    if (items.length === 0) return;
    const contents = items.map((item) => ({ origin: item.origin, content: normalise(item.entry) }));
    await this.db.transaction(async (tx) => {
      const held = new Set(
        (
          await tx.all<{ origin: string }>(
            `SELECT origin FROM journal WHERE origin IN (${contents.map(() => "?").join(",")})`,
            contents.map((c) => c.origin),
          )
        ).map((row) => row.origin),
      );
      const fresh = contents.filter((c) => !held.has(c.origin));
      if (fresh.length === 0) return;
      let prevHash = await headHash(tx);
      const rows = fresh.map(({ origin, content }) => {
        const hash = chainHash(prevHash, content);
        const row = [
          content.at,
          content.actor,
          content.action,
          content.ref,
          content.room,
          content.detail,
          prevHash,
          hash,
          origin,
        ];
        prevHash = hash;
        return row;
      });
      await tx.run(
        `INSERT INTO journal (at, actor, action, ref, room, detail, prev_hash, hash, origin) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        rows.flat(),
      );
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.flushing = this.flushing.then(async () => {
      this.flushScheduled = false;
      const batch = this.queued.splice(0, 500);
      if (batch.length === 0) return;
      try {
        await this.appendOnce(batch);
      } catch {
        // A full disk, say: the entries are safe in the inbox; kept here for the next try.
        this.queued.unshift(...batch);
        return;
      }
      this.onMoved?.(Math.max(...batch.map((item) => item.inboxId)));
      if (this.queued.length > 0) this.scheduleFlush();
    });
  }

  /** The latest `limit` entries about a report (all by default), oldest first: its history. */
  async forRef(ref: string, limit = -1): Promise<AuditEntry[]> {
    await this.settled();
    return this.db.all<AuditEntry>(
      `SELECT * FROM (SELECT ${ENTRY} FROM journal WHERE ref = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
      [ref, limit],
    );
  }

  /** Every collection still in the journal (reference and detail), oldest first. */
  async collected(): Promise<{ ref: string; detail: string }[]> {
    await this.settled();
    return this.db.all<{ ref: string; detail: string }>(
      "SELECT ref, detail FROM journal WHERE action = 'collect' AND ref IS NOT NULL ORDER BY id",
    );
  }

  /** The latest `limit` entries, newest first. */
  async recent(limit: number): Promise<AuditEntry[]> {
    await this.settled();
    return this.db.all<AuditEntry>(`SELECT ${ENTRY} FROM journal ORDER BY id DESC LIMIT ?`, [limit]);
  }

  /** Recomputes the chain from the latest anchor (or genesis). A transaction: a purge cannot move it underfoot. */
  async verify(): Promise<VerifyResult> {
    await this.settled();
    return this.db.transaction(async (tx) => {
      const walk = await walkChain(tx, Number.MAX_SAFE_INTEGER);
      if (!walk.ok) return walk;
      // The chain alone cannot see entries cut off its end; SQLite's AUTOINCREMENT counter can.
      const issued = (await tx.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'journal'"))?.seq ?? 0;
      if (issued > walk.lastId) {
        return { ok: false, brokenAt: walk.lastId + 1, reason: `entries ${walk.lastId + 1}..${issued} are missing from the end` };
      }
      return { ok: true, entries: walk.entries };
    });
  }

  /**
   * Retention: deletes the entries older than `cutoffMs` and anchors the chain on the last one deleted.
   * Only a prefix of the chain can go (a hole would break it), so an old entry appended after a newer
   * one waits for the newer one. Refuses if the part to delete does not verify: retention must not
   * launder tampering.
   */
  purgeOlderThan(cutoffMs: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const kept = await tx.get<{ id: number | null }>("SELECT MIN(id) AS id FROM journal WHERE at >= ?", [cutoffMs]);
      const last = await tx.get<{ id: number; hash: string }>(
        "SELECT id, hash FROM journal WHERE id < ? ORDER BY id DESC LIMIT 1",
        [kept?.id ?? Number.MAX_SAFE_INTEGER],
      );
      if (!last) return 0;
      const walk = await walkChain(tx, last.id);
      if (!walk.ok) throw new Error(`refusing to purge: audit chain broken at entry ${walk.brokenAt}: ${walk.reason}`);
      // The DELETE trigger lets rows go only while this flag exists; it never outlives the transaction.
      await tx.run("INSERT INTO purge_in_progress (flag) VALUES (1)");
      const { changes } = await tx.run("DELETE FROM journal WHERE id <= ?", [last.id]);
      await tx.run("DELETE FROM purge_in_progress");
      await tx.run("INSERT INTO anchor (through_id, hash, cutoff, deleted, purged_at) VALUES (?, ?, ?, ?, ?)", [
        last.id,
        last.hash,
        cutoffMs,
        changes,
        Date.now(),
      ]);
      return changes;
    });
  }

  async close(): Promise<void> {
    await this.settled();
    return this.db.close();
  }
}

async function migrateAudit(db: Database): Promise<void> {
  const current = (await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0;
  if (current > AUDIT_MIGRATIONS.length) {
    throw new Error(`audit schema version ${current} is newer than this bot (${AUDIT_MIGRATIONS.length}): refusing to run`);
  }
  for (let version = current; version < AUDIT_MIGRATIONS.length; version++) {
    await db.transaction(async (tx) => {
      await tx.exec(AUDIT_MIGRATIONS[version] ?? "");
      await tx.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

async function insertEntry(tx: Queries, content: Content): Promise<AuditEntry> {
  const prevHash = await headHash(tx);
  const hash = chainHash(prevHash, content);
  const { lastID } = await tx.run(
    "INSERT INTO journal (at, actor, action, ref, room, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [content.at, content.actor, content.action, content.ref, content.room, content.detail, prevHash, hash],
  );
  return { id: lastID, ...content, prevHash, hash };
}

/** Hash the next entry must chain to: the last entry, else the last purge anchor, else genesis. */
async function headHash(tx: Queries): Promise<string> {
  const last = await tx.get<{ hash: string }>("SELECT hash FROM journal ORDER BY id DESC LIMIT 1");
  return last?.hash ?? (await latestAnchor(tx)).hash;
}

/** Where the surviving chain starts: the last purge's anchor, or genesis if nothing was ever purged. */
async function latestAnchor(tx: Queries): Promise<{ hash: string; throughId: number }> {
  const anchor = await tx.get<{ hash: string; throughId: number }>(
    "SELECT hash, through_id AS throughId FROM anchor ORDER BY id DESC LIMIT 1",
  );
  return anchor ?? { hash: GENESIS_HASH, throughId: 0 };
}

/** Walks entries with id <= upTo, in pages so a year of journal never sits in memory at once. */
async function walkChain(tx: Queries, upTo: number): Promise<{ ok: true; entries: number; lastId: number } | Broken> {
  const anchor = await latestAnchor(tx);
  let [expected, lastId, entries] = [anchor.hash, anchor.throughId, 0];
  let cursor = 0; // from 0, not from the anchor: a row re-inserted before the anchor must fail too
  for (;;) {
    const page = await tx.all<AuditEntry>(`SELECT ${ENTRY} FROM journal WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`, [
      cursor,
      upTo,
      PAGE,
    ]);
    for (const row of page) {
      const reason = linkProblem(row, expected);
      if (reason) return { ok: false, brokenAt: row.id, reason };
      expected = row.hash;
      cursor = lastId = row.id;
      entries++;
    }
    if (page.length < PAGE) return { ok: true, entries, lastId };
  }
}

function linkProblem(row: AuditEntry, expectedPrev: string): string | null {
  if (row.prevHash !== expectedPrev) {
    return "prevHash does not match the preceding entry or anchor (entry removed, inserted or reordered)";
  }
  if (row.hash !== chainHash(row.prevHash, row)) return "hash does not match the entry's content (entry altered)";
  return null;
}

/** sha256(prevHash + canonical JSON); canonical = fixed key order, absent ref/room as null. */
export function chainHash(prevHash: string, c: Content): string {
  const json = JSON.stringify({ at: c.at, actor: c.actor, action: c.action, ref: c.ref, room: c.room, detail: c.detail });
  return createHash("sha256")
    .update(prevHash + json, "utf8")
    .digest("hex");
}

function normalise(entry: NewAuditEntry): Content {
  if (!Number.isSafeInteger(entry.at)) throw new Error(`audit entry time must be integer ms, got ${entry.at}`);
  if (entry.detail.length > MAX_DETAIL_LENGTH) throw new Error(`audit detail longer than ${MAX_DETAIL_LENGTH} characters`);
  return {
    at: entry.at,
    actor: wellFormed(entry.actor),
    action: entry.action,
    ref: entry.ref == null ? null : wellFormed(entry.ref),
    room: entry.room == null ? null : wellFormed(entry.room),
    detail: wellFormed(entry.detail),
  };
}

/**
 * SQLite stores UTF-8, so a lone surrogate (e.g. an emoji cut in half by a truncation) comes back as
 * U+FFFD. Hash what will be read back, or verify() would flag an honest entry.
 */
function wellFormed(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}
