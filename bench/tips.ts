/**
 * Citizen tips on the local stack: page weight (raw and gzip, everything the page loads), third-party
 * requests, confirmation time after the proof of work (real headless Chromium on a phone viewport),
 * and the time from the citizen's POST to the card in the triage room (homeserver timestamp).
 * `bash bench/run.sh` — writes bench/results/tips.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { textOf } from "../src/matrix/content.js";
import { createCross } from "../test/e2e/harness.js";
import { launchBrowser, phonePage, solvePow, TipsProcess, tokenIn } from "../test/e2e/tips-helpers.js";

const BROWSER_TIPS = Number(process.env.BENCH_BROWSER_TIPS ?? 5);
const TIPS = Number(process.env.BENCH_TIPS ?? 20);
const cross = await createCross({ config: { tips: { rate_limit: { max: 10_000, per_seconds: 600 } } } });
const bot = await cross.startBot();
const tips = await TipsProcess.start(cross.configPath, cross.stack.redis.url);
const browser = await launchBrowser();
const coordinator = cross.user("ggd");
const triage = cross.rooms.triage ?? "";

const pageBytes = { raw: 0, gzip: 0, requests: 0, thirdParty: 0 };
const powMs: number[] = [];
const confirmMs: number[] = [];
const toTriageMs: number[] = [];

async function cardTime(marker: string): Promise<number> {
  const card = await coordinator.waitForEvent(
    triage,
    (e) => e.sender === cross.botUserId && textOf(e.content.body).includes(marker),
    30_000,
  );
  return card.origin_server_ts;
}

try {
  for (let i = 0; i < BROWSER_TIPS; i++) {
    const page = await phonePage(browser);
    const responses: Promise<void>[] = [];
    if (i === 0) {
      page.on("response", (response) => {
        pageBytes.requests++;
        if (!response.url().startsWith(tips.url)) pageBytes.thirdParty++;
        responses.push(
          response.buffer().then(
            (body) => {
              pageBytes.raw += body.length;
              pageBytes.gzip += gzipSync(body).length;
            },
            () => undefined,
          ),
        );
      });
    }
    const loaded = Date.now();
    await page.goto(`${tips.url}/`);
    await Promise.all(responses);
    await page.waitForFunction('document.getElementById("pow-statut").textContent.includes("faite")', { timeout: 30_000 });
    powMs.push(Date.now() - loaded);
    const marker = `banc navigateur ${i} ${Date.now()}`;
    await page.type("#commune", "Epinal");
    await page.click('input[name=nature][value="point_de_deal"]');
    await page.type("#description", `Ventes devant le hall, ${marker}.`);
    const tapped = Date.now();
    await Promise.all([page.waitForNavigation(), page.tap("button[type=submit]")]);
    await page.waitForSelector("#code-suivi");
    confirmMs.push(Date.now() - tapped);
    toTriageMs.push((await cardTime(marker)) - tapped);
    await page.close();
  }
  for (let i = 0; i < TIPS; i++) {
    const html = await (await fetch(`${tips.url}/`)).text();
    const marker = `banc ${i} ${Date.now()}`;
    const body = new FormData();
    for (const [k, v] of Object.entries({
      envoi: tokenIn(html),
      altcha: await solvePow(html),
      commune: "Golbey",
      nature: "stockage",
      description: `Un garage, ${marker}.`,
    }))
      body.append(k, v);
    const sent = Date.now();
    const response = await fetch(`${tips.url}/signaler`, { method: "POST", body });
    if (response.status !== 200) throw new Error(`tip refused: ${response.status}`);
    toTriageMs.push((await cardTime(marker)) - sent);
  }
} finally {
  await browser.close();
  await tips.stop();
  await bot.stop();
}

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
const stats = (values: number[]) => ({ p50: pct(values, 50), p95: pct(values, 95), max: Math.max(...values) });
const result = {
  benchmark: "citizen tips (local Synapse + Redis, headless Chromium 390×844)",
  page_weight_bytes: { raw: pageBytes.raw, gzip: pageBytes.gzip, budget_gzip: 200 * 1024 },
  requests: pageBytes.requests,
  third_party_requests: pageBytes.thirdParty,
  pow_solved_after_load_ms: stats(powMs),
  confirmation_after_pow_ms: { ...stats(confirmMs), budget: 500 },
  tip_to_triage_room_ms: { samples: toTriageMs.length, ...stats(toTriageMs), budget_p95: 10_000 },
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/tips.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
