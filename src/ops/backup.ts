import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuditJournal } from "../store/audit.js";
import { JournalInbox, moveInbox } from "../store/journal-inbox.js";
import { Database } from "../store/db.js";
import { migrate } from "../store/migrations.js";

/**
 * Backups and restores of the bot's data directory: the store (`cross.sqlite`), the audit journal
 * (`audit.sqlite`) and the crypto store (`crypto/`).
 *
 * - The two SQLite files are copied online with `VACUUM INTO` (a consistent snapshot while the bot
 *   runs). The crypto store is a LevelDB directory written by the bot: it is copied file by file;
 *   a copy taken while the bot writes may miss the very last keys, which senders share again.
 * - A restore runs with the bot stopped. It never hands a reference announced after the backup to
 *   another report: every reference the current journal saw collected but the restored store does
 *   not hold is retired, kept only for the event that created it (delivered again by the
 *   homeserver, that event gets its own number back). The newer journal is kept when it verifies
 *   (it is the record of what happened); the backup's journal is used only when there is none.
 *   The store gets a new instance id, so queued jobs from before never shadow new outbox rows.
 */
export const STORE_FILE = "cross.sqlite";
export const JOURNAL_FILE = "audit.sqlite";
export const CRYPTO_DIR = "crypto";
const MANIFEST = "cross-bot-backup.json";
const PID_FILE = "bot.pid";

export interface BackupManifest {
  createdAt: string;
  schemaVersion: number;
  files: string[];
}

export async function backup(dataDir: string, target: string, now = new Date()): Promise<BackupManifest> {
  if (existsSync(join(target, MANIFEST))) throw new Error(`${target} holds a backup already: choose an empty directory`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  const store = await Database.open(join(dataDir, STORE_FILE));
  let schemaVersion = 0;
  try {
    schemaVersion = (await store.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0;
    await store.backupTo(join(target, STORE_FILE));
    files.push(STORE_FILE);
  } finally {
    await store.close();
  }
  if (existsSync(join(dataDir, JOURNAL_FILE))) {
    const journal = await Database.open(join(dataDir, JOURNAL_FILE));
    try {
      await journal.backupTo(join(target, JOURNAL_FILE));
      files.push(JOURNAL_FILE);
    } finally {
      await journal.close();
    }
  }
  if (existsSync(join(dataDir, CRYPTO_DIR))) {
    // LevelDB's LOCK file belongs to the running process; everything else is data.
    cpSync(join(dataDir, CRYPTO_DIR), join(target, CRYPTO_DIR), { recursive: true, filter: (src) => !src.endsWith("LOCK") });
    files.push(CRYPTO_DIR);
  }
  const manifest: BackupManifest = { createdAt: now.toISOString(), schemaVersion, files };
  writeFileSync(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** References announced after the backup, now kept for their own events only. */
  retired: number;
  journal: "kept" | "restored";
  /** Where the data replaced by the restore was moved. */
  previous: string;
}

export async function restore(dataDir: string, source: string, now = new Date()): Promise<RestoreResult> {
  const manifest = JSON.parse(readFileSync(join(source, MANIFEST), "utf8")) as BackupManifest;
  if (!manifest.files.includes(STORE_FILE)) throw new Error(`${source}: no ${STORE_FILE} in this backup`);
  const running = runningPid(dataDir);
  if (running !== null) throw new Error(`the bot is running (pid ${running}): stop it before restoring`);

  await moveJournalInbox(dataDir);
  const collected = await collectedRefs(join(dataDir, JOURNAL_FILE));
  const journalKept = collected !== null;
  const previous = join(dataDir, `before-restore-${now.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(previous, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith("before-restore-")) continue;
    if (journalKept && name.startsWith(JOURNAL_FILE)) continue;
    renameSync(join(dataDir, name), join(previous, name));
  }
  cpSync(join(source, STORE_FILE), join(dataDir, STORE_FILE));
  if (!journalKept && manifest.files.includes(JOURNAL_FILE)) cpSync(join(source, JOURNAL_FILE), join(dataDir, JOURNAL_FILE));
  if (manifest.files.includes(CRYPTO_DIR)) cpSync(join(source, CRYPTO_DIR), join(dataDir, CRYPTO_DIR), { recursive: true });

  const store = await Database.open(join(dataDir, STORE_FILE));
  let retired = 0;
  try {
    await migrate(store);
    await store.transaction(async (tx) => {
      for (const { ref, eventId } of collected ?? []) {
        if (await tx.get("SELECT 1 AS held FROM reports WHERE ref = ?", [ref])) continue;
        const { changes } = await tx.run(
          "INSERT OR IGNORE INTO retired_refs (ref, retired_at, reason, source_event_id) VALUES (?, ?, 'restore', ?)",
          [ref, now.getTime(), eventId],
        );
        retired += changes;
      }
      await tx.run("DELETE FROM kv WHERE key = 'instance_id'");
    });
  } finally {
    await store.close();
  }
  return { manifest, retired, journal: journalKept ? "kept" : "restored", previous };
}

/**
 * Entries the store being replaced still holds in its journal inbox (a crash before they moved)
 * go to the journal first: their references were announced and must be kept. A store too damaged
 * to read gives nothing (the restore is what repairs it).
 */
async function moveJournalInbox(dataDir: string): Promise<void> {
  if (!existsSync(join(dataDir, STORE_FILE)) || !existsSync(join(dataDir, JOURNAL_FILE))) return;
  let store: Database | undefined;
  let journal: AuditJournal | undefined;
  try {
    store = await Database.open(join(dataDir, STORE_FILE));
    const inbox = await store.get("SELECT 1 AS present FROM sqlite_master WHERE name = 'journal_inbox'");
    if (!inbox) return;
    journal = await AuditJournal.open(join(dataDir, JOURNAL_FILE));
    await moveInbox(new JournalInbox(store), journal);
  } catch {
    // Unreadable: nothing to move.
  } finally {
    await journal?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
  }
}

/** The references the journal saw collected, with their creating event; null when it is missing or broken. */
async function collectedRefs(path: string): Promise<{ ref: string; eventId: string | null }[] | null> {
  if (!existsSync(path)) return null;
  const journal = await AuditJournal.open(path);
  try {
    if (!(await journal.verify()).ok) return null;
    return (await journal.collected()).map((e) => ({ ref: e.ref, eventId: /· (\$\S+)/.exec(e.detail)?.[1] ?? null }));
  } finally {
    await journal.close();
  }
}

/** The running bot writes its pid here (removed when it stops); a restore refuses while it lives. */
export function writePidFile(dataDir: string): () => void {
  const file = join(dataDir, PID_FILE);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function runningPid(dataDir: string): number | null {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // a bot killed without cleaning up
  }
}
