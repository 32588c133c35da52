import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../src/matrix/content.js";
import { Database } from "../../src/store/db.js";
import { startRedis } from "../../scripts/stack/redis.js";
import { stopPid } from "../../scripts/stack/processes.js";
import { ask, type BotProcess, type Cross, createCross, referenceIn } from "./harness.js";
import {
  axeViolations,
  forgedPow,
  launchBrowser,
  phonePage,
  solvePow,
  TipsProcess,
  tinyJpegWithExif,
  tokenIn,
} from "./tips-helpers.js";

/** A documentation address (RFC 5737) the reverse proxy would pass: it must end up nowhere. */
const CITIZEN_IP = "203.0.113.77";
const PAYLOAD = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

let cross: Cross;
let bot: BotProcess;
let tips: TipsProcess;
let browser: Browser;

beforeAll(async () => {
  cross = await createCross({
    config: {
      tips: {
        client_ip_header: "x-real-ip",
        rate_limit: { max: 5, per_seconds: 600 },
        max_photo_bytes: 200_000,
        remind_after_hours: 0.003, // about 11 s
        rejected_retention_days: 0.0001, // about 9 s
      },
    },
  });
  bot = await cross.startBot();
  tips = await TipsProcess.start(cross.configPath, cross.stack.redis.url);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await tips?.stop();
  await bot?.stop();
});

const redisSnapshot: string[] = [];
async function dumpRedis(): Promise<string[]> {
  const redis = new Redis(cross.stack.redis.url);
  const values: string[] = [];
  for (const key of await redis.keys("*")) {
    const dumped = await redis.dumpBuffer(key);
    if (dumped) values.push(key, dumped.toString("latin1"));
  }
  redis.disconnect();
  return values;
}

const triage = () => cross.rooms.triage ?? "";
const coordinator = () => cross.user("ggd");
const isCard = (body: string) => (event: { sender: string; content: Record<string, unknown> }) =>
  event.sender === cross.botUserId && textOf(event.content.body).includes(body);

