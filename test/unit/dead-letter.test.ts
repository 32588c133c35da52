import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CommandDeps } from "../../src/commands/index.js";
import { buildRegistry } from "../../src/commands/index.js";
import { Directory } from "../../src/core/directory.js";
import { createMessageHandler, MAX_ATTEMPTS } from "../../src/handlers/message.js";
import { createMetrics } from "../../src/metrics.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { ReceiptStore } from "../../src/store/receipts.js";

const directory = new Directory({
  services: [{ key: "ggd", name: "GGD", role: "coordinator", members: ["@c:t"] }],
  referents: [],
  rooms: [
    { key: "ggd", kind: "service", service: "ggd", room: "!broken" },
    { key: "coordination", kind: "coordination", room: "!ok" },
  ],
});

describe("a message that can never be answered", () => {
  it("is retried a bounded number of times, then set aside while other rooms keep flowing", async () => {
    const db = await Database.open(":memory:");
    await migrate(db);
    const receipts = new ReceiptStore(db);
    const metrics = createMetrics();
    const sent: string[] = [];
    const registry = buildRegistry();
    const handle = createMessageHandler({
      directory,
      registry,
      commandDeps: { catalog: registry, now: () => Date.now() } as unknown as CommandDeps,
      roomById: (roomId) => directory.rooms.find((r) => r.room === roomId),
      receipts,
      storage: { noteError: () => false },
      transport: {
        userId: "@bot:t",
        send: async (roomId) => {
          if (roomId === "!broken") throw new Error("M_FORBIDDEN: the bot may not post here");
          sent.push(roomId);
          return `$${sent.length}`;
        },
        sendFile: async () => "$file",
        sendImage: async (roomId) => {
          sent.push(roomId);
          return `$${sent.length}`;
        },
      },
      botNames: () => ({ userId: "@bot:t" }),
      log: pino({ level: "silent" }),
      metrics,
    });
    const ping = (roomId: string, eventId: string) =>
      handle({
        roomId,
        eventId,
        type: "m.room.message",
        sender: "@c:t",
        originServerTs: Date.now(),
        content: { msgtype: "m.text", body: "!ping" },
      });

    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++)
      await expect(ping("!broken", "$stuck")).rejects.toThrow(/M_FORBIDDEN/);
    await expect(ping("!broken", "$stuck")).resolves.toBeUndefined();
    expect(await receipts.isHandled("$stuck")).toBe(true);
    expect((await metrics.registry.getSingleMetricAsString("crossbot_dead_letters_total")).trim()).toMatch(/ 1$/);

    await ping("!ok", "$fine");
    expect(sent).toContain("!ok");
    await db.close();
  });
});
