import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { referenceCandidate } from "../../src/core/report/report.js";
import { backup, JOURNAL_FILE, restore, STORE_FILE, writePidFile } from "../../src/ops/backup.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { fields, rawConfig } from "./fixtures/cell.js";

const SERVICES = ["ggd", "ddsp", "gir"];

/** The bot's data directory as the running bot leaves it: the store and the journal, written through the capture path. */
async function openCell(dataDir: string, options: { crashBeforeJournal?: boolean } = {}) {
  const config = loadConfig(rawConfig(SERVICES), { MATRIX_ACCESS_TOKEN: "x" });
  const db = await Database.open(join(dataDir, STORE_FILE));
  await migrate(db);
  const journal = await AuditJournal.open(join(dataDir, JOURNAL_FILE));
  const capture = buildCapture(
    config,
    db,
    new Directory(config),
    async () => ({ rooms: 0, pending: false }),
    async (entry) => {
      await journal.append(entry);
    },
    () => false,
    null,
    Date.now,
    undefined,
    // A crash between a write's commit and its entry's move: the entry is only in the store's inbox.
    options.crashBeforeJournal ? () => undefined : undefined,
  );
  const report = async (eventId: string, marker: string) =>
    (
      await capture.write.create({
        sourceEventId: eventId,
        roomId: "!ddsp",
        roomKey: "ddsp",
        service: "ddsp",
        author: "@ddsp:t",
        fields: fields("AB-123-CD", { level: "cross" }, marker),
        at: Date.now(),
      })
    ).report;
  return {
    report,
    byRef: (ref: string) => capture.reports.byRef(ref),
    referenceKey: async () => (await db.get<{ value: string }>("SELECT value FROM kv WHERE key = 'reference_key'"))?.value ?? "",
    close: async () => {
      await journal.close();
      await db.close();
    },
  };
}

describe("backup and restore", () => {
  it("never hands a reference announced after the backup to another report, but gives it back to its own event", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cross-data-"));
    const target = join(mkdtempSync(join(tmpdir(), "cross-backup-")), "b1");
    let cell = await openCell(dataDir);
    const before = await cell.report("$before", "AVANT");
    const manifest = await backup(dataDir, target);
    expect(manifest.files).toEqual([STORE_FILE, JOURNAL_FILE]);
    const after = await cell.report("$after", "APRES"); // announced in the rooms, then the disk is lost
    await cell.close();

    const result = await restore(dataDir, target);
    expect(result.journal).toBe("kept");
    expect(result.retired).toBe(1);
    expect(existsSync(join(result.previous, STORE_FILE))).toBe(true);

    cell = await openCell(dataDir);
    expect((await cell.byRef(before.ref))?.fields.text).toBe("MARK AVANT");
    expect(await cell.byRef(after.ref)).toBeUndefined();
    // A new event whose first candidate number is exactly the announced one is given another…
    const key = await cell.referenceKey();
    const year = new Date().getUTCFullYear();
    let colliding = "";
    for (let i = 0; !colliding; i++) {
      if (referenceCandidate("88", year, `$new${i}`, key, 0) === after.ref) colliding = `$new${i}`;
    }
    const other = await cell.report(colliding, "AUTRE");
    expect(other.ref).not.toBe(after.ref);
    expect(other.ref).not.toBe(before.ref);
    // …but the event that created it, delivered again by the homeserver, gets it back.
    expect((await cell.report("$after", "APRES")).ref).toBe(after.ref);
    await cell.close();
  });

  it("keeps a reference whose journal entry was still in the replaced store's inbox", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cross-data-"));
    const target = join(mkdtempSync(join(tmpdir(), "cross-backup-")), "b1");
    let cell = await openCell(dataDir);
    await cell.report("$before", "AVANT");
    await backup(dataDir, target);
    await cell.close();
    cell = await openCell(dataDir, { crashBeforeJournal: true });
    const after = await cell.report("$after", "APRES");
    await cell.close();

    const result = await restore(dataDir, target);
    expect(result.retired).toBe(1);
    cell = await openCell(dataDir);
    const key = await cell.referenceKey();
    const year = new Date().getUTCFullYear();
    let colliding = "";
    for (let i = 0; !colliding; i++) {
      if (referenceCandidate("88", year, `$new${i}`, key, 0) === after.ref) colliding = `$new${i}`;
    }
    expect((await cell.report(colliding, "AUTRE")).ref).not.toBe(after.ref);
    await cell.close();
  });

  it("refuses to restore while the bot runs, and into a backup directory twice", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cross-data-"));
    const target = join(mkdtempSync(join(tmpdir(), "cross-backup-")), "b");
    const cell = await openCell(dataDir);
    await cell.report("$one", "UN");
    await backup(dataDir, target);
    await expect(backup(dataDir, target)).rejects.toThrow(/holds a backup already/);
    await cell.close();
    const removePid = writePidFile(dataDir);
    // Our own pid counts as "this process": write a live pid that is not ours (the parent's).
    writeFileSync(join(dataDir, "bot.pid"), String(process.ppid));
    await expect(restore(dataDir, target)).rejects.toThrow(/the bot is running/);
    removePid();
    await expect(restore(dataDir, target)).resolves.toMatchObject({ journal: "kept" });
  });
});
