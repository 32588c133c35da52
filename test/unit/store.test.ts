import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, ReadPool } from "../../src/store/db.js";
import { MIGRATIONS, migrate } from "../../src/store/migrations.js";
import { ReceiptStore } from "../../src/store/receipts.js";

describe("store", () => {
  it("migrates to the latest version once, with WAL and foreign keys", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "crossbot-")), "t.sqlite");
    const db = await Database.open(path);
    expect(await migrate(db)).toBe(MIGRATIONS.length);
    expect(await migrate(db)).toBe(MIGRATIONS.length);
    expect((await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version).toBe(MIGRATIONS.length);
    expect((await db.get<{ journal_mode: string }>("PRAGMA journal_mode"))?.journal_mode).toBe("wal");
    expect((await db.get<{ foreign_keys: number }>("PRAGMA foreign_keys"))?.foreign_keys).toBe(1);
    await db.close();
  });

  it("reads through a second connection beside a write in progress, and refuses writes there", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "crossbot-")), "t.sqlite");
    const db = await Database.open(path);
    await migrate(db);
    await db.run("INSERT INTO kv (key, value, updated_at) VALUES ('k', 'before', 1)");
    const reader = await Database.openReader(path);
    let release = () => undefined as void;
    let updated = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hasUpdated = new Promise<void>((resolve) => (updated = resolve));
    // A write transaction that stays open, its row changed, until the reader has answered.
    const writing = db.transaction(async (tx) => {
      await tx.run("UPDATE kv SET value = 'after' WHERE key = 'k'");
      updated();
      await held;
    });
    await hasUpdated;
    // The main connection would make this wait for the transaction; the reader answers at once,
    // from the last commit.
    expect(await reader.get<{ value: string }>("SELECT value FROM kv WHERE key = 'k'")).toEqual({ value: "before" });
    release();
    await writing;
    expect(await reader.get<{ value: string }>("SELECT value FROM kv WHERE key = 'k'")).toEqual({ value: "after" });
    await expect(reader.run("UPDATE kv SET value = 'x' WHERE key = 'k'")).rejects.toThrow(/readonly|query_only/i);
    await reader.close();
    await db.close();
  });

  it("a pool of readers answers reads issued together from the last commit, and refuses writes", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "crossbot-")), "t.sqlite");
    const db = await Database.open(path);
    await migrate(db);
    for (const k of ["a", "b", "c", "d"]) await db.run("INSERT INTO kv (key, value, updated_at) VALUES (?, ?, 1)", [k, `v${k}`]);
    const pool = await ReadPool.open(path, 2);
    const read = (k: string) => pool.get<{ value: string }>("SELECT value FROM kv WHERE key = ?", [k]);
    expect(await Promise.all(["a", "b", "c", "d"].map(read))).toEqual(["va", "vb", "vc", "vd"].map((value) => ({ value })));
    await db.run("UPDATE kv SET value = 'new' WHERE key = 'c'");
    expect(await Promise.all([read("c"), read("c")])).toEqual([{ value: "new" }, { value: "new" }]);
    const writes = await Promise.allSettled([1, 2].map(() => pool.run("UPDATE kv SET value = 'x' WHERE key = 'a'")));
    expect(writes.map((w) => w.status)).toEqual(["rejected", "rejected"]);
    expect(await db.get("SELECT value FROM kv WHERE key = 'a'")).toEqual({ value: "va" });
    await pool.close();
    await db.close();
  });

  it("keeps strict types", async () => {
    const db = await Database.open(":memory:");
    await migrate(db);
    await expect(db.run("INSERT INTO kv (key, value, updated_at) VALUES ('k', 'v', 'not a number')")).rejects.toThrow(
      /cannot store TEXT/,
    );
    await db.close();
  });

  it("remembers the sync position and handled events", async () => {
    const db = await Database.open(":memory:");
    await migrate(db);
    const receipts = new ReceiptStore(db);
    expect(await receipts.syncPosition()).toBeNull();
    await receipts.saveSyncToken("s1", 1000);
    await receipts.saveSyncToken("s2", 2000);
    expect(await receipts.syncPosition()).toEqual({ token: "s2", savedAt: 2000 });
    const event = { eventId: "$e", roomId: "!r", sender: "@u" };
    expect(await receipts.isHandled("$e")).toBe(false);
    await receipts.markHandled(event, "ok");
    await receipts.markHandled(event, "error");
    expect(await receipts.isHandled("$e")).toBe(true);
    expect(await db.all("SELECT outcome FROM handled_events")).toEqual([{ outcome: "ok" }]);
    await db.close();
  });

  it("never lets a query slip into another caller's transaction", async () => {
    const db = await Database.open(":memory:");
    await migrate(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db
      .transaction(async (t) => {
        await t.run("INSERT INTO kv VALUES ('a', '1', 0)");
        await gate;
        throw new Error("rollback");
      })
      .catch(() => "rolled back");
    // Issued while the transaction is open: must not be rolled back with it.
    const outside = db.run("INSERT INTO kv VALUES ('b', '2', 0)");
    release();
    expect(await tx).toBe("rolled back");
    await outside;
    expect(await db.all("SELECT key FROM kv ORDER BY key")).toEqual([{ key: "b" }]);
    await db.close();
  });

  it("keeps statements prepared: right results, errors to their caller, a clean close past the cache's size", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "crossbot-")), "t.sqlite");
    const db = await Database.open(path);
    await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    expect(await db.run("INSERT INTO t (v) VALUES (?)", ["a"])).toEqual({ changes: 1, lastID: 1 });
    await expect(db.run("INSERT INTO t (v) VALUES (?)", ["a"])).rejects.toThrow(/UNIQUE/);
    expect(await db.run("INSERT INTO t (v) VALUES (?)", ["b"])).toEqual({ changes: 1, lastID: 2 });
    await expect(db.get("SELEC nonsense")).rejects.toThrow(/syntax error/);
    await expect(db.get("SELEC nonsense")).rejects.toThrow(/syntax error/); // not kept broken
    // The same statement, other parameters; a read left half-way holds no snapshot open.
    expect(await db.get("SELECT v FROM t WHERE id = ?", [2])).toEqual({ v: "b" });
    expect(await db.get("SELECT v FROM t ORDER BY id")).toEqual({ v: "a" });
    // More distinct statements than the cache keeps: the oldest are finalised as it goes.
    for (let i = 0; i < 300; i++) expect(await db.get(`SELECT ${i} AS n`)).toEqual({ n: i });
    await db.run("INSERT INTO t (v) VALUES (?)", ["c"]);
    // Checkpointing needs no reader left open: every kept statement ran to its end.
    expect(await db.get<{ busy: number }>("PRAGMA wal_checkpoint(TRUNCATE)")).toMatchObject({ busy: 0 });
    await db.close();
    // Written, and readable by another connection.
    const again = await Database.open(path);
    expect(await again.all("SELECT v FROM t ORDER BY id")).toEqual([{ v: "a" }, { v: "b" }, { v: "c" }]);
    await again.close();
  });

  it("backs up the live database and the copy restores", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crossbot-"));
    const db = await Database.open(join(dir, "live.sqlite"));
    await migrate(db);
    await new ReceiptStore(db).saveSyncToken("s9", 9);
    await db.backupTo(join(dir, "backup.sqlite"));
    await db.close();
    const restored = await Database.open(join(dir, "backup.sqlite"));
    expect(await new ReceiptStore(restored).syncPosition()).toEqual({ token: "s9", savedAt: 9 });
    await restored.close();
  });
});
