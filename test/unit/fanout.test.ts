import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { deliver } from "../../src/jobs/deliver.js";
import { budgeted, type BudgetClock, SendBudget } from "../../src/jobs/send-budget.js";
import { rateLimitDelayMs } from "../../src/matrix/retry.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore, PRIORITY } from "../../src/store/outbox.js";
import { fields, rawConfig } from "./fixtures/cell.js";

/** A clock that only moves when someone sleeps: budgets are checked without waiting. */
function fakeClock(start = 1_000_000): BudgetClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

/** A 429 as the transport throws it: matrix-bot-sdk's MatrixError shape plus the response headers. */
function limited(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return Object.assign(new Error("M_LIMIT_EXCEEDED: Too Many Requests"), {
    statusCode: 429,
    errcode: "M_LIMIT_EXCEEDED",
    body: { errcode: "M_LIMIT_EXCEEDED", ...body },
    retryAfterMs: body.retry_after_ms,
    headers,
  });
}

describe("the homeserver's 429", () => {
  it("reads retry_after_ms from the body and Retry-After (seconds or a date) from the headers, the larger wins", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    expect(rateLimitDelayMs(limited({ retry_after_ms: 2500 }), now)).toBe(2500);
    expect(rateLimitDelayMs(limited({}, { "retry-after": "7" }), now)).toBe(7000);
    expect(rateLimitDelayMs(limited({}, { "Retry-After": "Tue, 01 Dec 2026 12:00:09 GMT" }), now)).toBe(9000);
    expect(rateLimitDelayMs(limited({ retry_after_ms: 1200 }, { "retry-after": "3" }), now)).toBe(3000);
    expect(rateLimitDelayMs(limited({}), now, 1000)).toBe(1000);
    expect(rateLimitDelayMs(Object.assign(new Error("nope"), { statusCode: 403, errcode: "M_FORBIDDEN" }), now)).toBeNull();
  });

  it("pauses the whole queue for the server's delay, not only the refused call, and retries that call with the same transaction", async () => {
    const clock = fakeClock();
    const budget = new SendBudget({ max: 10, durationMs: 1000 }, clock);
    const calls: { at: number; txn: string }[] = [];
    let refuse = 1;
    const transport = budgeted(
      {
        send: async (_room, _type, _content, txn) => {
          calls.push({ at: clock.t, txn });
          if (txn === "card-a" && refuse-- > 0) throw limited({}, { "Retry-After": "4" });
          return `$${txn}`;
        },
        redact: async (_room, eventId, _reason, txn) => {
          calls.push({ at: clock.t, txn: `${txn}:${eventId}` });
        },
      },
      budget,
    );
    const start = clock.t;
    expect(await transport.send("!r", "m.room.message", {}, "card-a")).toBe("$card-a");
    // The next job's call (another room, another message) waited too.
    await transport.send("!other", "m.room.message", {}, "card-b");
    await transport.redact("!r", "$x", "motif", "takeback");
    expect(calls.map((c) => c.txn)).toEqual(["card-a", "card-a", "card-b", "takeback:$x"]);
    expect(calls[1]!.at - start).toBeGreaterThanOrEqual(4000);
    expect(calls[2]!.at - start).toBeGreaterThanOrEqual(4000);
  });

  it("a 429 reported by the transport itself (it retries internally) holds the budget for every later call", async () => {
    const clock = fakeClock();
    const budget = new SendBudget({ max: 100, durationMs: 1000 }, clock);
    const at: number[] = [];
    const transport = budgeted(
      {
        send: async () => {
          at.push(clock.t);
          return "$e";
        },
        redact: async () => undefined,
      },
      budget,
    );
    budget.hold(rateLimitDelayMs(limited({ retry_after_ms: 6000 }), clock.t) ?? 0);
    await transport.send("!a", "m.room.message", {}, "1");
    await transport.send("!b", "m.room.message", {}, "2");
    expect(at.every((t) => t >= 1_006_000)).toBe(true);
  });

  it("tells how long until the next slot without spending it (the worker then pauses the queue rather than the job)", async () => {
    const clock = fakeClock();
    const budget = new SendBudget({ max: 1, durationMs: 1000 }, clock);
    expect(budget.waitMs()).toBe(0);
    await budget.take();
    expect(budget.waitMs()).toBe(1000);
    expect(budget.waitMs()).toBe(1000); // asking spends nothing
    budget.hold(5000);
    expect(budget.waitMs()).toBe(5000);
    clock.t += 5000;
    expect(budget.waitMs()).toBe(0);
  });

  it("the alert answering a report leaves with the budget spent and spends none of it, but waits out a 429 like any call", async () => {
    const clock = fakeClock();
    const budget = new SendBudget({ max: 2, durationMs: 1000 }, clock);
    const at: Record<string, number> = {};
    const homeserver = {
      send: async (_room: string, _type: string, _content: Record<string, unknown>, txn: string) => {
        at[txn] = clock.t;
        return `$${txn}`;
      },
      redact: async () => undefined,
    };
    const cards = budgeted(homeserver, budget);
    const answers = budgeted(homeserver, budget, { answering: true });
    const start = clock.t;
    await cards.send("!a", "m.room.message", {}, "card-1");
    await cards.send("!b", "m.room.message", {}, "card-2"); // both slots of this second spent
    await answers.send("!gir", "m.room.message", {}, "alert-gir");
    expect(at["alert-gir"]).toBe(start); // did not wait for the next slot
    await cards.send("!c", "m.room.message", {}, "card-3");
    await cards.send("!d", "m.room.message", {}, "card-4");
    // …and took none: the next second's two slots went to the two cards.
    expect([at["card-3"]! - start, at["card-4"]! - start]).toEqual([1000, 1000]);
    budget.hold(5000);
    await answers.send("!gir", "m.room.message", {}, "alert-2");
    expect(at["alert-2"]! - at["card-4"]!).toBe(5000);
  });

  it("spends at most the budget in any window", async () => {
    const clock = fakeClock();
    const budget = new SendBudget({ max: 2, durationMs: 1000 }, clock);
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await budget.take();
      starts.push(clock.t);
    }
    for (let i = 2; i < starts.length; i++) expect(starts[i]! - starts[i - 2]!).toBeGreaterThanOrEqual(1000);
    expect(starts[6]! - starts[0]!).toBe(3000);
  });
});

