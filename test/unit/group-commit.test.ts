import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database } from "../../src/store/db.js";

/**
 * Group commit (`Database.transaction`): transactions asked for while the connection is busy share
 * one commit, each in its own savepoint. What a caller sees must not change: its promise settles
 * after its commit, its failure is its own, and a failed commit stores none of them.
 */
async function open() {
  const errors: unknown[] = [];
  const db = await Database.open(join(mkdtempSync(join(tmpdir(), "crossbot-group-")), "t.sqlite"), (e) => errors.push(e));
  await db.exec(`
    CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL,
      parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
  `);
  return { db, errors };
}

/** Holds the connection (a transaction under way) until released: those asked meanwhile wait together. */
async function hold(db: Database) {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const running = new Promise<void>((resolve) => (started = resolve));
  const held = db.transaction(async () => {
    started();
    await gate;
  });
  await running;
  return { held, release };
}

/** What a transaction came to: « stored », or its error's message. */
const settled = (p: Promise<unknown>) =>
  p.then(
    () => "stored",
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

const values = async (db: Database) => (await db.all<{ v: string }>("SELECT v FROM t ORDER BY id")).map((r) => r.v);

describe("group commit", () => {
  it("transactions asked together share one commit, in the order asked, each with its own result", async () => {
    const { db } = await open();
    const { held, release } = await hold(db);
    const before = db.counters.commits;
    const asked = ["a", "b", "c", "d"].map((v) =>
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t (v) VALUES (?)", [v]);
        // Each sees what the ones before it wrote.
        return (await tx.all("SELECT v FROM t")).length;
      }),
    );
    release();
    await held;
    expect(await Promise.all(asked)).toEqual([1, 2, 3, 4]);
    expect(db.counters.commits - before).toBe(2); // the held one, then the four together
    expect(await values(db)).toEqual(["a", "b", "c", "d"]);
    await db.close();
  });

  it("one that throws is rolled back alone and rejects; the others are stored", async () => {
    const { db, errors } = await open();
    const { held, release } = await hold(db);
    const before = db.counters.commits;
    const asked = [
      settled(db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('kept-1')"))),
      settled(
        db.transaction(async (tx) => {
          await tx.run("INSERT INTO t (v) VALUES ('lost')");
          await tx.run("INSERT INTO t (v) VALUES (NULL)"); // NOT NULL
        }),
      ),
      settled(db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('kept-2')"))),
    ];
    release();
    await held;
    const outcomes = await Promise.all(asked);
    expect(outcomes[0]).toBe("stored");
    expect(outcomes[1]).toMatch(/NOT NULL/);
    expect(outcomes[2]).toBe("stored");
    expect(db.counters.commits - before).toBe(2);
    expect(await values(db)).toEqual(["kept-1", "kept-2"]);
    expect(errors).toHaveLength(1);
    await db.close();
  });

  it("a commit that fails rejects every transaction that shared it, and none is stored", async () => {
    const { db, errors } = await open();
    const { held, release } = await hold(db);
    const innocent = settled(db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('innocent')")));
    // A deferred foreign key: each statement succeeds, the COMMIT refuses.
    const violating = settled(db.transaction((tx) => tx.run("INSERT INTO t (v, parent) VALUES ('orphan', 42)")));
    release();
    await held;
    expect(await innocent).toMatch(/FOREIGN KEY/);
    expect(await violating).toMatch(/FOREIGN KEY/);
    expect(await values(db)).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    // The connection is usable again.
    await db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('after')"));
    expect(await values(db)).toEqual(["after"]);
    await db.close();
  });

  it("a failure that ends the whole transaction fails the others with it: none is half-stored", async () => {
    const { db } = await open();
    const { held, release } = await hold(db);
    const asked = [
      settled(db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('first')"))),
      settled(
        db.transaction(async (tx) => {
          await tx.exec("ROLLBACK");
          throw new Error("transaction ended");
        }),
      ),
      settled(db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('last')"))),
    ];
    release();
    await held;
    expect(await Promise.all(asked)).toEqual(["transaction ended", "transaction ended", "transaction ended"]);
    expect(await values(db)).toEqual([]);
    await db.close();
  });

  it("a transaction asked alone commits as before, and its failure rolls it back", async () => {
    const { db } = await open();
    await db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('alone')"));
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t (v) VALUES ('undone')");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await values(db)).toEqual(["alone"]);
    await db.close();
  });
});
