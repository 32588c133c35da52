import sqlite3 from "sqlite3";

export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, SqlValue>;

/** Queries a store may run; inside `transaction` they run on the transaction, nothing else interleaves. */
export interface Queries {
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number; lastID: number }>;
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** Where several reads can be made to see one commit (a read transaction): `Database`, `ReadPool`. */
export interface Snapshots {
  /** Runs `work`'s statements in one read transaction, on one connection: all see the same commit. */
  snapshot<T>(work: (q: Queries) => Promise<T>): Promise<T>;
}

/**
 * One SQLite connection, serialised. sqlite3 shares a connection between callers, so a query issued
 * while another caller is inside BEGIN…COMMIT would silently join that transaction. Every access
 * therefore takes a turn: plain queries one at a time, transactions as a whole
 * (`BEGIN IMMEDIATE`, so read-then-write never meets SQLITE_BUSY halfway).
 */
export class Database implements Queries, Snapshots {
  private turn: Promise<unknown> = Promise.resolve();
  /**
   * Statements run and commits made since the connection opened (a write outside a transaction is
   * its own commit): what the benchmarks count per report.
   */
  readonly counters = { statements: 0, commits: 0 };

  private readonly statements: StatementCache;
  /** The transactions asked for since the last batch began, waiting to share the next commit. */
  private forming: Pending[] | null = null;

  private constructor(
    private readonly handle: sqlite3.Database,
    private readonly onError: (error: unknown) => void,
  ) {
    this.statements = new StatementCache(handle);
  }