const SERVICES = ["ggd", "ddsp", "dipj", "gir"];

/** A cell in memory with a homeserver in miniature: events by room, redactions, transaction ids. */
async function cell() {
  const config = loadConfig(rawConfig(SERVICES), { MATRIX_ACCESS_TOKEN: "x" });
  const directory = new Directory(config);
  const db = await Database.open(":memory:");
  await migrate(db);
  const journal = await AuditJournal.open(":memory:");
  const capture = buildCapture(
    config,
    db,
    directory,
    async () => ({ rooms: 0, pending: false }),
    async (entry) => {
      await journal.append(entry);
    },
  );
  const outbox = new OutboxStore(db, {
    roomService: (key) => directory.room(key)?.service,
    coordinatorService: directory.coordinatorService.key,
  });
  const events = new Map<string, { roomId: string; body: string; thread?: string }>();
  const byTxn = new Map<string, string>();
  const redacted = new Set<string>();
  let sends = 0;
  let loseNextResponse = false;
  const transport = {
    send: async (roomId: string, _type: string, content: Record<string, unknown>, txnKey: string) => {
      sends++;
      let eventId = byTxn.get(`${roomId}|${txnKey}`);
      if (!eventId) {
        eventId = `$e${events.size + 1}`;
        const relation = content["m.relates_to"] as { event_id?: string } | undefined;
        events.set(eventId, { roomId, body: String(content.body), thread: relation?.event_id });
        byTxn.set(`${roomId}|${txnKey}`, eventId);
      }
      if (loseNextResponse) {
        loseNextResponse = false;
        throw new Error("socket hang up"); // the server has the event; the bot never heard back
      }
      return eventId;
    },
    redact: async (_roomId: string, eventId: string) => {
      sends++;
      redacted.add(eventId);
    },
  };
  const deps = {
    outbox,
    reports: capture.reports,
    roomIdOf: (key: string) => `!${key}`,
    roomMaySee: capture.roomMaySee,
    roomService: (key: string) => directory.room(key)?.service,
    coordinatorService: directory.coordinatorService.key,
    vocabulary: capture.vocabulary,
    transport,
    communicated: async () => undefined,
  };
  let n = 0;
  const report = async (origin: string, plate: string, diffusion: Diffusion = { level: "cross" }) =>
    (
      await capture.write.create({
        sourceEventId: `$src${++n}`,
        roomId: `!${origin}`,
        roomKey: origin,
        service: origin,
        author: `@${origin}:t`,
        fields: fields(plate, diffusion, `R${n}`),
        at: Date.now(),
      })
    ).report;
  /** Runs every due row, as the worker would, in queue order (priority, then age). */
  const deliverAll = async () => {
    for (const row of await outbox.dueForQueue(Date.now() + 1, 0)) await deliver(row.id, deps);
  };
  const standing = (roomKey: string) =>
    [...events.entries()].filter(([id, e]) => e.roomId === `!${roomKey}` && !redacted.has(id)).map(([id, e]) => ({ id, ...e }));
  const cardLines = (body: string, ref: string) => body.split("\n").filter((l) => l.startsWith(`📌 ${ref}`)).length;
  return {
    capture,
    outbox,
    events,
    redacted,
    deps,
    report,
    deliverAll,
    standing,
    cardLines,
    sends: () => sends,
    loseNextResponse: () => (loseNextResponse = true),
  };
}

