import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { loadConfig, parseConfigText } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import { textOf } from "../../src/matrix/content.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import {
  answersTo,
  ask,
  type BotProcess,
  botMessages,
  type Cross,
  createCross,
  reactionKey,
  referenceIn,
  sendInThread,
} from "./harness.js";

/** Regression tests for the leaks and failures found by probing the running bot as a hostile user would. */
let bot: BotProcess | null = null;

afterEach(async () => {
  await bot?.stop();
  bot = null;
});

/** The bot's messages still readable in a room (redacted ones have no body any more) that mention `text`. */
async function standing(cross: Cross, roomKey: string, text: string): Promise<string[]> {
  const messages = await botMessages(cross.user("ggd"), cross.rooms[roomKey] ?? "", cross.botUserId);
  return messages.map((e) => textOf(e.content.body)).filter((body) => body.includes(text));
}

describe("the policy on every line", () => {
  it("!audit in the coordination room prints no line naming a report the room may not see", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const hidden = referenceIn(
      (
        await ask(
          cross,
          "ddsp",
          "ddsp",
          "!report type=stockage commune=golbey quand=maintenant diffusion=service plaque=QQ-111-QQ",
        )
      ).body,
    );
    const open = referenceIn(
      (await ask(cross, "pfaf", "pfaf", "!report type=livraison commune=thaon quand=maintenant plaque=qq111qq go-fast")).body,
    );
    // Let the match alerts go out (they are journaled with both references).
    await expect.poll(async () => (await standing(cross, "ggd", "Rapprochement")).length, { timeout: 20_000 }).toBe(1);
    const inCoordination = await ask(cross, "ggd", "coordination", `!audit ${open}`);
    expect(inCoordination.body).toContain(`Journal de ${open}`);
    expect(inCoordination.body).not.toContain(hidden);
    // The coordinator's own room sees everything, the match included.
    const inGgd = await ask(cross, "ggd", "ggd", `!audit ${open}`);
    expect(inGgd.body).toContain(hidden);
  });

  it("narrowing a report takes back its card, the updates in the card's thread and the match alerts naming it", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const ref = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant plaque=NN-222-NN MARQUE-NARROW")).body,
    );
    await ask(cross, "douane", "douane", "!report type=livraison commune=thaon quand=maintenant plaque=nn222nn go-fast");
    const complement = await ask(cross, "ddsp", "ddsp", `!maj ${ref} complément très sensible`);
    expect(complement.body).toContain("mis à jour");
    // gir holds the card, its update and the match alert; all mention the reference.
    await expect.poll(async () => (await standing(cross, "gir", ref)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);

    expect((await ask(cross, "ddsp", "ddsp", `!maj ${ref} diffusion=service`)).body).toContain("mis à jour");
    await expect
      .poll(async () => (await standing(cross, "gir", ref)).filter((b) => !b.startsWith("🚫")), { timeout: 30_000 })
      .toEqual([]);
    expect(await standing(cross, "gir", "très sensible")).toEqual([]);
    // The coordinator still sees it all.
    expect((await standing(cross, "ggd", ref)).length).toBeGreaterThanOrEqual(2);
  });
});

describe("who may add to a report", () => {
  it("refuses a complement in the report's thread from another service's officer, and stores nothing", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    // The coordination room holds every service's leads: a douane officer replies to a DDSP report.
    const { eventId, roomId, body } = await ask(
      cross,
      "ddsp",
      "coordination",
      "!report type=deal commune=epinal quand=maintenant guetteurs au parking",
    );
    const ref = referenceIn(body);
    const reply = await sendInThread(cross.user("douane"), roomId, eventId, { msgtype: "m.text", body: "faux complément" });
    const { answers } = await answersTo(cross.user("douane"), roomId, eventId, cross.botUserId);
    const refusal = answers.find(
      (a) => (a.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })["m.in_reply_to"]?.event_id === reply,
    );
    expect(textOf(refusal?.content.body)).toContain("Seuls le service auteur et le coordinateur");
    const shown = await ask(cross, "ggd", "ggd", `!voir ${ref}`);
    expect(shown.body).not.toContain("faux complément");
    // The author's own service may.
    const own = await sendInThread(cross.user("ddsp"), roomId, eventId, { msgtype: "m.text", body: "vrai complément" });
    await cross.user("ddsp").waitForEvent(roomId, (e) => {
      const relation = e.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined;
      return (
        e.sender === cross.botUserId &&
        relation?.["m.in_reply_to"]?.event_id === own &&
        textOf(e.content.body).includes("Complément")
      );
    });
  });
});

