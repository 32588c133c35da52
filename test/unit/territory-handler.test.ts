import { PNG } from "pngjs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRegistry, type CommandDeps } from "../../src/commands/index.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { createMessageHandler } from "../../src/handlers/message.js";
import { createMetrics } from "../../src/metrics.js";
import { ReceiptStore } from "../../src/store/receipts.js";
import { MemoryTransport } from "./support/memory-transport.js";
import { territoryFixture } from "./support/territory-fixture.js";

const NOW = Date.parse("2026-12-01T11:00:00Z");
let fixture: Awaited<ReturnType<typeof territoryFixture>>;
beforeAll(async () => {
  fixture = await territoryFixture(["ggd", "gir"], [{ service: "gir", commune: "88160", observedAt: NOW - 86_400_000 }]);
});
afterAll(async () => fixture.db.close());

function handler(transport: MemoryTransport) {
  const registry = buildRegistry();
  return createMessageHandler({
    directory: fixture.directory,
    registry,
    commandDeps: {
      catalog: registry,
      now: () => NOW,
      capture: fixture.capture,
      territory: fixture.territory,
      territoryContext: { timeZone: "Europe/Paris", types: DEFAULT_FACT_TYPES },
    } as unknown as CommandDeps,
    roomById: (roomId) => fixture.directory.rooms.find((r) => r.room === roomId),
    receipts: new ReceiptStore(fixture.db),
    storage: { noteError: () => false },
    transport,
    botNames: () => ({ userId: "@bot:t" }),
    log: pino({ level: "silent" }),
    metrics: createMetrics(),
  });
}

const command = (eventId: string, body: string, content: Record<string, unknown> = {}) => ({
  roomId: "!gir",
  eventId,
  type: "m.room.message",
  sender: "@gir:t",
  originServerTs: NOW,
  content: { msgtype: "m.text", body, ...content },
});

describe("!carte through the message handler", () => {
  it("posts the text companion, ✅, then the map as an image in the command's thread — once", async () => {
    const transport = new MemoryTransport();
    const handle = handler(transport);
    await handle(command("$map", "!map 30j"));
    await handle(command("$map", "!map 30j")); // re-delivered: nothing new
    expect(transport.posted.map((p) => p.kind)).toEqual(["event", "event", "image"]);
    const [text, reaction, image] = transport.posted;
    expect(String(text?.content.body)).toContain("Ce salon voit 1 renseignement sur la période");
    expect(reaction?.type).toBe("m.reaction");
    expect(image?.roomId).toBe("!gir");
    expect(image?.txnKey).toBe("image:$map:1");
    expect(image?.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: "$map" });
    expect(image?.content.info).toMatchObject({ mimetype: "image/png", w: 1280, h: 860 });
    const png = PNG.sync.read(image!.image!.bytes);
    expect([png.width, png.height]).toEqual([1280, 860]);
  });

  it("typed in a thread, the image stays in that thread", async () => {
    const transport = new MemoryTransport();
    await handler(transport)(command("$inthread", "!tendances", { "m.relates_to": { rel_type: "m.thread", event_id: "$root" } }));
    const image = transport.posted.find((p) => p.kind === "image");
    expect(image?.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: "$root" });
  });

  it("bad options: a French answer, ❌, and no image", async () => {
    const transport = new MemoryTransport();
    await handler(transport)(command("$bad", "!carte banane"));
    expect(transport.posted.some((p) => p.kind === "image")).toBe(false);
    expect(String(transport.posted[0]?.content.body)).toContain("Je n'ai pas compris !carte");
    expect((transport.posted[1]?.content["m.relates_to"] as { key?: string }).key).toBe("❌");
  });
});