describe("priorities", () => {
  it("queues the match alert to the reporting room first, then the other alerts, then cards, then thread updates and notes", async () => {
    const c = await cell();
    const first = await c.report("ddsp", "AB-123-CD");
    await c.deliverAll();
    await c.capture.write.amend(
      first.id,
      "update",
      { ...first.fields, text: "MARK R1 — suite" },
      first.author,
      Date.now(),
      "$m1",
    );
    const second = await c.report("gir", "AB-123-CD");
    const due = await c.outbox.dueForQueue(Date.now() + 1, 0);
    const kinds = due.map((row) => ({ kind: row.kind, report: row.reportId, room: row.roomKey, priority: row.priority }));
    const alertHere = kinds.filter((k) => k.kind === "match" && k.room === "gir");
    expect(alertHere.map((k) => k.priority)).toEqual([PRIORITY.alertToReporter]);
    // The other service and the coordinator are alerted; dipj, entitled to both, gets a quiet note.
    const others = kinds.filter((k) => k.kind === "match" && k.room !== "gir");
    expect(others.map((k) => [k.room, k.priority]).sort()).toEqual(
      [
        ["ddsp", PRIORITY.alert],
        ["dipj", PRIORITY.update],
        ["ggd", PRIORITY.alert],
      ].sort(),
    );
    expect(kinds.filter((k) => k.kind === "report" && k.report === second.id).every((k) => k.priority === PRIORITY.card)).toBe(
      true,
    );
    expect(kinds.filter((k) => k.kind === "report" && k.report === first.id).every((k) => k.priority === PRIORITY.update)).toBe(
      true,
    );
    // Handed over most urgent first.
    expect(kinds.map((k) => k.priority)).toEqual([...kinds.map((k) => k.priority)].sort((a, b) => a - b));
    expect(kinds[0]).toMatchObject({ kind: "match", room: "gir" });
  });

  it("an update run before its card (any order of jobs) sends the card first, and updates keep version order", async () => {
    const c = await cell();
    const r = await c.report("ddsp", "ZZ-111-ZZ", { level: "restreint", services: ["gir"] });
    await c.capture.write.amend(r.id, "update", { ...r.fields, text: "MARK R1 — v2" }, r.author, Date.now(), "$v2");
    const v2 = (await c.capture.reports.byId(r.id))!;
    await c.capture.write.amend(r.id, "update", { ...v2.fields, text: "MARK R1 — v2 — v3" }, r.author, Date.now(), "$v3");
    const rows = (await c.outbox.dueForQueue(Date.now() + 1, 0)).filter((row) => row.roomKey === "gir");
    for (const row of [...rows].reverse()) await deliver(row.id, c.deps); // newest row first
    const gir = c.standing("gir");
    expect(gir).toHaveLength(1);
    expect(c.cardLines(gir[0]!.body, r.ref)).toBe(1);
  });
});

