import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sqlite3 from "sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { AuditJournal, GENESIS_HASH, chainHash, type AuditEntry, type NewAuditEntry } from "../../src/store/audit.js";

const open: AuditJournal[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((journal) => journal.close()));
});

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), "crossbot-audit-")), "audit.sqlite");
}

async function journalAt(path = tempPath()): Promise<{ journal: AuditJournal; path: string }> {
  const journal = await AuditJournal.open(path);
  open.push(journal);
  return { journal, path };
}

function entry(at: number, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at,
    actor: "@enqueteur:police.test",
    action: "consult",
    ref: "88-2026-0042",
    room: "cross",
    detail: `lecture ${at}`,
    ...overrides,
  };
}

/** A second, raw connection to the file: what someone with file access (not the bot) could do. */
async function raw(path: string, sql: string): Promise<void> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(handle)));
  });
  try {
    await new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

function expectChained(entries: AuditEntry[], firstPrev = GENESIS_HASH): void {
  let prev = firstPrev;
  for (const e of entries) {
    expect(e.prevHash).toBe(prev);
    expect(e.hash).toBe(chainHash(e.prevHash, e));
    prev = e.hash;
  }
}

describe("audit journal", () => {
  it("chains each entry to the previous one, across reopen, and verifies", async () => {
    const { journal, path } = await journalAt();
    const appended = [];
    for (let i = 1; i <= 5; i++) appended.push(await journal.append(entry(i * 1000)));
    expectChained(appended);
    expect(appended.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(await journal.verify()).toEqual({ ok: true, entries: 5 });
    await journal.close();
    open.splice(open.indexOf(journal), 1);

    const { journal: again } = await journalAt(path);
    await again.appendMany([entry(6000), entry(7000, { action: "communicate", room: "ofast" })]);
    const all = (await again.recent(100)).reverse();
    expectChained(all);
    expect(all.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await again.verify()).toEqual({ ok: true, entries: 7 });
  });

  it("keeps one unforked chain under 200 concurrent appends, and across two connections", async () => {
    const { journal, path } = await journalAt();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => journal.append(entry(i))));
    expect(new Set(results.map((e) => e.prevHash)).size).toBe(200);
    expectChained([...results].sort((a, b) => a.id - b.id));

    const { journal: other } = await journalAt(path);
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? journal : other).append(entry(1000 + i))));
    expectChained((await journal.recent(1000)).reverse());
    expect(await journal.verify()).toEqual({ ok: true, entries: 300 });
  });

  it("refuses UPDATE and DELETE through plain SQL", async () => {
    const { journal, path } = await journalAt();
    await journal.appendMany([entry(1), entry(2)]);
    await expect(raw(path, "UPDATE journal SET detail = 'x' WHERE id = 1")).rejects.toThrow(/append-only/);
    await expect(raw(path, "DELETE FROM journal WHERE id = 2")).rejects.toThrow(/append-only/);
    await expect(raw(path, "DELETE FROM journal")).rejects.toThrow(/append-only/);
    await journal.purgeOlderThan(2);
    await expect(raw(path, "UPDATE anchor SET hash = 'x'")).rejects.toThrow(/append-only/);
    await expect(raw(path, "DELETE FROM anchor")).rejects.toThrow(/append-only/);
    expect(await journal.verify()).toEqual({ ok: true, entries: 1 });
  });

  it("detects an altered entry, even with its own hash recomputed", async () => {
    const { journal, path } = await journalAt();
    await journal.appendMany([1, 2, 3, 4, 5].map((i) => entry(i)));
    await raw(path, "DROP TRIGGER journal_no_update; UPDATE journal SET detail = 'rien vu' WHERE id = 3");
    expect(await journal.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/altered/) });

    const forged = chainHash((await journal.forRef("88-2026-0042"))[1]!.hash, {
      ...entry(3),
      ref: "88-2026-0042",
      room: "cross",
      detail: "rien vu",
    });
    await raw(path, `UPDATE journal SET hash = '${forged}' WHERE id = 3`);
    expect(await journal.verify()).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it("detects a deleted middle entry and a truncated end", async () => {
    const { journal, path } = await journalAt();
    await journal.appendMany([1, 2, 3, 4, 5].map((i) => entry(i)));
    await raw(path, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE id = 5");
    expect(await journal.verify()).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: expect.stringMatching(/missing from the end/),
    });
    await raw(path, "DELETE FROM journal WHERE id = 3");
    expect(await journal.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/removed/) });
  });

  it("purges by retention, keeps verifying, and the anchor guards the new first entry", async () => {
    const { journal, path } = await journalAt();
    await journal.appendMany([1, 2, 3, 4, 5, 6, 7, 8].map((i) => entry(i * 1000)));
    expect(await journal.purgeOlderThan(5500)).toBe(5);
    expect(await journal.purgeOlderThan(5500)).toBe(0);
    expect(await journal.verify()).toEqual({ ok: true, entries: 3 });
    const after = await journal.append(entry(9000));
    expect(after.id).toBe(9);
    expect(await journal.verify()).toEqual({ ok: true, entries: 4 });

    // Without the anchor, the oldest remaining entry could vanish unnoticed.
    await raw(path, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE id = 6");
    expect(await journal.verify()).toMatchObject({ ok: false, brokenAt: 7, reason: expect.stringMatching(/anchor/) });
  });

  it("detects a tampered first entry after a purge", async () => {
    const { journal, path } = await journalAt();
    await journal.appendMany([1, 2, 3, 4].map((i) => entry(i * 1000)));
    await journal.purgeOlderThan(2500);
    await raw(path, "DROP TRIGGER journal_no_update; UPDATE journal SET actor = '@autre:police.test' WHERE id = 3");
    expect(await journal.verify()).toMatchObject({ ok: false, brokenAt: 3 });
    await expect(journal.purgeOlderThan(10_000)).rejects.toThrow(/refusing to purge.*entry 3/);
    expect((await journal.recent(10)).length).toBe(2);
  });

  it("purges only a prefix when times are out of order, and chains to the anchor once empty", async () => {
    const { journal } = await journalAt();
    await journal.appendMany([entry(1000), entry(5000), entry(2000), entry(6000)]);
    expect(await journal.purgeOlderThan(3000)).toBe(1); // entry 3 (t=2000) waits behind entry 2 (t=5000)
    expect(await journal.verify()).toEqual({ ok: true, entries: 3 });
    expect(await journal.purgeOlderThan(10_000)).toBe(3);
    expect(await journal.verify()).toEqual({ ok: true, entries: 0 });
    const next = await journal.append(entry(11_000));
    expect(next.id).toBe(5);
    expect(next.prevHash).not.toBe(GENESIS_HASH);
    expect(await journal.verify()).toEqual({ ok: true, entries: 1 });
  });

  it("answers a coordinator: a report's history oldest first, the latest activity newest first", async () => {
    const { journal } = await journalAt();
    await journal.append(entry(1, { action: "collect", actor: "@gendarme:police.test", detail: "fiche créée" }));
    await journal.append(entry(2, { action: "consult", ref: "88-2026-0007", detail: "!fiche" }));
    await journal.append(entry(3, { action: "communicate", actor: "bot", room: "ofast", detail: "diffusion" }));
    await journal.append(entry(4, { action: "match", actor: "bot", ref: null, room: null, detail: "recoupement 0042/0007" }));
    await journal.append(entry(5, { action: "modify", detail: "adresse corrigée" }));

    const history = await journal.forRef("88-2026-0042");
    expect(history.map((e) => e.action)).toEqual(["collect", "communicate", "modify"]);
    expect(history[1]).toMatchObject({ actor: "bot", room: "ofast", at: 3 });
    expect((await journal.forRef("88-2026-0042", 2)).map((e) => e.at)).toEqual([3, 5]);
    expect(await journal.forRef("88-2026-9999")).toEqual([]);

    const latest = await journal.recent(2);
    expect(latest.map((e) => e.action)).toEqual(["modify", "match"]);
    expect(latest[1]).toMatchObject({ ref: null, room: null });
  });

  it("refuses malformed entries and still verifies odd text", async () => {
    const { journal } = await journalAt();
    await expect(journal.append(entry(1.5))).rejects.toThrow(/integer ms/);
    await expect(journal.append(entry(1, { detail: "x".repeat(501) }))).rejects.toThrow(/longer than/);
    await expect(journal.append(entry(1, { action: "delete" as never }))).rejects.toThrow(/CHECK constraint/);
    await expect(journal.appendMany([entry(1), entry(2, { detail: "x".repeat(501) })])).rejects.toThrow();
    expect(await journal.recent(10)).toEqual([]);

    const cut = "🚬 saisie".slice(0, 1); // half an emoji: a lone surrogate
    const stored = await journal.append(
      entry(1, { detail: `note ${cut} "guillemets" \u0000 fin`, actor: "@élodie:police.test" }),
    );
    expect(stored.detail).toBe('note \ufffd "guillemets" \u0000 fin');
    expect(await journal.verify()).toEqual({ ok: true, entries: 1 });
  });

  it("refuses a journal written by a newer schema", async () => {
    const path = tempPath();
    await raw(path, "PRAGMA user_version = 99");
    await expect(AuditJournal.open(path)).rejects.toThrow(/newer than this bot/);
  });
});
