/**
 * End-to-end capture latency on the local stack: an officer sends a one-line report, we measure
 * the time until the bot's threaded confirmation is on the homeserver (origin_server_ts of both
 * events, so client polling does not count), and the time until the last card of the fan-out.
 * `bash bench/run.sh` — writes bench/results/capture-latency.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ask, botMessages, createCross } from "../test/e2e/harness.js";

const REPORTS = Number(process.env.BENCH_REPORTS ?? 30);
const cross = await createCross({ config: { diffusion: { rate_limit: { max: 50, per_seconds: 1 } } } });
const bot = await cross.startBot();
const confirmMs: number[] = [];
const fanOutMs: number[] = [];
try {
  for (let i = 0; i < REPORTS; i++) {
    const { answer, user, roomId, eventId } = await ask(
      cross,
      "ddsp",
      "ddsp",
      `!report type=deal commune=epinal quand="hier 22h" cotation=B2 plaque=BE-${String(100 + i)}-NC guetteurs ${i}`,
    );
    const sent = (await user.roomEvents(roomId, 20)).find((e) => e.event_id === eventId)?.origin_server_ts ?? 0;
    confirmMs.push(answer.origin_server_ts - sent);
    const ref = /88-\d{4}-\d{4}/.exec(String(answer.content.body))?.[0] ?? "";
    for (let wait = 0; wait < 100; wait++) {
      const card = (await botMessages(cross.user("ggd"), cross.rooms.pref ?? "", cross.botUserId, 20)).find((e) =>
        String(e.content.body).startsWith(`📌 ${ref}`),
      );
      if (card) {
        fanOutMs.push(card.origin_server_ts - sent);
        break;
      }
      await sleep(100);
    }
  }
} finally {
  await bot.stop();
}

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
const result = {
  benchmark: "capture latency (local Synapse, bot exempt from rate limits)",
  reports: REPORTS,
  confirmation_ms: { p50: pct(confirmMs, 50), p95: pct(confirmMs, 95), max: Math.max(...confirmMs) },
  last_card_ms: { p50: pct(fanOutMs, 50), p95: pct(fanOutMs, 95), max: Math.max(...fanOutMs) },
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/capture-latency.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
