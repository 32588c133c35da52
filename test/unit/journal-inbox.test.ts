import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { Directory } from "../../src/core/directory.js";
import { startJournalInbox } from "../../src/jobs/journal-inbox.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { JournalInbox } from "../../src/store/journal-inbox.js";
import { migrate } from "../../src/store/migrations.js";
import { cellConfig, fieldsOf } from "./support/territory-fixture.js";

/**
 * A report's journal entry is written in the report's own transaction (the inbox) and reaches the
 * audit journal off the report's path, in batches: exactly once, whatever stops the bot between the
 * two — and the chain still verifies.
 */
const AT = Date.UTC(2026, 10, 20);
const log = pino({ level: "silent" });
let opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of opened.reverse()) await o.close();
  opened = [];
});

async function cell(handOn: boolean) {
  const config = cellConfig(["ggd", "douane"]);
  const db = await Database.open(":memory:");
  await migrate(db);
  const journal = await AuditJournal.open(":memory:");
  opened.push(db, journal);
  const capture = buildCapture(
    config,
    db,
    new Directory(config),
    async () => ({ rooms: 0, pending: false }),
    (entry) => journal.append(entry).then(() => undefined),
    () => false,
    null,
    Date.now,
    undefined,
    // handOn false: the bot stopped between the write's commit and the hand-over to the journal.
    (item) => (handOn ? journal.enqueue(item) : undefined),
  );
  const write = (eventId: string, at = AT) =>
    capture.write.create({
      sourceEventId: eventId,
      roomId: "!ggd",
      roomKey: "ggd",
      service: "ggd",
      author: "@ggd:t",
      fields: fieldsOf({ service: "ggd", commune: "88160", observedAt: at - 60_000 }),
      at,
    });
  const inboxRows = async () => (await db.get<{ n: number }>("SELECT count(*) AS n FROM journal_inbox"))!.n;
  return { db, journal, capture, write, inboxRows, inbox: new JournalInbox(db) };
}

describe("journal inbox", () => {
  it("every write's entry reaches the journal once, in order, and the inbox is trimmed", async () => {
    const c = await cell(true);
    const job = await startJournalInbox(c.inbox, c.journal, log, 60_000);
    const a = (await c.write("$a")).report;
    const b = (await c.write("$b", AT + 1000)).report;
    await c.capture.write.amend(a.id, "update", { ...a.fields, text: "précisé" }, "@ggd:t", AT + 2000, "$a2");
    // Read right after the writes: the journal settles its batch before it answers.
    expect((await c.journal.forRef(a.ref)).map((e) => e.action)).toEqual(["collect", "modify"]);
    expect((await c.journal.forRef(b.ref)).map((e) => e.action)).toEqual(["collect"]);
    expect(await c.inboxRows()).toBe(3);
    await job.flush();
    expect(await c.inboxRows()).toBe(0);
    await job.stop();
    expect(await c.journal.verify()).toEqual({ ok: true, entries: 3 });
  });

  it("an entry committed but never handed on (a stop in between) is appended at the next start, once", async () => {
    const c = await cell(false);
    const report = (await c.write("$a")).report;
    expect(await c.journal.forRef(report.ref)).toEqual([]);
    expect(await c.inboxRows()).toBe(1);
    const job = await startJournalInbox(c.inbox, c.journal, log, 60_000);
    expect((await c.journal.forRef(report.ref)).map((e) => e.action)).toEqual(["collect"]);
    expect(await c.inboxRows()).toBe(0);
    await job.stop();
  });

  it("an entry appended but not trimmed from the inbox (a crash in between) is not appended twice", async () => {
    const c = await cell(true);
    const report = (await c.write("$a")).report;
    await c.journal.settled(); // appended; the inbox still holds it (no trim before the crash)
    expect(await c.inboxRows()).toBe(1);
    const job = await startJournalInbox(c.inbox, c.journal, log, 60_000);
    expect((await c.journal.forRef(report.ref)).map((e) => e.action)).toEqual(["collect"]);
    expect(await c.inboxRows()).toBe(0);
    await job.stop();
    expect(await c.journal.verify()).toEqual({ ok: true, entries: 1 });
  });

  it("a write that rolls back leaves no entry behind", async () => {
    const c = await cell(true);
    await c.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON report_versions BEGIN SELECT RAISE(ABORT, 'disque plein'); END;");
    await expect(c.write("$a")).rejects.toThrow(/disque plein/);
    expect(await c.inboxRows()).toBe(0);
    expect(await c.journal.recent(10)).toEqual([]);
  });
});