describe("sizes", () => {
  it("refuses an over-long report before storing anything, and splits a long answer instead of failing", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const huge = `!report type=deal commune=epinal quand=maintenant ${"guetteur ".repeat(600)}`;
    const refused = await ask(cross, "ddsp", "ddsp", huge);
    expect(refused.body).toContain("Message trop long");
    expect(refused.body).toContain("rien n'a été enregistré");
    expect((await ask(cross, "ddsp", "ddsp", "!cherche guetteur")).body).toContain("Aucun renseignement trouvé");

    // A report grown by many complements still shows: its answer is split in the thread.
    const { body, eventId, roomId } = await ask(
      cross,
      "ddsp",
      "ddsp",
      "!report type=deal commune=epinal quand=maintenant départ",
    );
    const ref = referenceIn(body);
    for (let i = 0; i < 14; i++) {
      const sent = await sendInThread(cross.user("ddsp"), roomId, eventId, {
        msgtype: "m.text",
        body: `complément ${i} ${"détail ".repeat(440)}`,
      });
      await cross.user("ddsp").waitForEvent(roomId, (e) => {
        const relation = e.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined;
        return e.sender === cross.botUserId && relation?.["m.in_reply_to"]?.event_id === sent;
      });
    }
    const shown = await ask(cross, "ddsp", "ddsp", `!voir ${ref}`);
    const { answers, reactions } = await answersTo(cross.user("ddsp"), roomId, shown.eventId, cross.botUserId);
    expect(answers.length).toBeGreaterThan(1);
    for (const answer of answers) expect(Buffer.byteLength(JSON.stringify(answer.content))).toBeLessThan(65_536);
    expect(reactions.map(reactionKey)).toEqual(["✅"]);
    expect(answers.map((a) => textOf(a.content.body)).join("\n")).toContain("complément 13");
  });

  it("a digest of 320 reports counts them all and stays short: the 20 most recent to read first, how many more", async () => {
    const cross = await createCross();
    // Seeded with the project's own store before the bot starts (their fan-out marked done).
    const config = loadConfig(parseConfigText(readFileSync(cross.configPath, "utf8"), cross.configPath), {
      MATRIX_ACCESS_TOKEN: "x",
      CROSS_DATA_DIR: cross.dataDir,
    });
    mkdirSync(cross.dataDir, { recursive: true });
    const db = await Database.open(join(cross.dataDir, "cross.sqlite"));
    await migrate(db);
    const capture = buildCapture(
      config,
      db,
      new Directory(config),
      async () => ({ rooms: 0, pending: false }),
      async () => undefined,
    );
    const refs: string[] = [];
    const now = Date.now();
    for (let i = 0; i < 320; i++) {
      const { report } = await capture.write.create({
        sourceEventId: `$seed-${i}`,
        roomId: cross.rooms.ddsp ?? "",
        roomKey: "ddsp",
        service: "ddsp",
        author: cross.user("ddsp").userId,
        fields: {
          type: "point_de_deal",
          commune: { code: "88160", nom: "Épinal" },
          place: `rue n°${i}`,
          observedAt: new Date(now - 3_600_000).toISOString(),
          observedPrecision: "minute",
          grade: { reliability: "B", credibility: 2 },
          diffusion: { level: "service" },
          substances: ["résine"],
          peopleCount: 3,
          entities: [],
          text: `guetteurs et vendeurs, rotation des équipes toutes les deux heures, n°${i}`,
        },
        at: now - 60_000 + i,
      });
      refs.push(report.ref);
    }
    await db.run("UPDATE outbox SET status = 'dropped'");
    await db.close();

    bot = await cross.startBot();
    const digest = await ask(cross, "ddsp", "ddsp", "!synthese 24h");
    const { answers, reactions } = await answersTo(cross.user("ddsp"), digest.roomId, digest.eventId, cross.botUserId, 4000);
    // The headline and its detail: a phone's screen or two, not hundreds of lines.
    expect(answers).toHaveLength(2);
    for (const answer of answers) expect(Buffer.byteLength(JSON.stringify(answer.content))).toBeLessThan(16_384);
    const all = answers.map((a) => textOf(a.content.body)).join("\n");
    expect(all).toContain("320 nouveaux renseignements");
    const notable = all.slice(all.indexOf("À signaler"), all.indexOf("Par type"));
    for (const ref of refs.slice(-20)) expect(notable).toContain(ref);
    expect(notable).toContain("… et 300 plus anciens");
    expect(all).toContain("Point de deal : 320 — ");
    expect(all).not.toContain(refs[0]);
    expect(reactions.map(reactionKey)).toEqual(["✅"]);
  }, 120_000);

  it("answers a search of a thousand words in French", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const { body } = await ask(
      cross,
      "ddsp",
      "ddsp",
      `!cherche ${Array.from({ length: 1000 }, (_, i) => "abcdefghij"[i % 10]).join(" ")}`,
    );
    expect(body).toContain("Trop de mots (1000)");
  });
});

