import type { Database } from "./db.js";

/**
 * Versioned schema. Each entry moves the database from version i to i+1 (`PRAGMA user_version`)
 * inside one transaction. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1 — the receiving side: where sync stopped, and which events were already handled.
  `
  CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE handled_events (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'invalid', 'error', 'ignored')),
    detail TEXT,
    handled_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX handled_events_by_time ON handled_events (handled_at);
  `,
  // 2 — encrypted events waiting for their room key (ciphertext only).
  `
  CREATE TABLE undecryptable_events (
    event_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    event_json TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT
  ) STRICT;
  `,
];

export async function migrate(db: Database): Promise<number> {
  const current = (await db.get<{ user_version: number }>("PRAGMA user_version"))?.user_version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this bot (${MIGRATIONS.length}): refusing to run`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    await db.transaction(async (tx) => {
      await tx.exec(MIGRATIONS[version] ?? "");
      await tx.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
  return MIGRATIONS.length;
}