  /** `onError` sees every failed query first (a full disk is noted there, whoever runs into it). */
  static async open(path: string, onError: (error: unknown) => void = () => undefined): Promise<Database> {
    const db = await Database.connect(path, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX, onError);
    // WAL: readers never block the writer. synchronous=FULL: a report the bot has acknowledged in a
    // room survives a power cut, not only a process crash (NORMAL would risk the last commits).
    await db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA foreign_keys = ON;
      PRAGMA busy_timeout = 5000;
    `);
    return db;
  }

  /**
   * A second connection to the same store for reads only (`PRAGMA query_only`: a write through it
   * fails). With WAL it reads the last commit while the main connection writes or runs another
   * read, so a long read (the strategy of an agenda, a map) neither waits behind a report being
   * stored nor holds one up. Open it after `migrate`.
   */
  static async openReader(path: string, onError: (error: unknown) => void = () => undefined): Promise<Database> {
    const db = await Database.connect(path, sqlite3.OPEN_READWRITE | sqlite3.OPEN_FULLMUTEX, onError);
    await db.exec(`
      PRAGMA query_only = ON;
      PRAGMA busy_timeout = 5000;
    `);
    return db;
  }

  private static async connect(path: string, mode: number, onError: (error: unknown) => void): Promise<Database> {
    const handle = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db = new sqlite3.Database(path, mode, (error) => (error ? reject(error) : resolve(db)));
    });
    return new Database(handle, onError);
  }

  run(sql: string, params: SqlValue[] = []) {
    this.counters.commits++;
    return this.take(() => this.counted(this.statements.run(sql, params)));
  }
  get<T = Row>(sql: string, params: SqlValue[] = []) {
    return this.take(() => this.counted(this.statements.get<T>(sql, params)));
  }
  all<T = Row>(sql: string, params: SqlValue[] = []) {
    return this.take(() => this.counted(this.statements.all<T>(sql, params)));
  }
  exec(sql: string) {
    return this.take(() => this.counted(raw.exec(this.handle, sql)));
  }

  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT; rolls back if it throws. Its promise settles
   * only once its commit is on disk (or has failed).
   *
   * Group commit: the transactions asked for while the connection is busy wait for their turn
   * together and share one BEGIN … COMMIT, each inside its own savepoint, in the order they were
   * asked for. One that throws is rolled back to its savepoint alone and rejects; the others
   * commit. If the commit itself fails (a full disk), every one of them rejects: none was stored.
   * Reports arriving together thus pay one commit (its pages and its fsync) between them.
   */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item: Pending = { work, resolve: resolve as (value: unknown) => void, reject };
      if (this.forming && this.forming.length < MAX_GROUP) {
        this.forming.push(item);
        return;
      }
      const batch: Pending[] = [item];
      this.forming = batch;
      void this.take(async () => {
        // From here on, transactions asked for wait for the next batch.
        if (this.forming === batch) this.forming = null;
        await this.commitTogether(batch);
      });
    });
  }

  /**
   * Runs `work` inside a read transaction (BEGIN … COMMIT, deferred: it takes no write lock), its
   * turn held to the end: every statement it runs sees the same commit, whatever is written
   * meanwhile through another connection. For reads only (a reader's connection refuses writes).
   */
  snapshot<T>(work: (q: Queries) => Promise<T>): Promise<T> {
    return this.take(async () => {
      await raw.exec(this.handle, "BEGIN");
      let value: T;
      try {
        value = await work(this.direct());
      } catch (error) {
        await raw.exec(this.handle, "ROLLBACK").catch(() => undefined);
        throw error;
      }
      await raw.exec(this.handle, "COMMIT");
      return value;
    });
  }

  /** The connection's statements as they run once its turn is taken (inside a transaction or a snapshot). */
  private direct(): Queries {
    return {
      run: (sql, params = []) => this.counted(this.statements.run(sql, params)),
      get: (sql, params = []) => this.counted(this.statements.get(sql, params)),
      all: (sql, params = []) => this.counted(this.statements.all(sql, params)),
      exec: (sql) => this.counted(raw.exec(this.handle, sql)),
    };
  }

  private async commitTogether(batch: Pending[]): Promise<void> {
    const tx = this.direct();
    const exec = (sql: string) => raw.exec(this.handle, sql);
    const failAll = async (error: unknown, noted = false) => {
      if (!noted) this.onError(error);
      await exec("ROLLBACK").catch(() => undefined);
      for (const item of batch) item.reject(error);
    };
    try {
      await exec("BEGIN IMMEDIATE");
    } catch (error) {
      return failAll(error);
    }
    const alone = batch.length === 1;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    for (const item of batch) {
      try {
        if (!alone) await exec("SAVEPOINT work");
        const value = await item.work(tx);
        if (!alone) await exec("RELEASE work");
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (alone) return failAll(error);
        this.onError(error);
        // A statement that failed may have ended the whole transaction (SQLite rolls back on a
        // full disk, for one): then nothing of the batch can be committed.
        try {
          await exec("ROLLBACK TO work; RELEASE work");
        } catch {
          return failAll(error, true);
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      await exec("COMMIT");
    } catch (error) {
      return failAll(error);
    }
    this.counters.commits++;
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }

  /** Writes a consistent copy of the live database (online backup). */
  backupTo(path: string): Promise<void> {
    return this.run("VACUUM INTO ?", [path]).then(() => undefined);
  }

  close(): Promise<void> {
    return this.take(async () => {
      await this.statements.finalizeAll();
      await new Promise<void>((resolve, reject) => this.handle.close((e) => (e ? reject(e) : resolve())));
    });
  }

  private counted<T>(statement: Promise<T>): Promise<T> {
    this.counters.statements++;
    return statement;
  }

  private take<T>(work: () => Promise<T>): Promise<T> {
    const watched = () =>
      work().catch((error: unknown) => {
        this.onError(error);
        throw error;
      });
    const result = this.turn.then(watched, watched);
    this.turn = result.catch(() => undefined);
    return result;
  }
}

/** At most this many transactions share a commit: the last of them waits for all the others. */
const MAX_GROUP = 32;

/** A transaction waiting for its turn (`Database.transaction`). */
interface Pending {
  work: (tx: Queries) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Several read-only connections to one store (`Database.openReader` each), used as one: every
 * statement goes to the connection with the fewest statements waiting, so reads issued together
 * (the strategy's two periods and its places) run side by side on SQLite's threads instead of one
 * after the other. Each statement reads the last commit, as on a single connection.
 */
export class ReadPool implements Queries, Snapshots {
  private readonly waiting: number[];

  private constructor(private readonly connections: Database[]) {
    this.waiting = connections.map(() => 0);
  }

  static async open(path: string, size: number, onError: (error: unknown) => void = () => undefined): Promise<ReadPool> {
    const connections: Database[] = [];
    for (let i = 0; i < Math.max(1, size); i++) connections.push(await Database.openReader(path, onError));
    return new ReadPool(connections);
  }

  run(sql: string, params: SqlValue[] = []) {
    return this.on((db) => db.run(sql, params));
  }
  get<T = Row>(sql: string, params: SqlValue[] = []) {
    return this.on((db) => db.get<T>(sql, params));
  }
  all<T = Row>(sql: string, params: SqlValue[] = []) {
    return this.on((db) => db.all<T>(sql, params));
  }
  exec(sql: string) {
    return this.on((db) => db.exec(sql));
  }
  snapshot<T>(work: (q: Queries) => Promise<T>): Promise<T> {
    return this.on((db) => db.snapshot(work));
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((db) => db.close()));
  }

  private async on<T>(work: (db: Database) => Promise<T>): Promise<T> {
    let i = 0;
    for (let j = 1; j < this.connections.length; j++) if ((this.waiting[j] ?? 0) < (this.waiting[i] ?? 0)) i = j;
    this.waiting[i] = (this.waiting[i] ?? 0) + 1;
    try {
      return await work(this.connections[i]!);
    } finally {
      this.waiting[i] = (this.waiting[i] ?? 1) - 1;
    }
  }
}

/** Multi-statement SQL (transactions, migrations): run as a whole, never kept prepared. */
const raw = {
  exec: (db: sqlite3.Database, sql: string) =>
    new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve()))),
};

/**
 * Prepared statements kept by their SQL text (the `size` most recently used): sqlite3 runs a one-off
 * query as three trips to its thread pool (prepare, run, finalize), a kept statement as one. A row
 * is read with `all`, which runs the statement to its end, so no statement is left open holding a
 * read snapshot. A statement that does not prepare is not kept (its error goes to the caller).
 */
class StatementCache {
  private readonly kept = new Map<string, Promise<sqlite3.Statement>>();
  private readonly finalizing = new Set<Promise<void>>();

  constructor(
    private readonly handle: sqlite3.Database,
    private readonly size = 200,
  ) {}

  async run(sql: string, params: SqlValue[]): Promise<{ changes: number; lastID: number }> {
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) =>
      statement.run(params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve({ changes: this.changes, lastID: this.lastID });
      }),
    );
  }

  async get<T>(sql: string, params: SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async all<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) =>
      statement.all(params, (error: Error | null, rows: T[]) => (error ? reject(error) : resolve(rows))),
    );
  }

  /** Before the connection closes: sqlite3 refuses to close with statements still prepared. */
  async finalizeAll(): Promise<void> {
    const kept = [...this.kept.values()];
    this.kept.clear();
    for (const statement of kept) this.finalize(statement);
    await Promise.all(this.finalizing);
  }

  private prepared(sql: string): Promise<sqlite3.Statement> {
    const kept = this.kept.get(sql);
    if (kept) {
      this.kept.delete(sql); // most recently used last
      this.kept.set(sql, kept);
      return kept;
    }
    const statement = new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared = this.handle.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(prepared)));
    });
    this.kept.set(sql, statement);
    statement.catch(() => this.kept.get(sql) === statement && this.kept.delete(sql));
    if (this.kept.size > this.size) {
      const [oldest, evicted] = this.kept.entries().next().value as [string, Promise<sqlite3.Statement>];
      this.kept.delete(oldest);
      this.finalize(evicted);
    }
    return statement;
  }

  private finalize(statement: Promise<sqlite3.Statement>): void {
    const done: Promise<void> = statement
      .then((s) => new Promise<void>((resolve) => s.finalize(() => resolve())))
      .catch(() => undefined)
      .finally(() => this.finalizing.delete(done));
    this.finalizing.add(done);
  }
}
