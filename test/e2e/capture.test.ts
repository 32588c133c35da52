import { textOf } from "../../src/matrix/content.js";
import { setTimeout as sleep } from "node:timers/promises";
import sqlite3 from "sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answersTo,
  ask,
  type BotProcess,
  type Cross,
  createCross,
  isThreadAnswerTo,
  reactionKey,
  isReactionTo,
  referenceIn,
  sendInThread,
} from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;

beforeAll(async () => {
  cross = await createCross({ config: { capture: { dialogue_timeout_minutes: 0.1 } } });
  bot = await cross.startBot();
});

afterAll(async () => {
  await bot?.stop();
});

const LINE =
  '!report type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 plaque=ab123cd tel=06.12.34.56.78 3 guetteurs devant le bâtiment C';

async function threadReply(roomKey: string, userKey: string, root: string, content: Record<string, unknown>) {
  const roomId = cross.rooms[roomKey] ?? "";
  const user = cross.user(userKey);
  const eventId = await sendInThread(user, roomId, root, content);
  const answer = await user.waitForEvent(roomId, isThreadAnswerTo(eventId, cross.botUserId));
  return { eventId, body: textOf(answer.content.body), answer };
}

describe("one-line report", () => {
  it("is stored and confirmed in the thread with what was understood", async () => {
    const { body, user, roomId, eventId } = await ask(cross, "ddsp", "ddsp", LINE);
    expect(body).toMatch(/Renseignement enregistré : 88-2026-\d{4}/);
    expect(body).toContain("Épinal (88160)");
    expect(body).toContain("rue de la Gare");
    expect(body).toMatch(/Observé : \p{L}+ \d+(?:er)? \p{L}+ \d{4} à 22:00/u);
    expect(body).toContain("B2 (source habituellement fiable");
    expect(body).toContain("AB-123-CD");
    expect(body).toContain("+33 6 12 34 56 78");
    expect(body).toContain("3 guetteurs devant le bâtiment C");
    const reaction = await user.waitForEvent(roomId, isReactionTo(eventId, cross.botUserId));
    expect(reactionKey(reaction)).toBe("✅");
  });

  it("explains each wrong field in French, keeps the text, and stores nothing", async () => {
    const { body, user, roomId, eventId } = await ask(
      cross,
      "gir",
      "gir",
      "!report type=dael commune=paris quand=demain cotation=Z9",
    );
    expect(body).toContain("Renseignement non enregistré");
    expect(body).toContain("Commune inconnue");
    expect(body).toContain("cotation=B2");
    expect(body).toContain("Votre saisie, conservée : type=dael commune=paris quand=demain cotation=Z9");
    expect(body).not.toMatch(/88-2026-\d{4}/);
    expect(reactionKey(await user.waitForEvent(roomId, isReactionTo(eventId, cross.botUserId)))).toBe("❌");
  });

  it("completes a refused report from answers in its thread", async () => {
    const { eventId } = await ask(cross, "gir", "gir", "!report type=stockage commune=remiremon quand=xyz");
    const reply = await threadReply("gir", "gir", eventId, { msgtype: "m.text", body: "hier 23h" });
    expect(reply.body).toMatch(/Renseignement enregistré : 88-2026-\d{4}/);
    expect(reply.body).toContain("Remiremont");
  });
});

