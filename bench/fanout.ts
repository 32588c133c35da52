/**
 * The fan-out under Tchap's budget (issue 16), on the local stack with a budget of 1 call/s:
 *
 * - burst: 20 `cross` reports from 4 services, 5 cross-service matches among them (5 plates each
 *   seen by two services). Time from each matching report to its match alert — in the reporting
 *   room, and in every room alerted (the two services and the coordinator's room) — and to the
 *   quiet notes the other rooms get in their card's thread; time to the last card, and Matrix
 *   calls spent by the fan-out per report against the naive count (one card per entitled room, one
 *   message per room told of a match).
 * - Redis outage: Redis stopped ~20 s while reports keep arriving, then restarted: time from its
 *   return to the first card, and to the last.
 *
 * Times are homeserver timestamps (origin_server_ts of the officer's event and of the bot's), so
 * client polling does not count. `npm run bench:fanout` (the stack must be up:
 * `bash scripts/stack.sh up`) — writes bench/results/fanout.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { startRedis } from "../scripts/stack/redis.js";
import { stopPid } from "../scripts/stack/processes.js";
import { ask, botMessages, cardsOfIn, type Cross, createCross, readStack, referenceIn } from "../test/e2e/harness.js";
import type { MatrixEvent } from "../tools/matrix-user.js";

const SERVICE_ROOMS = ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"];
const REPORTERS = ["ddsp", "douane", "gir", "sr"];
const BUDGET = { max: 1, per_seconds: 1 };

interface Sent {
  ref: string;
  room: string;
  at: number;
  plate: string;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
};
const summary = (values: number[]) => ({
  n: values.length,
  p50_ms: percentile(values, 50),
  p95_ms: percentile(values, 95),
  max_ms: values.length ? Math.max(...values) : null,
});

async function report(cross: Cross, room: string, plate: string, note: string): Promise<Sent> {
  const { body, user, roomId, eventId } = await ask(
    cross,
    room,
    room,
    `!report type=deal commune=epinal quand=maintenant cotation=B2 plaque=${plate} ${note}`,
    60_000,
  );
  const at = (await user.roomEvents(roomId, 30)).find((e) => e.event_id === eventId)?.origin_server_ts ?? Date.now();
  return { ref: referenceIn(body), room, at, plate };
}

/** Every fan-out message the bot left in the rooms (cards, grouped cards, alerts, updates), by room. */
async function fanOutMessages(cross: Cross): Promise<Map<string, MatrixEvent[]>> {
  const byRoom = new Map<string, MatrixEvent[]>();
  for (const key of [...SERVICE_ROOMS, "coordination", "triage"]) {
    const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId, 300);
    byRoom.set(
      key,
      messages.filter((e) => /^(📌|🗂|🔗|🔄|🚫)/u.test(String(e.content.body))),
    );
  }
  return byRoom;
}

