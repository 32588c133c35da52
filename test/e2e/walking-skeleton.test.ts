import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPorts } from "../../scripts/stack/processes.js";
import { answersTo, type BotProcess, type Cross, createCross, isAnswerTo, isReactionTo, reactionKey } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;

beforeAll(async () => {
  cross = await createCross({ extraMembers: { ddsp: ["outsider"] } });
  bot = await cross.startBot();
});

afterAll(async () => {
  await bot?.stop();
});

async function command(userKey: string, roomKey: string, body: string) {
  const roomId = cross.rooms[roomKey] ?? "";
  const user = cross.user(userKey);
  const eventId = await user.sendText(roomId, body);
  const answer = await user.waitForEvent(roomId, isAnswerTo(eventId, cross.botUserId));
  const reaction = await user.waitForEvent(roomId, isReactionTo(eventId, cross.botUserId));
  return { roomId, user, eventId, answer, reaction };
}

describe("walking skeleton on the real Synapse", () => {
  it("answers an officer's !aide in a service room in a thread, with ✅", async () => {
    const { answer, reaction } = await command("ddsp", "ddsp", "!aide");
    expect(answer.content.msgtype).toBe("m.notice");
    expect(answer.content.body).toContain("!ping");
    expect(answer.content.formatted_body).toContain("<code>!aide [commande…]</code>");
    expect(answer.content["m.mentions"]).toEqual({});
    expect(reactionKey(reaction)).toBe("✅");
  });

  it.each(["/ping", "//ping", "PING_MENTION"])("recognises %s", async (form) => {
    const localpart = cross.botUserId.slice(1).split(":")[0] ?? "";
    const body = form === "PING_MENTION" ? `${localpart}: ping` : form;
    const { answer } = await command("douane", "douane", body);
    expect(answer.content.body).toContain("Pong");
  });

  it("suggests the right command for a typo, with ❌", async () => {
    const { answer, reaction } = await command("gir", "gir", "!pign");
    expect(answer.content.body).toContain("!ping");
    expect(reactionKey(reaction)).toBe("❌");
  });

  it("refuses an outsider's command politely", async () => {
    const { answer, reaction } = await command("outsider", "ddsp", "!aide");
    expect(answer.content.body).toContain("ne faites pas partie");
    expect(answer.content.body).not.toContain("!ping");
    expect(reactionKey(reaction)).toBe("❌");
  });

  it("declines an invite from a non-coordinator, and from the coordinator to an unknown room", async () => {
    const officer = cross.user("ddsp");
    const coordinator = cross.user("ggd");
    const fromOfficer = await officer.createRoom({ preset: "private_chat", invite: [cross.botUserId] });
    const unknownRoom = await coordinator.createRoom({ preset: "private_chat", invite: [cross.botUserId] });
    const botLeft = (event: { type: string; state_key?: string; content: Record<string, unknown> }) =>
      event.type === "m.room.member" && event.state_key === cross.botUserId && event.content.membership === "leave";
    await officer.waitForEvent(fromOfficer, botLeft);
    await coordinator.waitForEvent(unknownRoom, botLeft);
  });

  it("serves health and metrics", async () => {
    const health = await bot!.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "ok",
      checks: { sync: { ok: true }, redis: { ok: true }, sqlite: { ok: true } },
    });
    expect(await bot!.metrics()).toMatch(/crossbot_commands_total\{command="aide",outcome="ok"\} [1-9]/);
  });
});

describe("restarts", () => {
  it("answers each command exactly once when restarted between two commands", async () => {
    const first = await command("sr", "sr", "!ping");
    expect(await bot!.stop()).toBe(0); // graceful: SIGTERM drains and exits cleanly
    bot = await cross.startBot();
    const second = await command("sr", "sr", "!aide ping");
    for (const { user, roomId, eventId } of [first, second]) {
      const { answers, reactions } = await answersTo(user, roomId, eventId, cross.botUserId);
      expect(answers).toHaveLength(1);
      expect(reactions).toHaveLength(1);
    }
  });

  it("answers once, on its return, a command sent while it was down", async () => {
    await bot!.stop();
    const user = cross.user("pfaf");
    const roomId = cross.rooms.pfaf ?? "";
    const eventId = await user.sendText(roomId, "!ping");
    bot = await cross.startBot();
    await user.waitForEvent(roomId, isAnswerTo(eventId, cross.botUserId));
    const { answers, reactions } = await answersTo(user, roomId, eventId, cross.botUserId);
    expect(answers).toHaveLength(1);
    expect(reactions.map(reactionKey)).toEqual(["✅"]);
  });

  it("answers once a command whose handling was cut short by SIGKILL", async () => {
    const user = cross.user("dipj");
    const roomId = cross.rooms.dipj ?? "";
    const eventId = await user.sendText(roomId, "!aide");
    await bot!.kill();
    bot = await cross.startBot();
    await user.waitForEvent(roomId, isAnswerTo(eventId, cross.botUserId));
    const { answers, reactions } = await answersTo(user, roomId, eventId, cross.botUserId);
    expect(answers).toHaveLength(1);
    expect(reactions).toHaveLength(1);
  });

  it("turns /healthz red, naming Redis, when Redis cannot be reached", async () => {
    await bot!.stop();
    const [closedPort] = await freeLoopbackPorts(1);
    bot = await cross.startBot({ env: { REDIS_URL: `redis://127.0.0.1:${closedPort}` }, waitHealthy: false });
    await expect
      .poll(async () => (await bot!.health().catch(() => null))?.body, { timeout: 20_000 })
      .toMatchObject({ status: "failing", checks: { sync: { ok: true }, redis: { ok: false }, sqlite: { ok: true } } });
    expect((await bot.health()).status).toBe(503);
  });
});
