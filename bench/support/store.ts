import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Directory } from "../../src/core/directory.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { cellConfig } from "../../test/unit/support/territory-fixture.js";

/** The eight services of the benchmark cell (the Vosges' own). */
export const SERVICES = ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"];

/** A throw-away store with the project's schema, in its own folder under the system's temp dir. */
export async function freshStore(name: string) {
  const config = cellConfig(SERVICES);
  const directory = new Directory(config);
  const dir = join(tmpdir(), `crossbot-bench-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = await Database.open(join(dir, "cross.sqlite"));
  await migrate(db);
  const journal = await AuditJournal.open(join(dir, "audit.sqlite"));
  return { config, directory, dir, db, journal };
}

/**
 * Reports seeded by SQL are marked for the full-text index (migration 17) like any write; index them
 * all at once, as the running bot's search indexer would have, batch after batch.
 */
export async function indexSeeded(db: Database): Promise<void> {
  await db.exec("INSERT INTO reports_fts (reports_fts) VALUES ('rebuild'); DELETE FROM search_pending;");
}