describe("coalescing under backlog", () => {
  it("sends one message per room listing the cards waiting for it, each report's updates in that message's thread", async () => {
    const c = await cell();
    const reports = [
      await c.report("ddsp", "AA-001-AA"),
      await c.report("ddsp", "AA-002-AA"),
      await c.report("ddsp", "AA-003-AA"),
    ];
    await c.deliverAll();
    const naive = reports.length * 3; // the 3 other service rooms, one card each
    for (const room of ["ggd", "dipj", "gir"]) {
      const messages = c.standing(room);
      expect(messages).toHaveLength(1);
      for (const r of reports) expect(c.cardLines(messages[0]!.body, r.ref)).toBe(1);
      expect(messages[0]!.body).toContain("3 renseignements");
    }
    expect(c.sends()).toBe(3);
    expect(c.sends()).toBeLessThan(naive);

    // Delivering everything again (a restart, jobs re-run) posts nothing.
    await c.deliverAll();
    for (const row of await c.outbox.dueForQueue(Date.now() + 1, 0)) await deliver(row.id, c.deps);
    expect(c.sends()).toBe(3);

    const second = reports[1]!;
    await c.capture.write.amend(
      second.id,
      "update",
      { ...second.fields, text: "MARK R2 — vu hier" },
      second.author,
      Date.now(),
      "$u",
    );
    await c.deliverAll();
    const group = c.standing("gir")[0]!;
    const update = c.standing("gir").find((e) => e.body.includes(`${second.ref} v2`));
    expect(update?.thread).toBe(group.id);
  });

  it("a lone card still leaves alone", async () => {
    const c = await cell();
    const r = await c.report("ddsp", "AA-009-AA");
    await c.deliverAll();
    for (const room of ["ggd", "dipj", "gir"]) {
      const [card] = c.standing(room);
      expect(card?.body.startsWith(`📌 ${r.ref}`)).toBe(true);
    }
  });

  it("withdrawing one report from a grouped message takes it back and re-posts the others, nothing of it left standing", async () => {
    const c = await cell();
    const [a, b, d] = [
      await c.report("ddsp", "BB-001-BB"),
      await c.report("ddsp", "BB-002-BB"),
      await c.report("ddsp", "BB-003-BB"),
    ];
    await c.deliverAll();
    const before = c.standing("gir")[0]!;
    // b narrowed to its own service: gir and dipj lose it.
    await c.capture.write.amend(b.id, "update", { ...b.fields, diffusion: { level: "service" } }, b.author, Date.now(), "$n");
    await c.deliverAll();
    await c.deliverAll(); // the re-posts the take-back owes
    expect(c.redacted.has(before.id)).toBe(true);
    for (const room of ["gir", "dipj"]) {
      const left = c.standing(room).filter((e) => !e.body.startsWith("🚫"));
      expect(left.some((e) => e.body.includes(b.ref) || e.body.includes("MARK R2"))).toBe(false);
      const cards = left.reduce((n, e) => n + c.cardLines(e.body, a.ref) + c.cardLines(e.body, d.ref), 0);
      expect(cards, room).toBe(2); // a and d, once each
    }
    // The coordinator's room still holds all three (the group is untouched there).
    const ggd = c.standing("ggd").find((e) => e.body.includes("3 renseignements"));
    for (const r of [a, b, d]) expect(c.cardLines(ggd?.body ?? "", r.ref)).toBe(1);
    // Later updates of a re-posted report go to its new card's thread.
    await c.capture.write.amend(a.id, "update", { ...a.fields, text: "MARK R1 — suite" }, a.author, Date.now(), "$a2");
    await c.deliverAll();
    const girCard = c.standing("gir").find((e) => c.cardLines(e.body, a.ref) > 0)!;
    const update = c.standing("gir").find((e) => e.body.includes(`${a.ref} v2`));
    expect(update?.thread).toBe(girCard.id);
    // Withdrawing again posts nothing more (take-backs are recorded).
    const sends = c.sends();
    await c.deliverAll();
    expect(c.sends()).toBe(sends);
  });

  it("a grouped message whose response was lost is not posted twice when the job runs again", async () => {
    const c = await cell();
    await c.report("ddsp", "CC-001-CC");
    await c.report("ddsp", "CC-002-CC");
    const rows = await c.outbox.dueForQueue(Date.now() + 1, 0);
    const first = rows.find((r) => r.roomKey === "gir")!;
    c.loseNextResponse();
    await expect(deliver(first.id, c.deps)).rejects.toThrow("socket hang up");
    // Meanwhile a third card arrives for the room; the retried job still sends the planned group.
    await c.report("ddsp", "CC-003-CC");
    await c.deliverAll();
    await c.deliverAll();
    const gir = c.standing("gir");
    const lines = gir.flatMap((e) => e.body.split("\n")).filter((l) => l.startsWith("📌 "));
    expect(lines).toHaveLength(3);
    expect(new Set(lines.map((l) => l.slice(0, 20))).size).toBe(3);
  });
});

