import { describe, expect, it } from "vitest";
import { freezeRoom } from "../../src/app/room-freeze.js";
import { buildCapture } from "../../src/app/capture.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { frozenAlert } from "../../src/handlers/safety.js";
import type { NewAuditEntry } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { FrozenRooms } from "../../src/store/frozen-rooms.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { fields, rawConfig } from "./fixtures/cell.js";
import { MemoryTransport } from "./support/memory-transport.js";

class RedactingTransport extends MemoryTransport {
  readonly redacted: { roomId: string; eventId: string; txnKey: string }[] = [];
  redact(roomId: string, eventId: string, _reason: string, txnKey: string): Promise<void> {
    if (!this.redacted.some((r) => r.txnKey === txnKey)) this.redacted.push({ roomId, eventId, txnKey });
    return Promise.resolve();
  }
}

/** The room-freeze procedure: policy closed, everything taken back, journaled, coordinator alerted once. */
describe("freezing a room", () => {
  it("closes the policy to the room, takes back only its messages, journals and alerts the coordinator once", async () => {
    const config = loadConfig(rawConfig(["cross", "ddsp", "ggd"]), { MATRIX_ACCESS_TOKEN: "x" });
    const directory = new Directory(config);
    const db = await Database.open(":memory:");
    await migrate(db);
    const frozen = await FrozenRooms.load(db);
    const journal: NewAuditEntry[] = [];
    const capture = buildCapture(
      config,
      db,
      directory,
      async () => ({ rooms: 0, pending: false }),
      async (entry) => void journal.push(entry),
      (key) => frozen.has(key),
    );
    const outbox = new OutboxStore(db);
    const { report } = await capture.write.create({
      sourceEventId: "$src",
      roomId: "!ddsp",
      roomKey: "ddsp",
      service: "ddsp",
      author: "@ddsp:t",
      fields: fields("AB-123-CD", { level: "cross" }, "one"),
      at: Date.now(),
    });
    await outbox.saveCard(report.id, "ggd", { eventId: "$card-ggd", version: 1, withdrawn: false });
    await outbox.recordSent("ggd", "$card-ggd", "card", [report.id], 1);
    await outbox.recordSent("ggd", "$update-ggd", "update", [report.id], 2);
    await outbox.recordSent("cross", "$card-cross", "card", [report.id], 3);
    const classified = { service: report.service, diffusion: report.fields.diffusion, ref: report.ref };
    expect(capture.roomMaySee(classified, "ggd")).toBe(true);

    const transport = new RedactingTransport();
    const roomIds = new Map(config.rooms.map((r) => [r.key, r.room]));
    const deps = {
      frozen,
      outbox,
      transport,
      journal: async (entry: NewAuditEntry) => void journal.push(entry),
      roomIdOf: (key: string) => roomIds.get(key),
      coordinatorRoomKey: directory.coordinatorRoom?.key,
      alert: frozenAlert,
    };
    expect(await freezeRoom(deps, "ggd", "salon rendu public", 1000)).toBe(true);

    expect(capture.roomMaySee(classified, "ggd")).toBe(false);
    expect(capture.roomMaySee(classified, "cross")).toBe(true);
    expect(transport.redacted.map((r) => [r.roomId, r.eventId])).toEqual([
      ["!ggd", "$card-ggd"],
      ["!ggd", "$update-ggd"],
    ]);
    expect((await outbox.card(report.id, "ggd"))?.withdrawn).toBe(true);
    expect(await outbox.card(report.id, "cross")).toBeUndefined();
    const alerts = transport.posted.filter((p) => p.roomId === "!cross");
    expect(alerts).toHaveLength(1);
    expect(String(alerts[0]?.content.body)).toContain("Salon « ggd » gelé");
    expect(String(alerts[0]?.content.formatted_body)).toContain("!degeler ggd");
    expect(journal.filter((e) => e.detail === "salon gelé : salon rendu public")).toHaveLength(1);

    // The cause repeats (another state event): nothing more is sent, redacted or journaled.
    expect(await freezeRoom(deps, "ggd", "salon rendu public", 2000)).toBe(false);
    expect(transport.redacted).toHaveLength(2);
    expect(transport.posted.filter((p) => p.roomId === "!cross")).toHaveLength(1);
    expect(journal.filter((e) => e.detail?.startsWith("salon gelé"))).toHaveLength(1);
    // After a restart the room is still frozen.
    expect((await FrozenRooms.load(db)).has("ggd")).toBe(true);
    await db.close();
  });

  it("alerts nobody in the room itself when the coordinator's own room is frozen", async () => {
    const db = await Database.open(":memory:");
    await migrate(db);
    const transport = new RedactingTransport();
    const frozen = await FrozenRooms.load(db);
    await freezeRoom(
      {
        frozen,
        outbox: new OutboxStore(db),
        transport,
        journal: async () => undefined,
        roomIdOf: (key) => `!${key}`,
        coordinatorRoomKey: "cross",
        alert: frozenAlert,
      },
      "cross",
      "un inconnu est entré",
      1,
    );
    expect(frozen.has("cross")).toBe(true);
    expect(transport.posted).toEqual([]);
    await db.close();
  });
});