describe("entitlement per person", () => {
  it("freezes a service room that someone not entitled to it joins, and thaws it only once they left", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const before = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant avant intrus")).body,
    );
    await expect.poll(async () => (await standing(cross, "gir", `📌 ${before}`)).length, { timeout: 20_000 }).toBe(1);

    // A DDSP officer is invited into the GIR room (or a referent, or a stranger): per person, not per room.
    const girRoom = cross.rooms.gir ?? "";
    await cross.user("ggd").invite(girRoom, cross.user("ddsp").userId);
    await cross.user("ddsp").join(girRoom);
    const alert = await cross
      .user("ggd")
      .waitForEvent(
        cross.rooms.ggd ?? "",
        (e) => e.sender === cross.botUserId && textOf(e.content.body).includes("Salon « gir » gelé"),
      );
    expect(textOf(alert.content.body)).toContain(cross.user("ddsp").userId);
    await expect.poll(async () => (await standing(cross, "gir", `📌 ${before}`)).length, { timeout: 20_000 }).toBe(0);

    const refused = await ask(cross, "ggd", "ggd", "!degeler gir");
    expect(refused.body).toContain("reste gelé");
    await cross.user("ggd").kick(girRoom, cross.user("ddsp").userId, "pas habilité");
    await sleep(1500);
    expect((await ask(cross, "ggd", "ggd", "!degeler gir")).body).toContain("dégelé");
  });
});

describe("references", () => {
  it("are not a sequence a service could read gaps in", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const refs = [];
    for (let i = 0; i < 4; i++) {
      refs.push(referenceIn((await ask(cross, "ddsp", "ddsp", `!report type=deal commune=epinal quand=maintenant n°${i}`)).body));
    }
    const numbers = refs.map((r) => Number(r.split("-")[2]));
    for (const n of numbers) expect(n).toBeGreaterThanOrEqual(10_000);
    expect(new Set(numbers).size).toBe(4);
    const consecutive = numbers.slice(1).every((n, i) => n === (numbers[i] ?? 0) + 1);
    expect(consecutive).toBe(false);
    expect((await ask(cross, "ddsp", "ddsp", `!voir ${refs[0]?.toLowerCase()}`)).body).toContain(refs[0]);
  });
});
