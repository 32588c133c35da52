import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { buildRegistry, type CommandDeps } from "../../src/commands/index.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { createMessageHandler } from "../../src/handlers/message.js";
import { createMetrics } from "../../src/metrics.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { ReceiptStore } from "../../src/store/receipts.js";
import { rawConfig } from "./fixtures/cell.js";

/**
 * The answer to a `!report` fails after the report was stored (the homeserver refused it): the
 * error answer must be visible on its own (not folded into the normal answer's transaction), and
 * must say the report exists, so that nobody types it again.
 */
describe("an answer that fails after the report was stored", () => {
  it("says the report is recorded, with its own transaction ids and ⚠️, and creates nothing twice", async () => {
    const config = loadConfig(rawConfig(["ggd", "ddsp"]), { MATRIX_ACCESS_TOKEN: "x" });
    const directory = new Directory(config);
    const db = await Database.open(":memory:");
    await migrate(db);
    const capture = buildCapture(
      config,
      db,
      directory,
      async () => ({ rooms: 1, pending: false }),
      async () => undefined,
    );
    const registry = buildRegistry();
    const sent: { txn: string; body: string; key?: string }[] = [];
    let refuseReplies = true;
    const handle = createMessageHandler({
      directory,
      registry,
      commandDeps: { catalog: registry, now: () => Date.now(), capture } as unknown as CommandDeps,
      roomById: (roomId) => directory.rooms.find((r) => r.room === roomId),
      receipts: new ReceiptStore(db),
      storage: { noteError: () => false },
      transport: {
        userId: "@bot:t",
        sendImage: async () => "$image",
        sendFile: async () => "$file",
        send: async (_roomId, _type, content, txn) => {
          if (refuseReplies && txn.startsWith("reply:")) throw new Error("M_TOO_LARGE: event too large");
          const relation = content["m.relates_to"] as { key?: string } | undefined;
          sent.push({ txn, body: String(content.body), key: relation?.key });
          return `$${sent.length}`;
        },
      },
      botNames: () => ({ userId: "@bot:t" }),
      log: pino({ level: "silent" }),
      metrics: createMetrics(),
    });
    await handle({
      roomId: "!ddsp",
      eventId: "$cmd",
      type: "m.room.message",
      sender: "@ddsp:t",
      originServerTs: Date.now(),
      content: { msgtype: "m.text", body: "!report type=deal commune=epinal quand=maintenant guetteurs" },
    });
    const report = await capture.reports.bySourceEvent("$cmd");
    expect(report).toBeDefined();
    const answer = sent.find((s) => s.txn === "error:$cmd");
    expect(answer?.body).toContain(`Renseignement enregistré : ${report?.ref}`);
    expect(answer?.body).toContain("Ne le ressaisissez pas");
    expect(sent.find((s) => s.txn === "error-react:$cmd")?.key).toBe("⚠️");
    expect(sent.some((s) => s.txn.startsWith("reply:") || s.txn.startsWith("react:"))).toBe(false);

    // The same event again (a re-delivered batch): no second report, no second answer.
    refuseReplies = false;
    await handle({
      roomId: "!ddsp",
      eventId: "$cmd",
      type: "m.room.message",
      sender: "@ddsp:t",
      originServerTs: Date.now(),
      content: { msgtype: "m.text", body: "!report type=deal commune=epinal quand=maintenant guetteurs" },
    });
    expect((await db.get<{ n: number }>("SELECT count(*) AS n FROM reports"))?.n).toBe(1);
    await db.close();
  });
});
