import { Database } from "../../../src/store/db.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";

/**
 * A fresh in-memory store at the schema just before the migration whose SQL contains `marker`: what
 * a bot of that time left behind, for a test to fill and then `migrate`.
 */
export async function storeBefore(marker: string): Promise<Database> {
  const mine = MIGRATIONS.findIndex((m) => m.includes(marker));
  if (mine < 0) throw new Error(`no migration contains ${JSON.stringify(marker)}`);
  const db = await Database.open(":memory:");
  for (const [version, sql] of MIGRATIONS.slice(0, mine).entries()) {
    await db.exec(sql);
    await db.exec(`PRAGMA user_version = ${version + 1}`);
  }
  return db;
}

/** Every report of `from` written into `to` as stored (amended and cancelled ones included); `to`'s triggers make their copies. */
export async function copyReports(from: Database, to: Database): Promise<void> {
  const columns = (await from.all<{ name: string }>("SELECT name FROM pragma_table_info('reports')")).map((c) => c.name);
  for (const row of await from.all("SELECT * FROM reports ORDER BY id")) {
    await to.run(
      `INSERT INTO reports (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      columns.map((c) => row[c] ?? null),
    );
  }
}
