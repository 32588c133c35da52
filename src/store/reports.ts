import { referenceCandidate, type ReportFields } from "../core/report/report.js";
import type { SearchQuery } from "../core/report/search-query.js";
import { MAX_LISTED, MAX_NOTABLE } from "../core/rhythm/summary.js";
import type { NotableList, NotableReport, RecurringEntity, ReportGroup } from "../core/rhythm/types.js";
import type { Inboxed, NewAuditEntry } from "./audit.js";
import type { Database, Queries, Snapshots } from "./db.js";
import { JournalInbox } from "./journal-inbox.js";
import { type DiffusionPlanner, planDiffusion } from "./outbox.js";

export type Change = "create" | "update" | "edit" | "complement" | "attachment" | "cancel";

export interface StoredReport {
  id: number;
  ref: string;
  sourceEventId: string;
  roomId: string;
  roomKey: string;
  service: string;
  author: string;
  createdAt: number;
  status: "active" | "cancelled";
  version: number;
  fields: ReportFields;
}

/**
 * JSON aggregated inside other JSON: SQLite embeds it as JSON when the value keeps its JSON subtype,
 * and as its text when it does not (through a subquery's column, or an aggregate's ORDER BY).
 */
type Embedded<T> = T | string;
const embedded = <T>(value: Embedded<T>): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

/**
 * How writes are journaled. The entry is made and written in the write's own transaction (the
 * journal inbox, src/store/journal-inbox.ts): a report is never stored without its entry. Once
 * committed, `committed` hands it on to the audit journal, which lives in its own file.
 */
export interface WriteJournal {
  entryFor(report: StoredReport, change: Change, by: string, at: number, note: string | null): NewAuditEntry;
  committed(item: Inboxed): Promise<void> | void;
}

/**
 * A write as the store made it: the report as stored; `created` false when the event had already
 * been applied; and, when it was written now, how many rooms the version goes to.
 */
export interface StoredWrite {
  report: StoredReport;
  created: boolean;
  rooms?: number;
}

/**
 * A group of a period (one status, commune and type) as the store counts it: the caller names the
 * commune and places it in its arrondissement, and asks for the references it lists.
 */
export interface StoredGroup {
  status: ReportGroup["status"];
  commune: string;
  type: string;
  count: number;
  /** When its most recent report of the period was stored. */
  last: number;
}

/** A group's references to read: from `since` (and the period's start), the most recent ones. */
export interface ListedWanted {
  status: ReportGroup["status"];
  commune: string;
  type: string;
  since: number;
}

/** A listed reference, with the commune's name as its report gives it. */
export interface StoredListed {
  ref: string;
  service: string;
  createdAt: number;
  nom: string;
}

/** Active reports of one commune and type in a period, of the diffusion classes asked for. */
export interface PeriodCount {
  commune: string;
  type: string;
  count: number;
}

/** A cross-reference with what the policy needs of both reports. */
export interface PeriodMatch {
  kind: string;
  display: string;
  createdAt: number;
  a: { ref: string; service: string; classKey: string | null };
  b: { ref: string; service: string; classKey: string | null };
}

export interface ReportVersion {
  version: number;
  change: Change;
  changedBy: string;
  changedAt: number;
  note: string | null;
  fields: ReportFields;
}

export interface Attachment {
  kind: "image" | "location";
  version: number;
  mxcUrl: string | null;
  geoUri: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string | null;
  addedBy: string;
  addedAt: number;
}

export interface NewAttachment {
  kind: "image" | "location";
  mxcUrl?: string | null;
  geoUri?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  description?: string | null;
}

interface ReportRow {
  id: number;
  ref: string;
  source_event_id: string;
  room_id: string;
  room_key: string;
  service: string;
  author: string;
  created_at: number;
  status: "active" | "cancelled";
  version: number;
  fields_json: string;
}

/**
 * Reports and their history. Every write is one transaction (report, version, entities,
 * attachment together: nothing half-stored), and every write is keyed by the Matrix event that
 * caused it, so a re-delivered event changes nothing.
 */
