import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncryptedUser } from "./encrypted-client.js";
import { ask, type BotProcess, type Cross, createCross, referenceIn } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;
let referent: EncryptedUser;
const REFERENT = "@ref.bailleur:cross.test";

beforeAll(async () => {
  // The referent is also (wrongly) in the coordination room: there, their commands are refused.
  cross = await createCross({ extraMembers: { coordination: ["referent"] } });
  bot = await cross.startBot();
  referent = await cross.encryptedUser("referent");
});

afterAll(async () => {
  referent.stop();
  await bot?.stop();
});

async function api(userKey: string, path: string): Promise<unknown> {
  const token = cross.stack.users.find((u) => u.key === userKey)?.access_token ?? "";
  const response = await fetch(`${cross.stack.homeserver}/_matrix/client/v3${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.json();
}

const bodyOf = (content: Record<string, unknown>) => (typeof content.body === "string" ? content.body : "");

describe("a referent, one matter, one room, for a limited time", () => {
  it("gets a room of their own that sees only the grants, and loses it on expiry, across a restart", async () => {
    const shared = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=hier plaque=RF-101-AA hall du bâtiment C")).body,
    );
    const other = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=hier plaque=rf101aa autre affaire")).body,
    );

    const refused = await ask(cross, "ggd", "ggd", `!referent inviter @outsider:cross.test ${shared} 30j`);
    expect(refused.body).toContain("n'est pas un référent connu");

    const invited = await ask(cross, "ggd", "ggd", `!referent inviter ${REFERENT} ${shared} 3min`);
    expect(invited.body).toContain("affaire-1");
    const dueAt = Date.now() + 3 * 60_000;

    // The referent is invited into a new room; the coordinator too.
    let roomId = "";
    for (let i = 0; i < 100 && !roomId; i++) {
      roomId = referent.client.getRooms().find((r) => r.getMyMembership() === "invite")?.roomId ?? "";
      if (!roomId) await sleep(200);
    }
    expect(roomId).not.toBe("");
    await cross.user("ggd").join(roomId);

    const state = (await api("ggd", `/rooms/${encodeURIComponent(roomId)}/state`)) as {
      type: string;
      state_key: string;
      content: Record<string, unknown>;
    }[];
    const find = (type: string) => state.find((e) => e.type === type && e.state_key === "")?.content ?? {};
    expect(find("m.room.encryption").algorithm).toBe("m.megolm.v1.aes-sha2");
    expect(find("m.room.history_visibility").history_visibility).toBe("joined");
    const power = find("m.room.power_levels") as {
      users: Record<string, number>;
      invite: number;
      kick: number;
      redact: number;
      state_default: number;
    };
    // Only the bot holds power: it created the room (all-powerful creator in v12), nobody else is listed.
    expect(state.find((e) => e.type === "m.room.create")).toMatchObject({ sender: cross.botUserId });
    expect(Object.keys(power.users ?? {}).filter((u) => u !== cross.botUserId)).toEqual([]);
    for (const level of [power.invite, power.kick, power.redact, power.state_default]) expect(level).toBeGreaterThan(0);

    await referent.client.joinRoom(roomId);
    const members = (await api("ggd", `/rooms/${encodeURIComponent(roomId)}/joined_members`)) as {
      joined: Record<string, unknown>;
    };
    expect(Object.keys(members.joined).sort()).toEqual([cross.botUserId, REFERENT, cross.user("ggd").userId].sort());

    // The brief: the shared report's card, readable by the referent (encrypted, sent after they joined).
    const card = await referent.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && bodyOf(e.content).includes(shared),
      30_000,
    );
    expect(card.wasEncrypted).toBe(true);
    expect(bodyOf(card.content)).not.toContain(other);

    // A later update reaches them in the card's thread.
    await ask(cross, "ddsp", "ddsp", `!maj ${shared} cotation=A1`);
    await referent.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && e.eventId !== card.eventId && bodyOf(e.content).includes(shared),
      30_000,
    );

    // !cherche from the referent finds only what is shared.
    const search = await referent.sendText(roomId, "!cherche RF-101-AA");
    const found = await referent.waitFor(
      roomId,
      (e) =>
        e.sender === cross.botUserId && (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === search,
      30_000,
    );
    expect(bodyOf(found.content)).toContain(shared);
    expect(bodyOf(found.content)).not.toContain(other);

    // A report shared later arrives; withdrawn, its card is taken back.
    const sharedLater = await ask(cross, "ggd", "ggd", `!referent partager affaire-1 ${other}`);
    expect(sharedLater.body).toContain("partagé");
    await referent.waitFor(roomId, (e) => e.sender === cross.botUserId && bodyOf(e.content).includes(other), 30_000);
    const withdrawn = await ask(cross, "ggd", "ggd", `!referent retirer affaire-1 ${other}`);
    expect(withdrawn.body).toContain("n'est plus partagé");
    for (let i = 0; i < 100 && referent.events(roomId).some((e) => bodyOf(e.content).includes(other)); i++) await sleep(200);
    expect(referent.events(roomId).some((e) => bodyOf(e.content).includes(other))).toBe(false);
    const listed = await ask(cross, "ggd", "ggd", "!referents");
    expect(listed.body).toContain("affaire-1");
    expect(listed.body).toContain(REFERENT);

    // Elsewhere, the referent's commands are refused.
    const elsewhere = await ask(cross, "referent", "coordination", `!voir ${shared}`);
    expect(elsewhere.body).toContain("que dans le salon de votre affaire");
    expect(elsewhere.body).not.toContain("epinal");

    // The bot is stopped before the due time and restarted after it: the referent is still removed.
    await bot?.stop();
    await sleep(Math.max(0, dueAt - Date.now() + 5_000));
    bot = await cross.startBot();
    const deadline = Date.now() + 5 * 60_000;
    let membership = "join";
    while (Date.now() < deadline && membership === "join") {
      const member = (await api(
        "ggd",
        `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(REFERENT)}`,
      )) as {
        membership?: string;
      };
      membership = member.membership ?? "join";
      if (membership === "join") await sleep(1000);
    }
    expect(membership).toBe("leave");
    expect(Date.now() - dueAt).toBeLessThan(5 * 60_000);

    const listing = await ask(cross, "ggd", "ggd", "!referents");
    expect(listing.body).toContain("Aucune affaire partagée en cours");
  }, 420_000);
});