const inThread = (e: MatrixEvent) => (e.content["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type === "m.thread";

async function waitForCards(cross: Cross, sent: Sent[], timeoutMs: number): Promise<Map<string, MatrixEvent[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const byRoom = await fanOutMessages(cross);
    const missing = sent.filter((s) =>
      SERVICE_ROOMS.filter((k) => k !== s.room).some((k) =>
        (byRoom.get(k) ?? []).every((e) => cardsOfIn(e.content.body, s.ref) === 0),
      ),
    );
    if (missing.length === 0 || Date.now() > deadline) {
      if (missing.length > 0) console.error(`still missing cards for ${missing.length} report(s)`);
      return byRoom;
    }
    await sleep(1000);
  }
}

/** When each report's card reached each room (the message that holds it). */
function cardTimes(byRoom: Map<string, MatrixEvent[]>, sent: Sent[]): number[] {
  const times: number[] = [];
  for (const s of sent)
    for (const key of SERVICE_ROOMS.filter((k) => k !== s.room)) {
      const holder = (byRoom.get(key) ?? []).find((e) => cardsOfIn(e.content.body, s.ref) > 0);
      if (holder) times.push(holder.origin_server_ts);
    }
  return times;
}

async function burst() {
  const cross = await createCross({ config: { diffusion: { rate_limit: BUDGET } } });
  const bot = await cross.startBot();
  try {
    // 20 reports, 4 services in turn; reports 5..9 repeat the plates of reports 0..4 from another
    // service (5 cross-service matches), the others have plates of their own.
    const plates = Array.from({ length: 20 }, (_, i) => (i >= 5 && i < 10 ? `MA-${100 + i - 5}-TC` : `UN-${100 + i}-IQ`));
    for (let i = 0; i < 5; i++) plates[i] = `MA-${100 + i}-TC`;
    const sent: Sent[] = [];
    const start = Date.now();
    for (const [i, plate] of plates.entries()) sent.push(await report(cross, REPORTERS[i % 4] ?? "ddsp", plate, `rafale ${i}`));
    const burstMs = Date.now() - start;
    const byRoom = await waitForCards(cross, sent, 600_000);
    // And whatever was still in the queue: the notes (update priority) come after the cards.
    const expectedNotes = 5 * (SERVICE_ROOMS.length - 3);
    let settled = await fanOutMessages(cross);
    for (let waited = 0; waited < 120_000; waited += 1000) {
      await sleep(1000);
      settled = await fanOutMessages(cross);
      const notes = [...settled.values()].flat().filter((e) => inThread(e) && String(e.content.body).startsWith("🔗"));
      if (notes.length >= expectedNotes) break;
    }
    await sleep(2000);
    settled = await fanOutMessages(cross);
    // Match alerts: the second report of each plate triggers it.
    const toReporter: number[] = [];
    const toAnyRoom: number[] = [];
    const firstAlert: number[] = [];
    const toNote: number[] = [];
    let told = 0;
    for (const trigger of sent.slice(5, 10)) {
      const times: number[] = [];
      for (const [key, messages] of settled) {
        for (const e of messages) {
          const body = String(e.content.body);
          if (!body.startsWith("🔗") || !body.includes(trigger.ref)) continue;
          told++;
          if (inThread(e)) {
            toNote.push(e.origin_server_ts - trigger.at);
            continue;
          }
          times.push(e.origin_server_ts - trigger.at);
          if (key === trigger.room) toReporter.push(e.origin_server_ts - trigger.at);
        }
      }
      toAnyRoom.push(...times);
      if (times.length > 0) firstAlert.push(Math.min(...times));
    }
    const cards = cardTimes(byRoom, sent);
    const calls = [...settled.values()].reduce((n, messages) => n + messages.length, 0);
    const naiveCards = sent.length * (SERVICE_ROOMS.length - 1);
    return {
      reports: sent.length,
      services: REPORTERS.length,
      matches: 5,
      budget_calls_per_s: BUDGET.max / BUDGET.per_seconds,
      burst_sent_in_ms: burstMs,
      match_alert_in_reporting_room: summary(toReporter),
      match_alert_first_room: summary(firstAlert),
      match_alert_every_room: summary(toAnyRoom),
      match_note_in_card_thread: summary(toNote),
      last_card_ms: cards.length ? Math.max(...cards) - (sent[0]?.at ?? 0) : null,
      cards_delivered: cards.length,
      cards_expected: naiveCards,
      calls: {
        total: calls,
        per_report: Math.round((calls / sent.length) * 100) / 100,
        naive_total: naiveCards + told,
        naive_per_report: Math.round(((naiveCards + told) / sent.length) * 100) / 100,
      },
    };
  } finally {
    await bot.stop();
  }
}

async function outage() {
  const cross = await createCross({ config: { diffusion: { rate_limit: BUDGET } } });
  const bot = await cross.startBot();
  const port = Number(new URL(readStack().redis.url).port);
  try {
    // Warm up: one report delivered before the outage.
    await report(cross, "ddsp", "WA-100-RM", "avant la panne");
    await sleep(10_000);
    const pid = Number(readFileSync(".stack/redis.pid", "utf8").trim());
    await stopPid(pid, "redis");
    const stoppedAt = Date.now();
    const sent: Sent[] = [];
    for (let i = 0; Date.now() - stoppedAt < 20_000; i++) {
      sent.push(await report(cross, REPORTERS[i % 4] ?? "ddsp", `PA-${100 + i}-NE`, `pendant la panne ${i}`));
      await sleep(1000);
    }
    await startRedis(port);
    const backAt = Date.now();
    const byRoom = await waitForCards(cross, sent, 600_000);
    const times = cardTimes(byRoom, sent).filter((t) => t >= stoppedAt);
    return {
      outage_ms: backAt - stoppedAt,
      reports_during_outage: sent.length,
      cards_owed: sent.length * (SERVICE_ROOMS.length - 1),
      cards_delivered: times.length,
      first_card_after_redis_ms: times.length ? Math.min(...times) - backAt : null,
      last_card_after_redis_ms: times.length ? Math.max(...times) - backAt : null,
      calls: [...byRoom.values()].reduce(
        (n, messages) => n + messages.filter((e) => e.origin_server_ts >= backAt - 1000).length,
        0,
      ),
    };
  } finally {
    await bot.stop();
  }
}

const results = {
  at: new Date().toISOString(),
  machine:
    "2 cores, local Synapse + Redis (scripts/stack.sh), bot exempt from Synapse's rate limit, own budget 1 call/s for the fan-out (answers to commands, and the match alert to the reporting room, outside it)",
  burst: await burst(),
  redis_outage: await outage(),
};
console.log(JSON.stringify(results, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/fanout.json", `${JSON.stringify(results, null, 2)}\n`);
