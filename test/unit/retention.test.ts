import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { conservation } from "../../src/commands/conservation.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { asReply } from "../../src/core/command.js";
import { toPlain } from "../../src/core/message.js";
import { deliver } from "../../src/jobs/deliver.js";
import { purgeDueReports } from "../../src/jobs/report-retention.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { RetentionStore } from "../../src/store/retention.js";
import { fields, rawConfig } from "./fixtures/cell.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T12:00:00Z");

async function cell() {
  const config = loadConfig(rawConfig(["ggd", "ddsp", "gir"]), { MATRIX_ACCESS_TOKEN: "x" });
  const directory = new Directory(config);
  const db = await Database.open(":memory:");
  await migrate(db);
  const journal = await AuditJournal.open(":memory:");
  const append = async (entry: Parameters<AuditJournal["append"]>[0]) => {
    await journal.append(entry);
  };
  const capture = buildCapture(config, db, directory, async () => ({ rooms: 0, pending: false }), append);
  const outbox = new OutboxStore(db);
  const redacted: string[] = [];
  const transport = {
    send: async (_room: string, _type: string, _content: unknown, txn: string) => `$${txn}`,
    redact: async (_room: string, eventId: string) => {
      redacted.push(eventId);
    },
  };
  const report = async (event: string, plate: string, at: number) =>
    (
      await capture.write.create({
        sourceEventId: event,
        roomId: "!ddsp",
        roomKey: "ddsp",
        service: "ddsp",
        author: "@ddsp:t",
        fields: fields(plate, { level: "cross" }, event),
        at,
      })
    ).report;
  const deliverAll = async () => {
    for (const row of await outbox.dueForQueue(NOW, 0))
      await deliver(row.id, {
        outbox,
        reports: capture.reports,
        roomIdOf: (key) => `!${key}`,
        roomMaySee: capture.roomMaySee,
        roomService: (key) => directory.room(key)?.service,
        coordinatorService: directory.coordinatorService.key,
        vocabulary: capture.vocabulary,
        transport,
        communicated: async () => undefined,
      });
  };
  const retention = new RetentionStore(db);
  const purge = (days: number) =>
    purgeDueReports(
      {
        retention,
        outbox,
        transport,
        roomIdOf: (key) => `!${key}`,
        journal: append,
        retentionDays: days,
        log: { info: () => undefined, error: () => undefined },
      },
      NOW,
    );
  return { db, journal, capture, outbox, redacted, report, deliverAll, retention, purge };
}

describe("retention of reports", () => {
  it("purges a report past its retention: its messages redacted in every room, its rows gone, journaled, its reference retired", async () => {
    const c = await cell();
    const old = await c.report("$old", "AB-123-CD", NOW - 400 * DAY);
    const recent = await c.report("$recent", "AB-123-CD", NOW - 10 * DAY); // matches the old one
    await c.deliverAll();
    const oldMessages = (await c.outbox.standing("gir", old.id)).map((s) => s.eventId);
    expect(oldMessages.length).toBeGreaterThanOrEqual(2); // its card and the match alert

    expect(await c.purge(365)).toEqual([old.ref]);
    for (const eventId of oldMessages) expect(c.redacted).toContain(eventId);
    expect(await c.capture.reports.byRef(old.ref)).toBeUndefined();
    expect(await c.capture.reports.byRef(recent.ref)).toBeDefined();
    for (const table of ["report_versions", "report_entities", "outbox", "report_cards", "sent_events"]) {
      const row = await c.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE report_id = ?`, [old.id]);
      expect(row?.n, table).toBe(0);
    }
    expect((await c.db.get<{ n: number }>("SELECT count(*) AS n FROM matches"))?.n).toBe(0);
    const entries = await c.journal.forRef(old.ref);
    expect(entries.at(-1)).toMatchObject({ action: "purge", actor: "bot" });
    expect((await c.journal.verify()).ok).toBe(true);
    expect((await c.db.get<{ reason: string }>("SELECT reason FROM retired_refs WHERE ref = ?", [old.ref]))?.reason).toBe(
      "purge",
    );
    // Nothing more to do on the next run.
    expect(await c.purge(365)).toEqual([]);
  });

  it("counts from the last change: an update restarts the clock", async () => {
    const c = await cell();
    const report = await c.report("$r", "EF-456-GH", NOW - 400 * DAY);
    await c.capture.write.amend(report.id, "update", report.fields, report.author, NOW - 20 * DAY, "$upd");
    expect(await c.purge(365)).toEqual([]);
    expect(await c.purge(10)).toEqual([report.ref]);
  });

  it("!conservation states the rule and what is due", async () => {
    const c = await cell();
    await c.report("$a", "AB-123-CD", NOW - 400 * DAY);
    await c.report("$b", "AB-123-CD", NOW - 350 * DAY);
    await c.report("$c", "AB-123-CD", NOW - 300 * DAY);
    const due = await conservation.execute({ args: {}, rawArgs: "", sentAt: NOW } as Parameters<typeof conservation.execute>[0], {
      retention: { store: c.retention, reportsDays: 365, auditDays: 730 },
    });
    expect(due).toMatchObject({ overdue: 1, within30: 1, within90: 2 });
    const text = toPlain(asReply(conservation.render(due)).message);
    expect(text).toContain("365 jours après leur dernière modification");
    expect(text).toContain("Journal d'audit : 730 jours");
    expect(text).toContain("1 renseignement à supprimer au prochain passage");
  });
});
