import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { buildRegistry, type CommandDeps } from "../../src/commands/index.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { createMessageHandler } from "../../src/handlers/message.js";
import type { InboundEvent } from "../../src/matrix/transport.js";
import { createMetrics } from "../../src/metrics.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { ReceiptStore } from "../../src/store/receipts.js";
import { rawConfig } from "./fixtures/cell.js";
import { MemoryTransport } from "./support/memory-transport.js";

/**
 * Every path that writes a report — `!report`, a completed guided report, an edited line (that
 * creates or amends), `!maj`, `!retirer`, a complement in the thread, a deleted message — goes
 * through the one report service, which announces each new version exactly once.
 */
async function cell() {
  const config = loadConfig(rawConfig(["cross", "ddsp", "ggd"]), { MATRIX_ACCESS_TOKEN: "x" });
  const directory = new Directory(config);
  const db = await Database.open(":memory:");
  await migrate(db);
  const announced: string[] = [];
  const capture = buildCapture(
    config,
    db,
    directory,
    async (reportId, version) => {
      announced.push(`${reportId}v${version}`);
      return { rooms: 2, pending: false };
    },
    async () => undefined,
  );
  const registry = buildRegistry();
  const transport = new MemoryTransport();
  const handle = createMessageHandler({
    directory,
    registry,
    commandDeps: { catalog: registry, now: () => Date.now(), capture } as unknown as CommandDeps,
    roomById: (roomId) => directory.rooms.find((r) => r.room === roomId),
    receipts: new ReceiptStore(db),
    storage: { noteError: () => false },
    transport,
    botNames: () => ({ userId: "@bot:t" }),
    log: pino({ level: "silent" }),
    metrics: createMetrics(),
  });
  let clock = Date.now() - 60_000;
  const event = (eventId: string, content: Record<string, unknown>, extra: Partial<InboundEvent> = {}): InboundEvent => ({
    roomId: "!ddsp",
    eventId,
    type: "m.room.message",
    sender: "@ddsp:t",
    originServerTs: (clock += 1000),
    content,
    ...extra,
  });
  const text = (eventId: string, body: string, relation?: Record<string, unknown>) =>
    handle(event(eventId, { msgtype: "m.text", body, ...(relation ? { "m.relates_to": relation } : {}) }));
  const inThread = (root: string) => ({
    rel_type: "m.thread",
    event_id: root,
    is_falling_back: true,
    "m.in_reply_to": { event_id: root },
  });
  const edit = (eventId: string, original: string, body: string) =>
    handle(
      event(eventId, {
        msgtype: "m.text",
        body: `* ${body}`,
        "m.new_content": { msgtype: "m.text", body },
        "m.relates_to": { rel_type: "m.replace", event_id: original },
      }),
    );
  const redact = (eventId: string, target: string) => handle(event(eventId, {}, { type: "m.room.redaction", redacts: target }));
  const answers = () => transport.posted.filter((p) => p.txnKey.startsWith("reply:")).map((p) => String(p.content.body));
  const version = async (sourceEventId: string) => {
    const report = await capture.reports.bySourceEvent(sourceEventId);
    if (!report) throw new Error(`no report for ${sourceEventId}`);
    return report;
  };
  return { text, inThread, edit, redact, answers, version, announced, db };
}

const LINE = "!report type=deal commune=epinal quand=maintenant guetteurs AB-123-CD";

describe("the report service: one write path, one announcement per version", () => {
  it("announces !report, its edit, a complement, !maj, then !retirer — once each", async () => {
    const c = await cell();
    await c.text("$r1", LINE);
    const r = await c.version("$r1");
    expect(c.announced).toEqual([`${r.id}v1`]);
    expect(c.answers().at(-1)).toContain("📤 Diffusion vers 2 salons");

    await c.edit("$e1", "$r1", `${LINE} scooter rouge`);
    expect((await c.version("$r1")).version).toBe(2);
    await c.text("$c1", "deux guetteurs de plus vers 23h", c.inThread("$r1"));
    expect((await c.version("$r1")).version).toBe(3);
    await c.text("$m1", `!maj ${r.ref} commune=golbey`);
    expect((await c.version("$r1")).version).toBe(4);
    await c.text("$x1", `!retirer ${r.ref} doublon`);
    expect((await c.version("$r1")).status).toBe("cancelled");
    expect(c.announced).toEqual([1, 2, 3, 4, 5].map((v) => `${r.id}v${v}`));
    await c.db.close();
  });

  it("announces a report created by editing a refused !report, and says where it goes", async () => {
    const c = await cell();
    await c.text("$g1", "!report type=deal guetteurs");
    expect(c.announced).toEqual([]);
    await c.edit("$g2", "$g1", LINE);
    const r = await c.version("$g1");
    expect(c.announced).toEqual([`${r.id}v1`]);
    expect(c.answers().at(-1)).toContain(r.ref);
    expect(c.answers().at(-1)).toContain("📤 Diffusion vers 2 salons");
    await c.db.close();
  });

  it("announces a guided report when its last answer completes it", async () => {
    const c = await cell();
    await c.text("$d1", "!report type=deal commune=epinal guetteurs");
    expect(c.announced).toEqual([]);
    await c.text("$d2", "maintenant", c.inThread("$d1"));
    const r = await c.version("$d1");
    expect(c.announced).toEqual([`${r.id}v1`]);
    expect(c.answers().at(-1)).toContain("📤 Diffusion vers 2 salons");
    await c.db.close();
  });

  it("announces the withdrawal of a report whose message was deleted, and a re-delivered event adds no version", async () => {
    const c = await cell();
    await c.text("$r1", LINE);
    await c.text("$r1", LINE);
    await c.redact("$del", "$r1");
    await c.redact("$del", "$r1");
    const r = await c.version("$r1");
    expect(r.status).toBe("cancelled");
    expect(c.announced).toEqual([`${r.id}v1`, `${r.id}v2`]);
    await c.db.close();
  });
});