export class ReportStore {
  /** The store's reference key (kv), read once: it is written once and never changes. */
  private referenceKey: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly departement: string,
    private readonly planner: DiffusionPlanner,
    /** The journal entry of each write, written in its transaction (see `WriteJournal`). */
    private readonly journal: WriteJournal | null = null,
    /**
     * Where the period reads of digests and agendas go (a `ReadPool`, src/start.ts): beside the
     * writes, side by side with each other. The main connection by default.
     */
    private readonly reads: Queries & Snapshots = db,
  ) {}

  /** Creates the report of `sourceEventId`, or returns the one it already created. */
  async create(input: {
    sourceEventId: string;
    roomId: string;
    roomKey: string;
    service: string;
    author: string;
    fields: ReportFields;
    at: number;
  }): Promise<StoredWrite> {
    let keyUsed: string | undefined;
    const result = await this.db.transaction(async (tx) => {
      const existing = await selectReport(tx, "source_event_id", input.sourceEventId);
      if (existing) return { report: existing, created: false };
      const fieldsJson = JSON.stringify(input.fields);
      const { ref, id: lastID, key } = await this.insertWithFreshReference(tx, input, fieldsJson);
      keyUsed = key;
      await tx.run(
        `INSERT INTO report_versions (report_id, version, change, changed_by, changed_at, source_event_id, fields_json)
         VALUES (?, 1, 'create', ?, ?, ?, ?)`,
        [lastID, input.author, input.at, input.sourceEventId, fieldsJson],
      );
      await insertEntities(tx, lastID, input.fields);
      // What was just written, as the row reads back (status and version are the insert's).
      const report: StoredReport = {
        id: lastID,
        ref,
        sourceEventId: input.sourceEventId,
        roomId: input.roomId,
        roomKey: input.roomKey,
        service: input.service,
        author: input.author,
        createdAt: input.at,
        status: "active",
        version: 1,
        fields: JSON.parse(fieldsJson) as ReportFields,
      };
      const rooms = await this.plan(tx, report, input.at, true);
      const journaled = await this.journalInTransaction(tx, report, "create", input.author, input.at, null);
      return { report, created: true, rooms, journaled };
    });
    // Committed: the key is the store's for good.
    this.referenceKey ??= keyUsed;
    return this.afterCommit(result);
  }

  /**
   * Inserts the report under the first candidate reference of its event that no report holds and
   * no purge retired (see `referenceCandidate`): one statement per candidate, the check inside the
   * insert. The search text goes in with the row (indexed later in a batch, migration 17).
   */
  private async insertWithFreshReference(
    tx: Queries,
    input: Parameters<ReportStore["create"]>[0],
    fieldsJson: string,
  ): Promise<{ ref: string; id: number; key: string }> {
    const key = this.referenceKey ?? (await this.readReferenceKey(tx));
    const year = new Date(input.at).getUTCFullYear();
    for (let attempt = 0; ; attempt++) {
      const ref = referenceCandidate(this.departement, year, input.sourceEventId, key, attempt);
      const { changes, lastID } = await tx.run(
        `INSERT INTO reports (ref, source_event_id, room_id, room_key, service, author, created_at, version, fields_json, search_text)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9
         WHERE NOT EXISTS (SELECT 1 FROM retired_refs WHERE ref = ?1 AND (source_event_id IS NULL OR source_event_id <> ?2))
         ON CONFLICT (ref) DO NOTHING`,
        [
          ref,
          input.sourceEventId,
          input.roomId,
          input.roomKey,
          input.service,
          input.author,
          input.at,
          fieldsJson,
          searchText({ ref, fields: input.fields }),
        ],
      );
      if (changes === 1) return { ref, id: lastID, key };
    }
  }

  /**
   * The reference key (a random secret of this store), created on first use. Kept in memory only
   * once its transaction committed (`create`): a key created by a transaction that then rolls back
   * is not, nor one read from another transaction sharing the same commit (group commit) that
   * then fails.
   */
  private async readReferenceKey(tx: Queries): Promise<string> {
    const stored = await tx.get<{ value: string }>("SELECT value FROM kv WHERE key = 'reference_key'");
    if (stored) return stored.value;
    await tx.run("INSERT OR IGNORE INTO kv (key, value, updated_at) VALUES ('reference_key', lower(hex(randomblob(32))), ?)", [
      Date.now(),
    ]);
    return (await tx.get<{ value: string }>("SELECT value FROM kv WHERE key = 'reference_key'"))?.value ?? "";
  }

  /** A new version of the report; a re-delivered `sourceEventId` returns the report unchanged. */
  async amend(
    reportId: number,
    change: Exclude<Change, "create">,
    fields: ReportFields,
    by: string,
    at: number,
    sourceEventId: string,
    note: string | null = null,
    attachment?: NewAttachment,
  ): Promise<StoredWrite> {
    const result = await this.db.transaction(async (tx) => {
      const done = await tx.get<{ report_id: number }>("SELECT report_id FROM report_versions WHERE source_event_id = ?", [
        sourceEventId,
      ]);
      const current = await selectReport(tx, "id", reportId);
      if (!current) throw new Error(`no report ${reportId}`);
      if (done) return { report: current, created: false };
      const version = current.version + 1;
      const fieldsJson = JSON.stringify(fields);
      await tx.run(
        `INSERT INTO report_versions (report_id, version, change, changed_by, changed_at, source_event_id, note, fields_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [reportId, version, change, by, at, sourceEventId, note, fieldsJson],
      );
      await tx.run("UPDATE reports SET version = ?, fields_json = ?, status = ? WHERE id = ?", [
        version,
        fieldsJson,
        change === "cancel" ? "cancelled" : current.status,
        reportId,
      ]);
      if (attachment) {
        await tx.run(
          `INSERT INTO report_attachments (report_id, version, kind, event_id, mxc_url, geo_uri, latitude, longitude, description, added_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            reportId,
            version,
            attachment.kind,
            sourceEventId,
            attachment.mxcUrl ?? null,
            attachment.geoUri ?? null,
            attachment.latitude ?? null,
            attachment.longitude ?? null,
            attachment.description ?? null,
            by,
            at,
          ],
        );
      }
      await replaceEntities(tx, reportId, fields);
      const report = await selectReport(tx, "id", reportId);
      if (!report) throw new Error("report vanished inside its transaction");
      const rooms = await this.afterWrite(tx, report, at);
      const journaled = await this.journalInTransaction(tx, report, change, by, at, note);
      return { report, created: true, rooms, journaled };
    });
    return this.afterCommit(result);
  }

  /** Inside the write's transaction: search text, then the diffusions and matches it owes. */
  private journalInTransaction(
    tx: Queries,
    report: StoredReport,
    change: Change,
    by: string,
    at: number,
    note: string | null,
  ): Promise<Inboxed | undefined> {
    return this.journal
      ? JournalInbox.write(tx, this.journal.entryFor(report, change, by, at, note))
      : Promise.resolve(undefined);
  }

  /** The write is committed: its journal entry goes on to the audit journal. */
  private async afterCommit({ journaled, ...write }: StoredWrite & { journaled?: Inboxed | undefined }): Promise<StoredWrite> {
    if (journaled) await this.journal?.committed(journaled);
    return write;
  }

  private async afterWrite(tx: Queries, report: StoredReport, at: number): Promise<number> {
    await tx.run("UPDATE reports SET search_text = ? WHERE id = ?", [searchText(report), report.id]);
    return this.plan(tx, report, at);
  }

  /** Inside the write's transaction: the diffusions and matches the report owes; how many rooms. */
  private plan(tx: Queries, report: StoredReport, at: number, created = false): Promise<number> {
    return planDiffusion(
      tx,
      {
        id: report.id,
        version: report.version,
        roomKey: report.roomKey,
        status: report.status,
        service: report.service,
        diffusion: report.fields.diffusion,
        ref: report.ref,
        fromReferent: report.fields.source?.kind === "referent",
        entities: report.fields.entities,
      },
      this.planner,
      at,
      created,
    );
  }

  /** Reports carrying one normalised entity (addresses: any commune when `value` has no commune prefix). */
  async withEntity(kind: string, value: string): Promise<StoredReport[]> {
    const rows = await this.db.all<{ id: number }>(
      kind === "address" && !value.includes(":")
        ? "SELECT DISTINCT report_id AS id FROM report_entities WHERE kind = ? AND value LIKE ?"
        : "SELECT DISTINCT report_id AS id FROM report_entities WHERE kind = ? AND value = ?",
      [kind, kind === "address" && !value.includes(":") ? `%:${value}` : value],
    );
    return this.loadAll(rows.map((r) => r.id));
  }

  /**
   * Newest first (ids grow with creation); every condition optional. The caller filters by the
   * diffusion policy. Words of three letters or more go through the trigram full-text index
   * (`reports_fts`, read newest first, so a common word stops at `limit` and an absent one costs
   * nothing); shorter ones fall back to a substring scan. Commune, type and date come from the
   * indexed copy kept in `territory_facts`, not from each row's JSON.
   */
  async search(query: SearchQuery, limit = 300): Promise<StoredReport[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const words = query.terms.map((t) => normaliseForSearch(t).replace(/[%_"]/g, "")).filter(Boolean);
    const indexed = words.filter((w) => [...w].length >= 3);
    for (const word of words.filter((w) => [...w].length < 3)) {
      where.push("r.search_text LIKE ?");
      params.push(`%${word}%`);
    }
    if (query.entities.length > 0) {
      where.push(
        `r.id IN (SELECT report_id FROM report_entities WHERE ${query.entities.map(() => "(kind = ? AND value = ?)").join(" OR ")})`,
      );
      for (const e of query.entities) params.push(e.kind, e.value);
    }
    let joins = "";
    if (query.communeCode || query.type || query.since !== undefined) {
      joins = " JOIN territory_facts t ON t.report_id = r.id";
      if (query.communeCode) {
        where.push("t.commune = ?");
        params.push(query.communeCode);
      }
      if (query.type) {
        where.push("t.type = ?");
        params.push(query.type);
      }
      if (query.since !== undefined) {
        where.push("t.observed >= ?");
        params.push(new Date(query.since).toISOString());
      }
    }
    if (query.service) {
      where.push("r.service = ?");
      params.push(query.service);
    }
    const filter = (extra: string[]) => {
      const all = [...extra, ...where];
      return all.length > 0 ? `WHERE ${all.join(" AND ")}` : "";
    };
    if (indexed.length === 0) {
      // With a commune, type or date, the facts lead (CROSS JOIN) in report order: an index of
      // commune or type is read backwards up to the limit, with no sort and no report read beyond
      // the ones returned; a date alone reads the facts newest report first.
      const rows = await this.db.all<{ id: number }>(
        joins
          ? `SELECT t.report_id AS id FROM territory_facts t CROSS JOIN reports r ON r.id = t.report_id ${filter([])}
             ORDER BY t.report_id DESC LIMIT ?`
          : `SELECT r.id AS id FROM reports r ${filter([])} ORDER BY r.id DESC LIMIT ?`,
        [...params, limit],
      );
      return this.loadAll(rows.map((r) => r.id));
    }
    // The index, newest first, and the reports written since its last batch (search_pending,
    // migration 17), read by substring: a handful, never in the index at the same time (CROSS JOIN
    // keeps them the outer loop; a plain join lets SQLite scan every report in id order instead).
    const pendingWords = indexed.map(() => "r.search_text LIKE ?");
    const rows = await this.db.all<{ id: number }>(
      `SELECT id FROM (
         SELECT r.id AS id FROM search_pending p CROSS JOIN reports r ON r.id = p.report_id${joins} ${filter(pendingWords)}
         UNION ALL
         SELECT id FROM (
           SELECT r.id AS id FROM reports_fts f JOIN reports r ON r.id = f.rowid${joins} ${filter(["reports_fts MATCH ?"])}
           ORDER BY f.rowid DESC LIMIT ?))
       ORDER BY id DESC LIMIT ?`,
      [...indexed.map((w) => `%${w}%`), ...params, indexed.map((w) => `"${w}"`).join(" AND "), ...params, limit, limit],
    );
    return this.loadAll(rows.map((r) => r.id));
  }

  /**
   * Adds to the full-text index the reports written since the last batch (at most `batch` of
   * them, in one transaction); returns how many. Run by the search indexer (src/jobs/search-index.ts).
   */
  async indexForSearch(batch = 1000): Promise<number> {
    return this.db.transaction(async (tx) => {
      const ids = (
        await tx.all<{ report_id: number }>("SELECT report_id FROM search_pending ORDER BY report_id LIMIT ?", [batch])
      ).map((r) => r.report_id);
      if (ids.length === 0) return 0;
      const list = ids.map(() => "?").join(",");
      await tx.run(`INSERT INTO reports_fts (rowid, search_text) SELECT id, search_text FROM reports WHERE id IN (${list})`, ids);
      await tx.run(`DELETE FROM search_pending WHERE report_id IN (${list})`, ids);
      return ids.length;
    });
  }

  /** Reports written and not yet in the full-text index. */
  async pendingForSearch(): Promise<number> {
    return (await this.db.get<{ n: number }>("SELECT count(*) AS n FROM search_pending"))?.n ?? 0;
  }

  /** The reports of `ids`, in that order: a few set-based reads rather than one statement each. */
  private async loadAll(ids: number[]): Promise<StoredReport[]> {
    const byId = new Map<number, StoredReport>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.db.all<ReportRow>(`SELECT * FROM reports WHERE id IN (${chunk.map(() => "?").join(",")})`, chunk);
      for (const row of rows) byId.set(row.id, toReport(row));
    }
    return ids.map((id) => byId.get(id)).filter((r): r is StoredReport => r !== undefined);
  }

  /**
   * The diffusion classes (as `territory_facts.class`) of the reports stored since `from`: every
   * class of a period that starts there, and perhaps a few more (the caller keeps those its room
   * may see; a class with no report in the period selects nothing). A few dozen rows (migration 25).
   */
  async periodClasses(from: number): Promise<string[]> {
    const rows = await this.reads.all<{ class: string }>("SELECT class FROM rhythm_classes WHERE last_created_at >= ?", [from]);
    return rows.map((r) => r.class);
  }

  /**
   * The notable reports of [from, to) whose diffusion class is one of `classes` (see `notableOf`,
   * the reference it must equal): active, and well graded (A/B, 1/2) or one of `matched`; counted,
   * and the `listed` most recent returned oldest first. One range read of `rhythm_facts`, whatever
   * the period holds, and only the listed ones leave SQLite.
   */
  async periodNotable(
    from: number,
    to: number,
    classes: readonly string[],
    matched: readonly string[],
    listed = MAX_NOTABLE,
  ): Promise<NotableList> {
    if (classes.length === 0) return { count: 0, recent: [] };
    // ?1 from, ?2 to, ?3 how many listed, ?4 the matched references (a JSON array), then the classes.
    const row = await this.reads.get<{ n: number; list: string }>(
      `WITH visible(class) AS (VALUES ${classes.map((_, i) => `(?${i + 5})`).join(", ")}),
         notable AS MATERIALIZED (
           SELECT created_at, report_id, ref, service, commune, nom, type, reliability, credibility FROM rhythm_facts
           WHERE created_at >= ?1 AND created_at < ?2 AND status = 'active' AND class IN visible
             AND ((reliability IN ('A', 'B') AND credibility <= 2) OR ref IN (SELECT value FROM json_each(?4))))
       SELECT (SELECT count(*) FROM notable) AS n, (
         SELECT json_group_array(json_array(ref, service, created_at, commune, nom, type, reliability, credibility)
           ORDER BY created_at, ref)
         FROM (SELECT * FROM notable ORDER BY created_at DESC, ref DESC LIMIT ?3)
       ) AS list`,
      [from, to, listed, JSON.stringify(matched), ...classes],
    );
    type NotableTuple = [string, string, number, string, string, string, string, number];
    const tuples = (JSON.parse(row?.list ?? "[]") as Embedded<NotableTuple>[]).map(embedded);
    return {
      count: row?.n ?? 0,
      recent: tuples.map(([ref, service, createdAt, code, nom, type, reliability, credibility]) => ({
        ref,
        service,
        createdAt,
        commune: { code, nom },
        type,
        grade: { reliability, credibility } as NotableReport["grade"],
      })),
    };
  }

  /**
   * A period's groups and the references of them a message lists, read in one snapshot (so the
   * counts and the references agree, whatever is written meanwhile): the groups (`periodGroups`),
   * then, for each, the time `since` gives it (undefined: none of its references) and the
   * `listed` most recent from then on (`periodListed`).
   */
  async periodSummary(
    from: number,
    to: number,
    classes: readonly string[],
    since: (groups: readonly StoredGroup[]) => readonly (number | undefined)[],
    listed = MAX_LISTED,
  ): Promise<(StoredGroup & { recent: StoredListed[] })[]> {
    if (classes.length === 0) return [];
    return this.reads.snapshot(async (q) => {
      const groups = await this.periodGroups(from, to, classes, q);
      const starts = since(groups);
      const wanted = groups.flatMap((g, i) => {
        const start = starts[i];
        return start === undefined ? [] : [{ index: i, status: g.status, commune: g.commune, type: g.type, since: start }];
      });
      const refs = await this.periodListed(from, to, classes, wanted, listed, q);
      const recent = new Map(wanted.map((w, i) => [w.index, refs[i] ?? []]));
      return groups.map((g, i) => ({ ...g, recent: recent.get(i) ?? [] }));
    });
  }

  /**
   * The groups (status, commune, type) of [from, to) whose diffusion class is one of `classes`:
   * each counted, with its latest creation time, in one statement whatever the period holds. Each
   * group stored since the period began (migration 25) is one range of `rhythm_facts_by_group`
   * (migration 16), counted there: no sort of the period's facts. With `periodListed`, what
   * `summarise` makes of the reports (tested against it).
   */
  async periodGroups(from: number, to: number, classes: readonly string[], q: Queries = this.reads): Promise<StoredGroup[]> {
    if (classes.length === 0) return [];
    const row = await q.get<{ list: string }>(
      // MATERIALIZED: each group counted once (read as a subquery in FROM, SQLite flattens it).
      `WITH visible(class) AS (VALUES ${classes.map((_, i) => `(?${i + 3})`).join(", ")}),
         g AS MATERIALIZED (
           SELECT k.status, k.commune, k.type, (
               SELECT json_array(count(*), max(created_at)) FROM rhythm_facts INDEXED BY rhythm_facts_by_group
               WHERE commune = k.commune AND type = k.type AND status = k.status
                 AND created_at >= ?1 AND created_at < ?2 AND class IN visible) AS counted
           FROM rhythm_groups k WHERE k.last_created_at >= ?1)
       SELECT json_group_array(json_array(status, commune, type, json(counted))) AS list FROM g`,
      [from, to, ...classes],
    );
    type GroupTuple = [StoredGroup["status"], string, string, Embedded<[number, number | null]>];
    const groups: StoredGroup[] = [];
    for (const [status, commune, type, counted] of JSON.parse(row?.list ?? "[]") as GroupTuple[]) {
      const [count, last] = embedded(counted);
      if (count > 0) groups.push({ status, commune, type, count, last: last ?? from });
    }
    return groups;
  }

  /**
   * The references of the groups `wanted` of [from, to) whose diffusion class is one of `classes`:
   * for each (same order), its `listed` most recent from its `since` on, oldest first. One range of
   * the group index each, in one statement; only those references leave SQLite.
   */
  async periodListed(
    from: number,
    to: number,
    classes: readonly string[],
    wanted: readonly ListedWanted[],
    listed = MAX_LISTED,
    q: Queries = this.reads,
  ): Promise<StoredListed[][]> {
    if (classes.length === 0 || wanted.length === 0) return wanted.map(() => []);
    // ?1 from, ?2 to, ?3 how many listed, ?4 the groups wanted (a JSON array), then the classes.
    const row = await q.get<{ list: string }>(
      `WITH visible(class) AS (VALUES ${classes.map((_, i) => `(?${i + 5})`).join(", ")})
       SELECT json_group_array(json((
         SELECT json_group_array(json_array(f.ref, f.service, f.created_at, f.nom) ORDER BY f.created_at, f.ref) FROM (
           SELECT ref, service, created_at, nom FROM rhythm_facts INDEXED BY rhythm_facts_by_group
           WHERE commune = w.value ->> 1 AND type = w.value ->> 2 AND status = w.value ->> 0
             AND created_at >= max(?1, w.value ->> 3) AND created_at < ?2 AND class IN visible
           ORDER BY created_at DESC, ref DESC LIMIT ?3) f)) ORDER BY w.key) AS list
       FROM json_each(?4) w`,
      [from, to, listed, JSON.stringify(wanted.map((w) => [w.status, w.commune, w.type, Math.max(from, w.since)])), ...classes],
    );
    type ListedTuple = [string, string, number, string];
    return (JSON.parse(row?.list ?? "[]") as Embedded<Embedded<ListedTuple>[]>[]).map((refs) =>
      embedded(refs)
        .map(embedded)
        .map(([ref, service, createdAt, nom]) => ({ ref, service, createdAt, nom })),
    );
  }

  /**
   * The entities of [from, to) found in two active reports or more whose diffusion class is one of
   * `classes` (see `summarise`): one range of the few reports that name any (a partial index).
   */
  async periodEntities(from: number, to: number, classes: readonly string[], listed = MAX_LISTED): Promise<RecurringEntity[]> {
    if (classes.length === 0) return [];
    const row = await this.reads.get<{ list: string }>(
      `WITH visible(class) AS (VALUES ${classes.map((_, i) => `(?${i + 3})`).join(", ")})
       SELECT json_group_array(json_array(kind, value, display, n, services, json(refs))) AS list FROM (
         SELECT e.value ->> 'kind' AS kind, e.value ->> 'value' AS value, e.value ->> 'display' AS display,
           min(f.created_at), count(DISTINCT f.report_id) AS n, count(DISTINCT f.service) AS services,
           json_group_array(json_array(f.ref, f.service, f.created_at, f.commune, f.nom) ORDER BY f.created_at, f.ref) AS refs
         FROM rhythm_facts f INDEXED BY rhythm_facts_with_entities, json_each(f.entities) e
         WHERE f.created_at >= ?1 AND f.created_at < ?2 AND f.status = 'active' AND f.entities IS NOT NULL
           AND f.class IN visible
         GROUP BY kind, value HAVING n >= 2)`,
      [from, to, ...classes],
    );
    type EntityTuple = [string, string, string, number, number, Embedded<Embedded<[string, string, number, string, string]>[]>];
    return (JSON.parse(row?.list ?? "[]") as EntityTuple[]).map(([kind, value, display, count, services, refs]) => {
      // A report naming the entity twice is one report; the most recent `listed` are shown.
      const seen = new Set<string>();
      const reports = embedded(refs)
        .map(embedded)
        .filter(([ref]) => !seen.has(ref) && seen.add(ref));
      return {
        kind,
        value,
        display,
        count,
        services,
        recent: reports
          .slice(-listed)
          .map(([ref, service, createdAt, code, nom]) => ({ ref, service, createdAt, commune: { code, nom } })),
      };
    });
  }

  /**
   * Active reports stored in [from, to) whose diffusion class is one of `classes`, counted in SQL
   * per commune and type: a trend reads counts, never the reports. As the summary counts them: one
   * range of the group index per group stored since `from` (migration 25).
   */
  async periodCounts(from: number, to: number, classes: readonly string[]): Promise<PeriodCount[]> {
    if (classes.length === 0) return [];
    return this.reads.all<PeriodCount>(
      // MATERIALIZED: each group counted once (see periodGroups).
      `WITH visible(class) AS (VALUES ${classes.map((_, i) => `(?${i + 3})`).join(", ")}),
         counted AS MATERIALIZED (
           SELECT k.commune, k.type, (
               SELECT count(*) FROM rhythm_facts INDEXED BY rhythm_facts_by_group
               WHERE commune = k.commune AND type = k.type AND status = 'active'
                 AND created_at >= ?1 AND created_at < ?2 AND class IN visible) AS count
           FROM rhythm_groups k WHERE k.status = 'active' AND k.last_created_at >= ?1)
       SELECT commune, type, count FROM counted WHERE count > 0`,
      [from, to, ...classes],
    );
  }

  /**
   * Cross-references made in [from, to), oldest first, each with the reference, service and
   * diffusion class of both reports: one statement, for the digest and the agenda.
   */
  async periodMatches(from: number, to: number): Promise<PeriodMatch[]> {
    const rows = await this.reads.all<{
      kind: string;
      display: string;
      created_at: number;
      a_ref: string;
      a_service: string;
      a_class: string | null;
      b_ref: string;
      b_service: string;
      b_class: string | null;
    }>(
      `SELECT m.kind, m.display, m.created_at, a.ref AS a_ref, a.service AS a_service, ta.class AS a_class,
         b.ref AS b_ref, b.service AS b_service, tb.class AS b_class
       FROM matches m
         JOIN reports a ON a.id = m.report_id JOIN territory_facts ta ON ta.report_id = m.report_id
         JOIN reports b ON b.id = m.other_id JOIN territory_facts tb ON tb.report_id = m.other_id
       WHERE m.created_at >= ? AND m.created_at < ? ORDER BY m.created_at`,
      [from, to],
    );
    return rows.map((row) => ({
      kind: row.kind,
      display: row.display,
      createdAt: row.created_at,
      a: { ref: row.a_ref, service: row.a_service, classKey: row.a_class },
      b: { ref: row.b_ref, service: row.b_service, classKey: row.b_class },
    }));
  }

  byId(id: number): Promise<StoredReport | undefined> {
    return selectReport(this.db, "id", id);
  }

  byRef(ref: string): Promise<StoredReport | undefined> {
    return selectReport(this.db, "ref", ref.toUpperCase());
  }

  bySourceEvent(eventId: string): Promise<StoredReport | undefined> {
    return selectReport(this.db, "source_event_id", eventId);
  }

  async history(reportId: number): Promise<ReportVersion[]> {
    const rows = await this.db.all<{
      version: number;
      change: Change;
      changed_by: string;
      changed_at: number;
      note: string | null;
      fields_json: string;
    }>(
      "SELECT version, change, changed_by, changed_at, note, fields_json FROM report_versions WHERE report_id = ? ORDER BY version",
      [reportId],
    );
    return rows.map((r) => ({
      version: r.version,
      change: r.change,
      changedBy: r.changed_by,
      changedAt: r.changed_at,
      note: r.note,
      fields: JSON.parse(r.fields_json) as ReportFields,
    }));
  }

  async attachments(reportId: number): Promise<Attachment[]> {
    const rows = await this.db.all<{
      kind: "image" | "location";
      version: number;
      mxc_url: string | null;
      geo_uri: string | null;
      latitude: number | null;
      longitude: number | null;
      description: string | null;
      added_by: string;
      added_at: number;
    }>("SELECT * FROM report_attachments WHERE report_id = ? ORDER BY id", [reportId]);
    return rows.map((r) => ({
      kind: r.kind,
      version: r.version,
      mxcUrl: r.mxc_url,
      geoUri: r.geo_uri,
      latitude: r.latitude,
      longitude: r.longitude,
      description: r.description,
      addedBy: r.added_by,
      addedAt: r.added_at,
    }));
  }
}

async function replaceEntities(tx: Queries, reportId: number, fields: ReportFields): Promise<void> {
  await tx.run("DELETE FROM report_entities WHERE report_id = ?", [reportId]);
  await insertEntities(tx, reportId, fields);
}

/** The entities of a version, one statement (the first of a duplicate kept, as one insert each did). */
async function insertEntities(tx: Queries, reportId: number, fields: ReportFields): Promise<void> {
  if (fields.entities.length === 0) return;
  await tx.run(
    `INSERT OR IGNORE INTO report_entities (report_id, kind, value, display) VALUES ${fields.entities.map(() => "(?, ?, ?, ?)").join(", ")}`,
    fields.entities.flatMap((e) => [reportId, e.kind, e.value, e.display]),
  );
}

async function selectReport(db: Queries, column: "id" | "ref" | "source_event_id", value: string | number) {
  const row = await db.get<ReportRow>(`SELECT * FROM reports WHERE ${column} = ?`, [value]);
  return row ? toReport(row) : undefined;
}

function toReport(row: ReportRow): StoredReport {
  return {
    id: row.id,
    ref: row.ref,
    sourceEventId: row.source_event_id,
    roomId: row.room_id,
    roomKey: row.room_key,
    service: row.service,
    author: row.author,
    createdAt: row.created_at,
    status: row.status,
    version: row.version,
    fields: JSON.parse(row.fields_json) as ReportFields,
  };
}

/** Lower-case, accent-free text of everything searchable in a report. */
export function searchText(report: Pick<StoredReport, "ref" | "fields">): string {
  const f = report.fields;
  return normaliseForSearch(
    [
      report.ref,
      f.type,
      f.commune.nom,
      f.commune.code,
      f.place ?? "",
      f.text,
      ...f.substances,
      ...f.entities.flatMap((e) => [e.value, e.display]),
    ].join(" "),
  );
}

export function normaliseForSearch(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}