describe("citizen tips", () => {
  it("a citizen on a phone sends a tip, reads the cell's question with the receipt and answers it", async () => {
    const page = await phonePage(browser, { "x-real-ip": CITIZEN_IP });
    const requests: string[] = [];
    const cspErrors: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    const photo = join(tmpdir(), `tip-${Date.now()}.jpg`);
    writeFileSync(photo, tinyJpegWithExif());

    await page.goto(`${tips.url}/`);
    expect(await page.title()).toContain("Signaler un trafic");
    expect(await page.$eval("main", (m) => m.textContent ?? "")).toContain("17");
    expect(await axeViolations(page)).toEqual([]);
    // Sent empty first: the errors are listed at the top, focused, and the page stays accessible.
    await Promise.all([page.waitForNavigation({ timeout: 30_000 }), page.tap("button[type=submit]")]);
    expect(await page.$eval("#erreurs", (e) => e.textContent ?? "")).toContain("points à corriger");
    expect(await page.evaluate("document.activeElement && document.activeElement.id")).toBe("erreurs");
    expect(await axeViolations(page)).toEqual([]);
    await page.type("#commune", "Epinal");
    await page.type("#lieu", `rue de la Gare ${PAYLOAD}`);
    await page.click('input[name=nature][value="point_de_deal"]');
    await page.type("#quand", `tous les soirs vers 22h ${PAYLOAD}`);
    await page.type("#personnes", "3");
    await page.type("#vehicules", `Clio grise AB-123-CD ${PAYLOAD}`);
    await page.type("#description", `Des jeunes vendent devant le hall 4. ${PAYLOAD}`);
    await page.type("#contact", `${PAYLOAD}`);
    const upload = await page.$("#photo");
    await upload?.uploadFile(photo);
    await Promise.all([page.waitForNavigation({ timeout: 30_000 }), page.tap("button[type=submit]")]);

    const receipt = (await page.$eval("#code-suivi", (e) => e.textContent ?? "")).replace(/\s/g, "");
    expect(receipt).toMatch(/^\d{16}$/);
    expect(await axeViolations(page)).toEqual([]);

    // The card in the triage room: unverified, F6, everything the citizen typed escaped.
    const card = await coordinator().waitForEvent(triage(), isCard("Signalement citoyen n° 1"), 15_000);
    const body = textOf(card.content.body);
    expect(body).toContain("non vérifié (cotation F6)");
    expect(body).toContain("Épinal");
    const html = textOf(card.content.formatted_body);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("&lt;script&gt;");
    const photoEvent = await coordinator().waitForEvent(
      triage(),
      (e) => e.sender === cross.botUserId && (e.content.msgtype === "m.file" || e.content.msgtype === "m.image"),
    );
    // The photo reached the room without its EXIF block (camera name gone), still a JPEG.
    const mxc = /^mxc:\/\/([^/]+)\/(.+)$/.exec(textOf(photoEvent.content.url));
    expect(mxc).not.toBeNull();
    const media = await fetch(`${cross.stack.homeserver}/_matrix/client/v1/media/download/${mxc?.[1] ?? ""}/${mxc?.[2] ?? ""}`, {
      headers: { authorization: `Bearer ${coordinator().accessToken}` },
    });
    const bytes = Buffer.from(await media.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(bytes.includes(Buffer.from("CameraDeMonsieurDupont"))).toBe(false);

    const listed = await ask(cross, "ggd", "triage", "!tri");
    expect(listed.body).toContain("n° 1");

    const asked = await ask(cross, "ggd", "triage", "!tri question 1 À quelle heure exactement ? <b>merci</b>");
    expect(asked.body).toContain("Question enregistrée");

    // The citizen comes back with the receipt (the view reaches Redis within a sweep).
    // (Waiting on Redis itself: every POST of the citizen counts against their limit.)
    const redis = new Redis(cross.stack.redis.url);
    for (let i = 0; i < 40; i++) {
      const keys = await redis.keys("crossbot:*:tips:receipt:*");
      const views = await Promise.all(keys.map((k) => redis.get(k)));
      if (views.some((v) => v?.includes("À quelle heure exactement"))) break;
      await sleep(250);
    }
    redis.disconnect();
    await page.goto(`${tips.url}/suivi`);
    expect(await axeViolations(page)).toEqual([]);
    await page.type("#code", receipt);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(await page.content()).toContain("À quelle heure exactement");
    expect(await page.content()).toContain("&lt;b&gt;merci");
    expect(await axeViolations(page)).toEqual([]);
    await page.type("#reponse", `Vers 22h15, tous les jours. ${PAYLOAD}`);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(await page.$eval("h1", (h) => h.textContent)).toBe("Réponse envoyée");
    expect(await axeViolations(page)).toEqual([]);

    const answer = await coordinator().waitForEvent(triage(), isCard("Réponse de l'auteur du signalement n° 1"), 15_000);
    expect((answer.content["m.relates_to"] as { event_id?: string }).event_id).toBe(card.event_id);
    expect(textOf(answer.content.formatted_body)).not.toMatch(/<script|<img/);

    // Accepted: a graded report, fanned out as usual, the tip kept as its source.
    const accepted = await ask(cross, "ggd", "triage", "!tri accepter 1 cotation=C3");
    const ref = referenceIn(accepted.body);
    expect(accepted.body).toContain("C3");
    const shown = await ask(cross, "ggd", "triage", `!voir ${ref}`);
    expect(shown.body).toContain("Signalement citoyen n° 1");
    await cross.user("ddsp").waitForEvent(cross.rooms.ddsp ?? "", (e) => textOf(e.content.body).includes(ref), 15_000);
    const again = await ask(cross, "ggd", "triage", "!tri rejeter 1 doublon");
    expect(again.body).toContain("déjà accepté");

    // No third-party request, no CSP violation (the proof of work ran under script-src 'self').
    expect(requests.filter((url) => !url.startsWith(tips.url))).toEqual([]);
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it("refuses bad input with a clear French answer and stores nothing it should not", async () => {
    const post = async (ip: string, fields: Record<string, string | Blob>, path = "/signaler") => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      const response = await fetch(`${tips.url}${path}`, { method: "POST", body, headers: { "x-real-ip": ip } });
      return { status: response.status, html: await response.text(), retryAfter: response.headers.get("retry-after") };
    };
    const form = async () => {
      const html = await (await fetch(`${tips.url}/`)).text();
      return { envoi: tokenIn(html), altcha: await solvePow(html) };
    };
    const tip = { commune: "Golbey", nature: "stockage", description: "Un garage où des sacs sont déposés la nuit." };

    const heavy = await post("198.51.100.1", {
      ...(await form()),
      ...tip,
      photo: new Blob([Buffer.alloc(300_000, 1)], { type: "image/jpeg" }),
    });
    expect(heavy.status).toBe(422);
    expect(heavy.html).toContain("La photo est trop lourde");
    const huge = await post("198.51.100.1", {
      ...(await form()),
      ...tip,
      photo: new Blob([Buffer.alloc(600_000, 1)], { type: "image/jpeg" }),
    });
    expect(huge.status).toBe(413);
    expect(huge.html).toContain("Envoi trop volumineux");
    const pdf = await post("198.51.100.1", {
      ...(await form()),
      ...tip,
      photo: new Blob([Buffer.from("%PDF-1.4 hello")], { type: "image/jpeg" }),
    });
    expect(pdf.status).toBe(422);
    expect(pdf.html).toContain("seules les images JPEG, PNG ou WebP");
    expect(pdf.html).toContain("Un garage où des sacs"); // the citizen's words are kept for the retry

    const forged = await post("198.51.100.2", { envoi: (await form()).envoi, altcha: await forgedPow(), ...tip });
    expect(forged.status).toBe(400);
    expect(forged.html).toContain("anti-robot");
    const solved = await form();
    const first = await post("198.51.100.2", { ...solved, ...tip });
    expect(first.status).toBe(200);
    const replay = await post("198.51.100.2", { ...solved, envoi: (await form()).envoi, ...tip });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("anti-robot");
    // A double tap (same form twice): one tip, the same receipt.
    const tapped = await form();
    const tap1 = await post("198.51.100.3", { ...tapped, ...tip, description: "Double envoi du même formulaire, une fois." });
    const tap2 = await post("198.51.100.3", { ...tapped, ...tip, description: "Double envoi du même formulaire, une fois." });
    const code = (html: string) => /id="code-suivi">([\d ]+)</.exec(html)?.[1];
    expect(tap1.status).toBe(200);
    expect(code(tap2.html)).toBe(code(tap1.html));

    const wrong = await post("198.51.100.4", { code: "4111 1111 1111 1111" }, "/suivi");
    expect(wrong.status).toBe(404);
    expect(wrong.html).toContain("ne correspond à aucun signalement");
    const typo = await post("198.51.100.4", { code: "4111 1111 1111 1112" }, "/suivi");
    expect(typo.html).toContain("faute de frappe");

    // Flood: every POST counts, valid or not; the sixth in ten minutes gets a French 429.
    const flood = [];
    for (let i = 0; i < 6; i++) flood.push(await post("198.51.100.5", { code: "1" }, "/suivi"));
    expect(flood.slice(0, 5).every((r) => r.status === 400)).toBe(true);
    expect(flood[5]?.status).toBe(429);
    expect(flood[5]?.html).toContain("Trop d&#39;envois");
    expect(Number(flood[5]?.retryAfter)).toBeGreaterThan(0);

    // Without JavaScript (no proof of work): accepted under the stricter limit, and marked.
    const nojs = { envoi: (await form()).envoi, ...tip, description: "Envoyé sans JavaScript, une seule fois." };
    expect((await post("198.51.100.6", nojs)).status).toBe(200);
    const noJsCard = await coordinator().waitForEvent(triage(), isCard("Envoyé sans JavaScript, une seule fois"), 15_000);
    expect(textOf(noJsCard.content.body)).toContain("sans preuve de travail");
    for (let i = 0; i < 2; i++) await post("198.51.100.6", { envoi: (await form()).envoi, ...tip });
    expect((await post("198.51.100.6", { envoi: (await form()).envoi, ...tip })).status).toBe(429);

    // Stored: tip 1, the first valid one, the double tap once, the no-JS ones — nothing refused.
    await sleep(2500);
    const list = await ask(cross, "ggd", "triage", "!tri");
    expect(list.body).not.toContain("n° 1 ");
    expect((list.body.match(/Double envoi du même formulaire/g) ?? []).length).toBe(1);
    expect(list.body).not.toContain("%PDF");
    const digest = await ask(cross, "ggd", "triage", "!synthese 24h");
    const headline = await coordinator().waitForEvent(
      triage(),
      (e) =>
        (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === digest.eventId &&
        textOf(e.content.body).includes("Signalements citoyens à trier"),
    );
    expect(textOf(headline.content.body)).toMatch(/Signalements citoyens à trier : [1-9]/);
  });

  it("a tip sent while the bot is down is kept and delivered once when it returns", async () => {
    await bot.stop();
    const html = await (await fetch(`${tips.url}/`)).text();
    const body = new FormData();
    for (const [k, v] of Object.entries({
      envoi: tokenIn(html),
      altcha: await solvePow(html),
      commune: "Remiremont",
      nature: "livraison",
      description: "Pendant que le bot est arrêté : une camionnette blanche.",
    }))
      body.append(k, v);
    const sent = await fetch(`${tips.url}/signaler`, { method: "POST", body, headers: { "x-real-ip": "198.51.100.9" } });
    expect(sent.status).toBe(200);
    bot = await cross.startBot();
    await coordinator().waitForEvent(triage(), isCard("Pendant que le bot est arrêté"), 20_000);
    await sleep(2500);
    const events = await coordinator().roomEvents(triage(), 100);
    expect(events.filter(isCard("Pendant que le bot est arrêté : une camionnette")).length).toBe(1);
  });

  it("a tip sent while Redis is down is kept in the spool and delivered when Redis returns", async () => {
    const port = Number(new URL(cross.stack.redis.url).port);
    redisSnapshot.push(...(await dumpRedis())); // for the address check below (this Redis restarts empty)
    await stopPid(Number(readFileSync(".stack/redis.pid", "utf8").trim()), "redis");
    try {
      const html = await (await fetch(`${tips.url}/`)).text();
      const body = new FormData();
      const fields = {
        envoi: tokenIn(html),
        altcha: await solvePow(html),
        commune: "Vittel",
        nature: "consommation",
        description: "Pendant la panne de Redis : rassemblement au parc.",
      };
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      const sent = await fetch(`${tips.url}/signaler`, { method: "POST", body, headers: { "x-real-ip": "198.51.100.11" } });
      expect(sent.status).toBe(200);
      expect(await sent.text()).toContain("code-suivi");
      await sleep(3000);
      expect(readdirSync(tips.spoolDir).filter((n) => n.startsWith("tip-"))).toHaveLength(1);
    } finally {
      await startRedis(port);
    }
    await coordinator().waitForEvent(triage(), isCard("Pendant la panne de Redis"), 30_000);
    for (let i = 0; i < 20 && readdirSync(tips.spoolDir).some((n) => n.startsWith("tip-")); i++) await sleep(500);
    expect(readdirSync(tips.spoolDir).filter((n) => n.startsWith("tip-"))).toEqual([]);
  });

  it("hints at known reports and duplicates, reminds the coordinator, purges rejected tips (journaled)", async () => {
    const reported = await ask(
      cross,
      "ddsp",
      "ddsp",
      '!report type=stockage commune=golbey lieu="rue Pasteur" quand=hier plaque=GH-456-JK garage',
    );
    const ref = referenceIn(reported.body);
    const send = async (description: string) => {
      const html = await (await fetch(`${tips.url}/`)).text();
      const body = new FormData();
      const fields = {
        envoi: tokenIn(html),
        altcha: await solvePow(html),
        commune: "Golbey",
        lieu: "rue Pasteur",
        nature: "stockage",
        vehicules: "GH-456-JK",
        description,
      };
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      expect(
        (await fetch(`${tips.url}/signaler`, { method: "POST", body, headers: { "x-real-ip": "198.51.100.10" } })).status,
      ).toBe(200);
    };
    await send("Une voiture GH-456-JK décharge des sacs la nuit au garage.");
    const first = await coordinator().waitForEvent(triage(), isCard("décharge des sacs la nuit au garage."), 15_000);
    expect(textOf(first.content.body)).toContain(`Renseignements connus : ${ref} (plaque GH-456-JK)`);
    const number = /Signalement citoyen n° (\d+)/.exec(textOf(first.content.body))?.[1] ?? "";
    await send("Une voiture GH-456-JK décharge des sacs la nuit au garage !");
    const second = await coordinator().waitForEvent(triage(), isCard("décharge des sacs la nuit au garage !"), 15_000);
    expect(textOf(second.content.body)).toContain(`Doublon probable du signalement n° ${number}`);
    expect(textOf(second.content.body)).toContain(`Autres signalements sur ce lieu : n° ${number}`);

    const rejected = await ask(cross, "ggd", "triage", `!tri rejeter ${number} canular`);
    expect(rejected.body).toContain("rejeté");
    const reminder = await coordinator().waitForEvent(cross.rooms.ggd ?? "", isCard("en attente de tri"), 30_000);
    expect(textOf(reminder.content.body)).toContain("!tri");

    // Purged after the retention delay: the text and the receipt are gone, the decision is journaled.
    const db = await Database.open(join(cross.dataDir, "cross.sqlite"));
    let row: { fields_json: string | null; receipt_hash: string | null } | undefined;
    for (let i = 0; i < 60; i++) {
      row = await db.get("SELECT fields_json, receipt_hash FROM tips WHERE id = ?", [Number(number)]);
      if (row?.fields_json === null) break;
      await sleep(500);
    }
    await db.close();
    expect(row).toEqual({ fields_json: null, receipt_hash: null });
    const audit = await Database.open(join(cross.dataDir, "audit.sqlite"));
    const entries = await audit.all<{ detail: string }>("SELECT detail FROM journal WHERE ref = ?", [`signalement-${number}`]);
    await audit.close();
    expect(entries.map((e) => e.detail)).toEqual(
      expect.arrayContaining([expect.stringContaining("rejeté : canular"), expect.stringContaining("purgé")]) as unknown,
    );
  });

  it("no citizen's address reaches the logs, the databases, the spool or Redis", async () => {
    const values = [...redisSnapshot, ...(await dumpRedis())];
    expect(redisSnapshot.length).toBeGreaterThan(0);
    const files = readdirSync(cross.dataDir)
      .filter((name) => /\.sqlite(-wal)?$/.test(name))
      .map((name) => readFileSync(join(cross.dataDir, name)).toString("latin1"));
    for (const text of [bot.logs, tips.logs, ...files, ...values]) {
      expect(text.includes(CITIZEN_IP)).toBe(false);
      expect(text.includes("198.51.100.")).toBe(false);
    }
    expect(tips.logs).not.toContain("x-real-ip");
    // And the tips process never had the bot's secrets in its environment.
    expect(tips.logs).not.toMatch(/access_token|MATRIX_ACCESS_TOKEN/);
  });
});
