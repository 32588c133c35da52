import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { registerUser } from "../../scripts/stack/admin.js";
import { MatrixUser } from "../../tools/matrix-user.js";
import { BotSdkTransport } from "../../src/matrix/bot-sdk-transport.js";
import type { InboundEvent } from "../../src/matrix/transport.js";
import { createMetrics } from "../../src/metrics.js";
import type { PendingDecryptionStore } from "../../src/store/pending-decryption.js";
import { readStack } from "./harness.js";

/**
 * The transport on a real Synapse: the rooms of one sync batch are handled side by side, each
 * room's events in order. Two officers writing in two rooms at once: each room's handler waits
 * until it has seen the other room's message; handled one room after the other, the first would
 * wait in vain.
 */
const stack = readStack();
let bot: { user_id: string; access_token: string };
let officer: MatrixUser;
const rooms: string[] = [];
// The sync position, kept between two transports as the store keeps it between two runs of the bot.
let position: { token: string; savedAt: number } | null = null;
const receipts = {
  syncPosition: async () => position,
  saveSyncToken: async (token: string) => {
    position = { token, savedAt: Date.now() };
  },
};

const transport = () =>
  new BotSdkTransport({
    homeserverUrl: stack.homeserver,
    accessToken: bot.access_token,
    userId: bot.user_id,
    receipts,
    pending: {} as PendingDecryptionStore, // read only with encryption
    encryption: null,
    keyRecipients: (members) => members,
    log: pino({ level: "silent" }),
    metrics: createMetrics(),
    syncTimeoutMs: 1000,
  });

beforeAll(async () => {
  const suffix = randomBytes(4).toString("hex");
  const registered = await registerUser(
    stack.homeserver,
    stack.admin.registration_shared_secret,
    `transport-${suffix}`,
    randomBytes(12).toString("hex"),
    false,
  );
  bot = registered;
  const first = stack.users.find((u) => u.role === "officer")!;
  officer = new MatrixUser(stack.homeserver, first.user_id, first.access_token);
  const botUser = new MatrixUser(stack.homeserver, bot.user_id, bot.access_token);
  for (const name of ["a", "b"]) {
    const roomId = await officer.createRoom({
      preset: "private_chat",
      name: `transport ${suffix} ${name}`,
      invite: [bot.user_id],
    });
    await botUser.join(roomId);
    rooms.push(roomId);
  }
});

describe("transport", () => {
  it("handles the rooms of a batch side by side, each room's events in order", async () => {
    // A first run, to hold a sync position: the messages below then come in one batch at start.
    const warmUp = transport();
    const synced = new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (position) {
          clearInterval(wait);
          resolve();
        }
      }, 50);
    });
    await warmUp.start({ onEvent: async () => undefined, onInvite: async () => undefined });
    await synced;
    await warmUp.close();

    const [a, b] = rooms as [string, string];
    await officer.sendText(a, "a1");
    await officer.sendText(a, "a2");
    await officer.sendText(b, "b1");

    const handled: string[] = [];
    const seen = new Map<string, () => void>();
    const sighting = (body: string) => new Promise<void>((resolve) => seen.set(body, resolve));
    const waits = { a1: sighting("b1"), b1: sighting("a1") } as Record<string, Promise<void>>;
    const bodyOf = (event: InboundEvent) => (typeof event.content.body === "string" ? event.content.body : "");
    let allHandled!: () => void;
    const done = new Promise<void>((resolve) => (allHandled = resolve));
    const second = transport();
    await second.start({
      onInvite: async () => undefined,
      onEvent: async (event) => {
        const body = bodyOf(event);
        if (!["a1", "a2", "b1"].includes(body)) return;
        seen.get(body)?.();
        // Each of a1 and b1 waits for the other room's message (at most 8 s).
        const other = waits[body];
        const outcome = other
          ? await Promise.race([other.then(() => "met"), new Promise<string>((r) => setTimeout(() => r("alone"), 8000))])
          : "";
        handled.push(outcome ? `${body}:${outcome}` : body);
        if (handled.length === 3) allHandled();
      },
    });
    await done;
    await second.close();
    expect(handled.filter((h) => h.startsWith("a"))).toEqual(["a1:met", "a2"]);
    expect(handled).toContain("b1:met");
  });
});