describe("match alerts: the services concerned and the coordinator", () => {
  /** Room-level messages (not in a thread) and thread messages of a room. */
  const split = (c: Awaited<ReturnType<typeof cell>>, room: string) => {
    const messages = c.standing(room);
    return { top: messages.filter((e) => !e.thread), threaded: messages.filter((e) => e.thread) };
  };
  const alertsIn = (c: Awaited<ReturnType<typeof cell>>, room: string) =>
    split(c, room).top.filter((e) => e.body.startsWith("🔗"));

  it("alerts both services (blind where not entitled) and the coordinator; another entitled room learns it in its card's thread", async () => {
    const c = await cell();
    // ddsp's report reaches dipj (and the coordinator's ggd) only; gir's report is cross.
    const first = await c.report("ddsp", "AB-123-CD", { level: "restreint", services: ["dipj"] });
    await c.deliverAll();
    const second = await c.report("gir", "AB-123-CD");
    await c.deliverAll();
    for (const room of ["ddsp", "ggd"]) {
      const [alert, ...more] = alertsIn(c, room);
      expect(more, room).toEqual([]);
      expect(alert?.body, room).toContain(first.ref);
      expect(alert?.body, room).toContain(second.ref);
      expect(alert?.body, room).toContain("AB-123-CD");
    }
    // gir is not entitled to ddsp's report: blind, its own report only.
    const [blind, ...moreBlind] = alertsIn(c, "gir");
    expect(moreBlind).toEqual([]);
    expect(blind?.body).toContain(second.ref);
    expect(blind?.body).toContain("un autre service");
    expect(blind?.body).not.toContain(first.ref);
    expect(blind?.body).not.toContain("MARK R1");
    // dipj may see both: no room-level alert, a note in the thread of its card of the new report.
    expect(alertsIn(c, "dipj")).toEqual([]);
    const card = split(c, "dipj").top.find((e) => c.cardLines(e.body, second.ref) === 1);
    const notes = split(c, "dipj").threaded.filter((e) => e.body.startsWith("🔗"));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.thread).toBe(card?.id);
    expect(notes[0]?.body).toContain(first.ref);
    expect(notes[0]?.body).toContain(second.ref);
    // The coordination and triage rooms get no push.
    for (const room of ["coordination", "triage"]) expect(c.standing(room)).toEqual([]);
    // Everything delivered again (a restart): nothing more.
    const sends = c.sends();
    for (const row of await c.outbox.dueForQueue(Date.now() + 1, 0)) await deliver(row.id, c.deps);
    await c.deliverAll();
    expect(c.sends()).toBe(sends);
  });

  it("a note whose card has not left yet sends the card first, then goes in its thread", async () => {
    const c = await cell();
    const first = await c.report("ddsp", "EF-456-GH");
    await c.deliverAll();
    const second = await c.report("gir", "EF-456-GH");
    const rows = await c.outbox.dueForQueue(Date.now() + 1, 0);
    const note = rows.find((r) => r.kind === "match" && r.roomKey === "dipj")!;
    await deliver(note.id, c.deps); // before the card's own row
    const [card, ...others] = split(c, "dipj").top.filter((e) => c.cardLines(e.body, second.ref) === 1);
    expect(others).toEqual([]);
    const notes = split(c, "dipj").threaded;
    expect(notes.map((n) => n.thread)).toEqual([card?.id]);
    expect(notes[0]?.body).toContain(first.ref);
    await c.deliverAll();
    expect(split(c, "dipj").top.filter((e) => c.cardLines(e.body, second.ref) === 1)).toHaveLength(1);
  });

  it("groups the alerts waiting for one room into one message, each alert on its own lines; nothing twice on a re-run", async () => {
    const c = await cell();
    const olds = [await c.report("ddsp", "GA-001-AA"), await c.report("ddsp", "GA-002-AA"), await c.report("ddsp", "GA-003-AA")];
    await c.deliverAll();
    const sendsBefore = c.sends();
    const news = [await c.report("gir", "GA-001-AA"), await c.report("gir", "GA-002-AA"), await c.report("gir", "GA-003-AA")];
    await c.deliverAll();
    for (const room of ["ggd", "ddsp", "gir"]) {
      const alerts = alertsIn(c, room);
      expect(alerts, room).toHaveLength(1);
      const body = alerts[0]!.body;
      expect(body).toContain("3 rapprochements");
      for (const [i, old] of olds.entries()) {
        const pair = body
          .split("\n")
          .filter((l) => l.includes(`${news[i]!.ref} ↔ ${old.ref}`) || l.includes(`${old.ref} ↔ ${news[i]!.ref}`));
        expect(pair, room).toHaveLength(1);
      }
    }
    // Three alerts to each of three rooms, three notes to dipj, and the new cards (grouped): far fewer calls than alerts.
    expect(c.sends() - sendsBefore).toBeLessThan(9 + 3 + 3);
    const sends = c.sends();
    for (const row of await c.outbox.dueForQueue(Date.now() + 1, 0)) await deliver(row.id, c.deps);
    expect(c.sends()).toBe(sends);
  });

  it("an alert whose response was lost is never sent again, alone or in a group, when more alerts wait for the room", async () => {
    const c = await cell();
    const a = await c.report("ddsp", "LO-001-ST");
    const b = await c.report("ddsp", "LO-002-ST");
    await c.deliverAll();
    const first = await c.report("gir", "LO-001-ST");
    const row = (await c.outbox.dueForQueue(Date.now() + 1, 0)).find((r) => r.kind === "match" && r.roomKey === "ggd")!;
    c.loseNextResponse();
    await expect(deliver(row.id, c.deps)).rejects.toThrow("socket hang up");
    // Another match for ggd arrives before the job is retried.
    const second = await c.report("gir", "LO-002-ST");
    await c.deliverAll();
    await c.deliverAll();
    const alerts = alertsIn(c, "ggd");
    const naming = (ref: string) => alerts.filter((e) => e.body.includes(ref)).length;
    expect(naming(a.ref)).toBe(1);
    expect(naming(first.ref)).toBe(1);
    expect(naming(b.ref)).toBe(1);
    expect(naming(second.ref)).toBe(1);
  });

  it("a message of alerts half-sent (planned, the bot stopped) is sent as planned, once", async () => {
    const c = await cell();
    await c.report("ddsp", "HS-001-ST");
    await c.report("ddsp", "HS-002-ST");
    await c.deliverAll();
    await c.report("gir", "HS-001-ST");
    await c.report("gir", "HS-002-ST");
    const rows = await c.outbox.dueForQueue(Date.now() + 1, 0);
    const ggd = rows.find((r) => r.kind === "match" && r.roomKey === "ggd")!;
    c.loseNextResponse(); // the homeserver has the message; the bot stops before recording it
    await expect(deliver(ggd.id, c.deps)).rejects.toThrow("socket hang up");
    await c.deliverAll();
    const alerts = alertsIn(c, "ggd");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toContain("2 rapprochements");
  });

  it("narrowing one report takes back the message of alerts naming it and re-sends the others", async () => {
    const c = await cell();
    const a = await c.report("ddsp", "NW-001-ST");
    const b = await c.report("ddsp", "NW-002-ST");
    await c.deliverAll();
    const x = await c.report("dipj", "NW-001-ST");
    const y = await c.report("dipj", "NW-002-ST");
    await c.deliverAll();
    const before = alertsIn(c, "gir");
    expect(before).toHaveLength(0); // gir is neither's service: notes only
    const ddspAlerts = alertsIn(c, "dipj");
    expect(ddspAlerts).toHaveLength(1);
    expect(ddspAlerts[0]?.body).toContain("2 rapprochements");
    // a narrowed to ddsp's own service: dipj loses it, and with it the alert naming it.
    await c.capture.write.amend(a.id, "update", { ...a.fields, diffusion: { level: "service" } }, a.author, Date.now(), "$n");
    await c.deliverAll();
    await c.deliverAll();
    expect(c.redacted.has(ddspAlerts[0]!.id)).toBe(true);
    const left = alertsIn(c, "dipj");
    expect(left.some((e) => e.body.includes(a.ref) || e.body.includes("MARK R1"))).toBe(false);
    expect(left.filter((e) => e.body.includes(b.ref) && e.body.includes(y.ref))).toHaveLength(1);
    // dipj's own report x: it is now alone with a match it may not see the other side of.
    expect(left.some((e) => e.body.includes(x.ref))).toBe(false);
    const sends = c.sends();
    await c.deliverAll();
    expect(c.sends()).toBe(sends);
  });
});
