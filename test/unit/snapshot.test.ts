import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database, ReadPool } from "../../src/store/db.js";

/**
 * A digest's or an agenda's counts and the references it lists are read by two statements: in one
 * snapshot, a report stored or retired between them cannot make them disagree.
 */
describe("reads in one snapshot", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function store() {
    const dir = mkdtempSync(join(tmpdir(), "crossbot-snapshot-"));
    dirs.push(dir);
    const path = join(dir, "cross.sqlite");
    const db = await Database.open(path);
    await db.exec("CREATE TABLE facts (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
    await db.run("INSERT INTO facts (n) VALUES (1)", []);
    return { db, pool: await ReadPool.open(path, 2) };
  }
  const count = async (q: { get: Database["get"] }) => (await q.get<{ n: number }>("SELECT count(*) AS n FROM facts"))!.n;

  it("see one commit, whatever is written meanwhile; the next read sees the write", async () => {
    const { db, pool } = await store();
    const seen = await pool.snapshot(async (q) => {
      const first = await count(q);
      await db.run("INSERT INTO facts (n) VALUES (2)", []);
      return [first, await count(q)];
    });
    expect(seen).toEqual([1, 1]);
    expect(await count(pool)).toBe(2);
    // Without a snapshot, the second read sees the write made between the two.
    const apart = [await count(pool)];
    await db.run("INSERT INTO facts (n) VALUES (3)", []);
    apart.push(await count(pool));
    expect(apart).toEqual([2, 3]);
    await pool.close();
    await db.close();
  });

  it("end when their work fails, and leave the connection usable", async () => {
    const { db, pool } = await store();
    await expect(
      pool.snapshot(async (q) => {
        await count(q);
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    await db.run("INSERT INTO facts (n) VALUES (2)", []);
    // Both connections of the pool read the last commit: neither was left inside the failed snapshot.
    expect(await Promise.all([count(pool), count(pool)])).toEqual([2, 2]);
    expect(await pool.snapshot(count)).toBe(2);
    await pool.close();
    await db.close();
  });

  it("refuse writes on a reader", async () => {
    const { db, pool } = await store();
    await expect(pool.snapshot((q) => q.run("INSERT INTO facts (n) VALUES (9)", []))).rejects.toThrow();
    expect(await count(db)).toBe(1);
    await pool.close();
    await db.close();
  });
});