describe("guided report", () => {
  it("asks step by step in a thread and stores the report", async () => {
    const { eventId, body } = await ask(cross, "douane", "douane", "!report");
    expect(body).toContain("Quel type de fait");
    const answers: [string, RegExp][] = [
      ["2", /Dans quelle commune/],
      ["gerardmer", /Où précisément/],
      ["passer", /Quand/],
      ["cette nuit", /Cotation/],
      ["C3", /Diffusion/],
      ["1", /Véhicules, téléphones/],
      ["plaque=1234 ab 88", /texte libre/],
      ["Go-fast repéré sur la RN 57", /Renseignement enregistré : 88-2026-\d{4}/],
    ];
    let last = "";
    for (const [text, expected] of answers) {
      last = (await threadReply("douane", "douane", eventId, { msgtype: "m.text", body: text })).body;
      expect(last).toMatch(expected);
    }
    expect(last).toContain("Livraison / go-fast");
    expect(last).toContain("Gérardmer (88196)");
    expect(last).toContain("1234 AB 88");
    expect(last).toContain("C3");
  });

  it("survives a bot restart and expires with a message when abandoned", async () => {
    const { eventId } = await ask(cross, "pfaf", "pfaf", "!report");
    await bot!.stop();
    bot = await cross.startBot();
    const next = await threadReply("pfaf", "pfaf", eventId, { msgtype: "m.text", body: "3" });
    expect(next.body).toContain("Dans quelle commune");
    // The test configuration closes a dialogue after 6 s without an answer.
    const user = cross.user("pfaf");
    const roomId = cross.rooms.pfaf ?? "";
    const expired = await user.waitForEvent(
      roomId,
      (e) => e.sender === cross.botUserId && textOf(e.content.body).includes("Mode guidé fermé"),
      30_000,
    );
    expect((expired.content["m.relates_to"] as { event_id?: string }).event_id).toBe(eventId);
    // No dialogue any more: an answer in that thread gets nothing from the bot.
    const late = await sendInThread(user, roomId, eventId, { msgtype: "m.text", body: "epinal" });
    await sleep(3000);
    expect((await user.roomEvents(roomId, 50)).filter(isThreadAnswerTo(late, cross.botUserId))).toHaveLength(0);
  });
});

describe("after the report", () => {
  it("attaches a photo and a location replied in the thread, amends on edit, updates, shows, cancels", async () => {
    const { eventId, body, user, roomId } = await ask(cross, "sr", "sr", LINE.replace("commune=epinal", "commune=vittel"));
    const ref = referenceIn(body);

    const mxc = await uploadPng(user.homeserver, user.accessToken);
    const photo = await threadReply("sr", "sr", eventId, {
      msgtype: "m.image",
      body: "photo.png",
      url: mxc,
      info: { mimetype: "image/png" },
    });
    expect(photo.body).toContain(`Photo ajouté(e) à ${ref} (version 2)`);
    const place = await threadReply("sr", "sr", eventId, {
      msgtype: "m.location",
      body: "Position",
      geo_uri: "geo:48.2019,5.9432;u=15",
    });
    expect(place.body).toContain("version 3");
    const complement = await threadReply("sr", "sr", eventId, {
      msgtype: "m.text",
      body: "Le véhicule repart vers Contrexéville, 2e plaque CD-456-EF",
    });
    expect(complement.body).toContain("Complément ajouté(e)");

    // An edit by someone else is ignored; the author's edit amends the report.
    const editContent = (text: string) => ({
      msgtype: "m.text",
      body: `* ${text}`,
      "m.new_content": { msgtype: "m.text", body: text },
      "m.relates_to": { rel_type: "m.replace", event_id: eventId },
    });
    const fixed = LINE.replace("commune=epinal", "commune=golbey");
    await cross.user("ggd").sendEvent(roomId, "m.room.message", editContent(fixed.replace("golbey", "mirecourt")));
    await user.sendEvent(roomId, "m.room.message", editContent(fixed));
    const edited = await user.waitForEvent(
      roomId,
      (e) => e.sender === cross.botUserId && textOf(e.content.body).includes("Renseignement modifié"),
    );
    expect(String(edited.content.body)).toContain("Golbey");
    expect((edited.content["m.relates_to"] as { event_id?: string }).event_id).toBe(eventId);

    const updated = await ask(cross, "sr", "sr", `!maj ${ref} cotation=A1 personnes=4`);
    expect(updated.body).toContain("mis à jour (v6)");
    expect(updated.body).toContain("A1 (source complètement fiable");

    const shown = await ask(cross, "sr", "sr", `!voir ${ref}`);
    expect(shown.body).toContain("Golbey");
    expect(shown.body).not.toContain("Mirecourt");
    expect(shown.body).toContain("📷 photo");
    expect(shown.body).toContain("geo:48.2019,5.9432;u=15");
    expect(shown.body).toMatch(
      /v1 création[\s\S]*v2 pièce jointe[\s\S]*v3 pièce jointe[\s\S]*v4 complément[\s\S]*v5 modification du message[\s\S]*v6 mise à jour/,
    );
    expect(shown.body).toContain("CD-456-EF");

    const refused = await ask(cross, "gir", "gir", `!retirer ${ref} doublon`);
    expect(refused.body).toContain("Seul l'auteur");
    const cancelled = await ask(cross, "sr", "sr", `!retirer ${ref} doublon avec un autre renseignement`);
    expect(cancelled.body).toContain(`Retiré : ${ref}`);
    const after = await ask(cross, "sr", "sr", `!voir ${ref}`);
    expect(after.body).toContain("RETIRÉ");
    expect(after.body).toContain("v7 retrait");
    expect(after.body).toContain("doublon avec un autre renseignement");
  });

  it("does not show a report in a room its diffusion excludes", async () => {
    const { body } = await ask(cross, "ddsp", "ddsp", LINE.replace("cotation=B2", "cotation=B2 diffusion=service"));
    const ref = referenceIn(body);
    const fromGir = await ask(cross, "gir", "gir", `!voir ${ref}`);
    expect(fromGir.body).toContain(`Aucun renseignement ${ref} accessible`);
    expect(fromGir.body).not.toContain("Épinal");
    const fromCoordinator = await ask(cross, "ggd", "ggd", `!voir ${ref}`);
    expect(fromCoordinator.body).toContain("Épinal");
  });
});

