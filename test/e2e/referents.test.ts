import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncryptedUser } from "./encrypted-client.js";
import { ask, type BotProcess, botMessages, type Cross, createCross, referenceIn } from "./harness.js";

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

  it("a matter by subject: the referent contributes (coordinator told, nowhere else), a coordinator joining late gets the brief, a stranger freezes the room", async () => {
    const before = new Set(referent.client.getRooms().map((r) => r.roomId));
    const invited = await ask(cross, "ggd", "ggd", `!referent inviter ${REFERENT} "squat du bâtiment C" 30j`);
    expect(invited.body).toContain("Sujet : squat du bâtiment C");
    expect(invited.body).toContain("Rien de partagé pour l'instant");
    const key = /affaire-\d+/.exec(invited.body)?.[0] ?? "";
    let roomId = "";
    for (let i = 0; i < 100 && !roomId; i++) {
      roomId = referent.client.getRooms().find((r) => !before.has(r.roomId) && r.getMyMembership() === "invite")?.roomId ?? "";
      if (!roomId) await sleep(200);
    }
    expect(roomId).not.toBe("");

    // The referent joins first (the coordinator is invited but not in yet): the brief names the subject.
    await referent.client.joinRoom(roomId);
    await referent.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && bodyOf(e.content).includes("squat du bâtiment C"),
      30_000,
    );
    const shared = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=hier bâtiment C, guetteurs")).body,
    );
    expect((await ask(cross, "ggd", "ggd", `!referent partager ${key} ${shared}`)).body).toContain("partagé");
    const card = await referent.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && bodyOf(e.content).includes(`📌 ${shared}`),
      30_000,
    );

    // A plain message from the referent: a new report, confirmed to them in its thread.
    const answerTo = (eventId: string) => (e: { sender: string; content: Record<string, unknown> }) =>
      e.sender === cross.botUserId &&
      (e.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined)?.["m.in_reply_to"]?.event_id ===
        eventId;
    const said = await referent.sendText(roomId, "des allées et venues toute la nuit au bâtiment C à Épinal, une voiture grise");
    const confirmed = await referent.waitFor(roomId, answerTo(said), 30_000);
    expect(bodyOf(confirmed.content)).toContain("transmis(e) au coordinateur");
    const contribution = referenceIn(bodyOf(confirmed.content));

    // Editing it changes nothing (the coordinator grades and corrects it); the referent is told.
    await referent.sendContent(roomId, {
      msgtype: "m.text",
      body: "* diffusion=cross tout le monde doit savoir",
      "m.new_content": { msgtype: "m.text", body: "diffusion=cross tout le monde doit savoir" },
      "m.relates_to": { rel_type: "m.replace", event_id: said },
    });
    await referent.waitFor(roomId, (e) => e.sender === cross.botUserId && bodyOf(e.content).includes("reste inchangée"), 30_000);

    // In the thread of the shared report's card: a complement of that report.
    const replied = await referent.sendContent(roomId, {
      msgtype: "m.text",
      body: "la voiture grise est revenue ce matin",
      "m.relates_to": {
        rel_type: "m.thread",
        event_id: card.eventId,
        is_falling_back: true,
        "m.in_reply_to": { event_id: card.eventId },
      },
    });
    const complemented = await referent.waitFor(roomId, answerTo(replied), 30_000);
    expect(bodyOf(complemented.content)).toContain(`Complément de ${shared}`);
    const complement = referenceIn(bodyOf(complemented.content).replace(shared, ""));

    // `!report …` from the referent is the same contribution; elsewhere it is refused.
    const typed = await referent.sendText(roomId, "!report commune=golbey des jeunes au parking du collège");
    const typedAnswer = bodyOf((await referent.waitFor(roomId, answerTo(typed), 30_000)).content);
    expect(typedAnswer).toContain("transmis(e) au coordinateur");
    const viaCommand = referenceIn(typedAnswer);
    const outside = await ask(cross, "referent", "coordination", "!report commune=golbey des jeunes au parking");
    expect(outside.body).toContain("que dans le salon de votre affaire");

    // The coordinator is told in their room that both wait for grading.
    const ggd = cross.user("ggd");
    for (const ref of [contribution, complement, viaCommand]) {
      const told = await ggd.waitForEvent(
        cross.rooms.ggd ?? "",
        (e) => e.sender === cross.botUserId && String(e.content.body).includes(`📌 ${ref}`),
        30_000,
      );
      expect(String(told.content.body)).toContain("à coter");
      expect(String(told.content.body)).toContain("Contribution : référent");
    }
    expect(
      String(
        (await ggd.waitForEvent(cross.rooms.ggd ?? "", (e) => String(e.content.body).includes(`📌 ${complement}`))).content.body,
      ),
    ).toContain(`complément de ${shared}`);
    // Nobody else: not another service room, not the coordination room (the fan-out had its chance).
    await sleep(3000);
    for (const [user, room] of [
      ["ddsp", "ddsp"],
      ["ddsp", "coordination"],
      ["gir", "gir"],
    ] as const) {
      const seen = (await botMessages(cross.user(user), cross.rooms[room] ?? "", cross.botUserId)).map((e) =>
        String(e.content.body),
      );
      expect(seen.filter((b) => [contribution, complement, viaCommand].some((ref) => b.includes(ref)))).toEqual([]);
    }
    // The referent reads their own contribution.
    const shown = await referent.sendText(roomId, `!voir ${contribution}`);
    expect(bodyOf((await referent.waitFor(roomId, answerTo(shown), 30_000)).content)).toContain("voiture grise");

    // The coordinator joins after the referent: they cannot read what came before, so they get a brief.
    const coordinator = await cross.encryptedUser("ggd");
    try {
      await coordinator.client.joinRoom(roomId);
      const brief = await coordinator.waitFor(
        roomId,
        (e) => e.sender === cross.botUserId && bodyOf(e.content).includes("arrivé(e) après le référent"),
        30_000,
      );
      expect(brief.wasEncrypted).toBe(true);
      for (const ref of [shared, contribution, complement]) expect(bodyOf(brief.content)).toContain(ref);
      expect(bodyOf(brief.content)).toContain("squat du bâtiment C");
    } finally {
      coordinator.stop();
    }

    // A stranger gets in: the join rule is invite-only and only the bot may invite, so the realistic
    // way is a mistake made with the bot's own account (an operator logged into it with Element
    // inviting the wrong person). The room is frozen at once, whoever let them in.
    const stranger = cross.user("outsider");
    await cross.botAccount.invite(roomId, stranger.userId);
    await stranger.join(roomId);
    const alert = await ggd.waitForEvent(
      cross.rooms.ggd ?? "",
      (e) => e.sender === cross.botUserId && String(e.content.body).includes(`Salon « ${key} » gelé`),
      30_000,
    );
    expect(String(alert.content.body)).toContain(stranger.userId);
    // Its cards are taken back.
    for (let i = 0; i < 100 && referent.events(roomId).some((e) => bodyOf(e.content).includes(`📌 ${shared}`)); i++)
      await sleep(200);
    expect(referent.events(roomId).some((e) => bodyOf(e.content).includes(`📌 ${shared}`))).toBe(false);
    expect((await ask(cross, "ggd", "ggd", `!degeler ${key}`)).body).toContain("reste gelé");
    await stranger.leave(roomId);
    await sleep(1500);
    expect((await ask(cross, "ggd", "ggd", `!degeler ${key}`)).body).toContain("dégelé");
  }, 240_000);
});
