import { textOf } from "../../src/matrix/content.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncryptedUser, SeenEvent } from "./encrypted-client.js";
import { type BotProcess, type Cross, createCross, isAnswerTo } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;
let officer: EncryptedUser;
let intruder: EncryptedUser;

beforeAll(async () => {
  // The DDSP room is encrypted, as Tchap's private rooms are; an outsider has got into it.
  cross = await createCross({ encrypted: ["ddsp", "coordination"], extraMembers: { ddsp: ["outsider"] } });
  bot = await cross.startBot();
  officer = await cross.encryptedUser("ddsp");
  intruder = await cross.encryptedUser("outsider");
});

afterAll(async () => {
  officer?.stop();
  intruder?.stop();
  await bot?.stop();
});

const threadRoot = (event: SeenEvent) => (event.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id;

async function encryptedCommand(body: string) {
  const roomId = cross.rooms.ddsp ?? "";
  const commandId = await officer.sendText(roomId, body);
  const answer = await officer.waitFor(
    roomId,
    (e) => e.sender === cross.botUserId && e.type === "m.room.message" && threadRoot(e) === commandId,
  );
  return { roomId, commandId, answer };
}

describe("end-to-end encrypted rooms", () => {
  it("answers an encrypted !aide with an encrypted reply the officer's client decrypts", async () => {
    const { roomId, commandId, answer } = await encryptedCommand("!aide");
    expect(answer.wasEncrypted).toBe(true);
    expect(answer.decryptionFailed).toBe(false);
    expect(answer.content.body).toContain("!ping");
    expect(answer.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: commandId });
    const reaction = await officer.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && e.type === "m.reaction" && threadRoot(e) === commandId,
    );
    expect(reaction.wasEncrypted).toBe(true);
    expect((reaction.content["m.relates_to"] as { key?: string }).key).toBe("✅");

    // Seen from the server: nothing the bot sent into this room is in clear.
    const raw = await cross.user("ddsp").roomEvents(roomId, 50);
    const fromBot = raw.filter((e) => e.sender === cross.botUserId && e.type !== "m.room.member");
    expect(fromBot.length).toBeGreaterThanOrEqual(2);
    expect(fromBot.every((e) => e.type === "m.room.encrypted")).toBe(true);
  });

  it("gives no room key to the device of someone who is not a configured member", async () => {
    const { roomId, answer } = await encryptedCommand("!ping");
    const seenByIntruder = await intruder.waitFor(roomId, (e) => e.eventId === answer.eventId);
    // Give any key that might be on its way time to arrive, then look again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const again = intruder.events(roomId).find((e) => e.eventId === answer.eventId);
    expect(seenByIntruder.wasEncrypted).toBe(true);
    expect(again?.decryptionFailed).toBe(true);
    expect(textOf(again?.content.body)).not.toContain("Pong");
    // Meanwhile the officer, a configured member, reads it.
    expect(answer.content.body).toContain("Pong");
  });

  it("works side by side with a clear room", async () => {
    const roomId = cross.rooms.douane ?? "";
    const user = cross.user("douane");
    const commandId = await user.sendText(roomId, "!ping");
    const answer = await user.waitForEvent(roomId, isAnswerTo(commandId, cross.botUserId));
    expect(answer.type).toBe("m.room.message");
    expect(answer.content.body).toContain("Pong");
  });

  it("still decrypts after a restart, with the same device", async () => {
    const devicesBefore = await botDevices();
    await bot!.stop();
    bot = await cross.startBot();
    const { answer } = await encryptedCommand("!aide ping");
    expect(answer.decryptionFailed).toBe(false);
    expect(answer.content.body).toContain("!ping");
    expect(await botDevices()).toEqual(devicesBefore);
    expect(devicesBefore).toHaveLength(1);
  });
});

describe("an event the bot cannot decrypt", () => {
  it("is counted and kept for a retry, not silently dropped", async () => {
    const before = metricValue(await bot!.metrics(), "crossbot_undecryptable_events_total");
    // Ciphertext for a Megolm session the bot never received a key for.
    await cross.user("ddsp").sendEvent(cross.rooms.ddsp ?? "", "m.room.encrypted", {
      algorithm: "m.megolm.v1.aes-sha2",
      sender_key: "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28",
      session_id: "bm8gc3VjaCBzZXNzaW9uIG5vIHN1Y2ggc2Vzc2lvbiBubw",
      device_id: "NOSUCHDEV",
      ciphertext: "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg",
    });
    await expect
      .poll(async () => metricValue(await bot!.metrics(), "crossbot_undecryptable_events_total"), { timeout: 15_000 })
      .toBe(before + 1);
    expect(metricValue(await bot!.metrics(), "crossbot_undecryptable_pending")).toBeGreaterThanOrEqual(1);
    // Still kept after a restart.
    await bot!.stop();
    bot = await cross.startBot();
    expect(metricValue(await bot.metrics(), "crossbot_undecryptable_pending")).toBeGreaterThanOrEqual(1);
  });
});

function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

async function botDevices(): Promise<string[]> {
  const keys = (await cross.user("ddsp").request("POST", "/keys/query", { device_keys: { [cross.botUserId]: [] } })) as {
    device_keys?: Record<string, Record<string, unknown>>;
  };
  return Object.keys(keys.device_keys?.[cross.botUserId] ?? {});
}