describe("the same event delivered twice", () => {
  it("creates one report and posts one confirmation", async () => {
    await bot!.stop();
    const before = await readSyncToken(cross.dataDir);
    bot = await cross.startBot();
    const { eventId, body, user, roomId } = await ask(cross, "pref", "pref", LINE);
    const ref = referenceIn(body);
    await bot.stop();
    // Lose the sync position and the ledger: the event comes again, only the report's key remains.
    await rewind(cross.dataDir, before);
    bot = await cross.startBot();
    const next = await ask(cross, "pref", "pref", LINE);
    // The replayed event created nothing: the new line is the second report of that text, not the third.
    expect(referenceIn(next.body)).not.toBe(ref);
    const found = await ask(cross, "ggd", "ggd", "!cherche service:pref depuis:3j");
    expect(found.body).toContain("🔎 2 renseignements");
    const { answers } = await answersTo(user, roomId, eventId, cross.botUserId);
    expect(answers).toHaveLength(1);
  });
});

async function uploadPng(homeserver: string, token: string): Promise<string> {
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  );
  const response = await fetch(`${homeserver}/_matrix/media/v3/upload?filename=photo.png`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
    body: png,
  });
  return ((await response.json()) as { content_uri: string }).content_uri;
}

function withDb<T>(dataDir: string, work: (db: sqlite3.Database) => Promise<T>): Promise<T> {
  const db = new sqlite3.Database(`${dataDir}/cross.sqlite`);
  return work(db).finally(() => new Promise<void>((resolve) => db.close(() => resolve())));
}

function readSyncToken(dataDir: string): Promise<string> {
  return withDb(
    dataDir,
    (db) =>
      new Promise((resolve, reject) =>
        db.get("SELECT value FROM kv WHERE key = 'sync_token'", (error, row: { value: string } | undefined) =>
          error || !row ? reject(error ?? new Error("no token")) : resolve(row.value),
        ),
      ),
  );
}

function rewind(dataDir: string, token: string): Promise<void> {
  return withDb(
    dataDir,
    (db) =>
      new Promise((resolve, reject) =>
        db.exec(
          `UPDATE kv SET value = '${token.replace(/'/g, "''")}' WHERE key = 'sync_token'; DELETE FROM handled_events;`,
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
  );
}
