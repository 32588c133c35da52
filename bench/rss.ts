/**
 * Memory after many commands: `npm run bench:rss -- [--commands 10000]` (bench/rss.sh compiles this
 * file and runs it as `npm start` runs the bot: plain Node, no tsx) drives mixed
 * commands (!report lines, !cherche by word and by plate, !fiche, !voir, !synthese 7j, !agenda,
 * !aide) through the real message handler (ledger, policy, journal, answers), in-process, with a
 * transport double that keeps nothing, against a file store seeded with `--reports` reports. RSS
 * and V8 heap are sampled before and after; written to bench/results/rss.json. Run it with the
 * production flags (`npm run bench:rss` passes the same V8 limits as `npm start` and the Dockerfile).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { pino } from "pino";
import { buildCapture } from "../src/app/capture.js";
import { buildRegistry, type CommandDeps } from "../src/commands/index.js";
import { CommuneIndex } from "../src/core/fr/communes.js";
import { createMessageHandler } from "../src/handlers/message.js";
import { createMetrics } from "../src/metrics.js";
import { buildRhythm } from "../src/app/rhythm/build.js";
import { ReadPool } from "../src/store/db.js";
import { ReceiptStore } from "../src/store/receipts.js";
import { RhythmStore } from "../src/store/rhythm.js";
import { freshStore, indexSeeded, SERVICES } from "./support/store.js";

const { values } = parseArgs({
  options: { commands: { type: "string", default: "10000" }, reports: { type: "string", default: "1000" } },
});
const COMMANDS = Number(values.commands);
const REPORTS = Number(values.reports);
const DAY = 86_400_000;
const NOW = Date.now();
const { config, directory, dir, db, journal } = await freshStore("rss");
await db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REPORTS})
  INSERT INTO reports (id, ref, source_event_id, room_id, room_key, service, author, created_at, status, version, fields_json, search_text)
  SELECT i, '88-B-' || i, '$seed' || i, '!ggd', 'ggd', 'ggd', '@ggd:t', ${NOW} - (i * 7919 % ${90 * DAY}), 'active', 1,
    json_object('type', 'point_de_deal', 'commune', json_object('code', '88160', 'nom', 'Épinal'), 'place', NULL,
      'observedAt', strftime('%Y-%m-%dT%H:%M:%S.000Z', (${NOW} - (i * 7919 % ${90 * DAY})) / 1000, 'unixepoch'),
      'observedPrecision', 'minute', 'grade', json_object('reliability', 'B', 'credibility', 2),
      'diffusion', json_object('level', 'cross'), 'substances', json_array(), 'peopleCount', NULL, 'entities', json_array(),
      'text', 'guetteurs au parking n' || i),
    'epinal point_de_deal guetteurs au parking n' || i
  FROM n;`);
await indexSeeded(db);

let sent = 0;
const transport = {
  userId: "@bot:t",
  send: () => Promise.resolve(`$out${sent++}`),
  sendImage: () => Promise.resolve(`$out${sent++}`),
  sendFile: () => Promise.resolve(`$out${sent++}`),
};
// As the bot opens them (src/start.ts): two read-only connections for the period reads.
const reader = await ReadPool.open(join(dir, "cross.sqlite"), 2);
const capture = buildCapture(
  config,
  db,
  directory,
  async () => ({ rooms: 0, pending: false }),
  async (entry) => {
    await journal.append(entry);
  },
  () => false,
  null,
  Date.now,
  (entries) => journal.appendMany(entries),
  undefined,
  reader,
);
const communes = CommuneIndex.vosges();
const rhythmStore = new RhythmStore(db);
await rhythmStore.addMeeting(NOW + 2 * DAY, "préfecture", "@ggd:t", NOW - 7 * DAY, "$meeting");
const rhythm = buildRhythm({ config, directory, capture, store: rhythmStore, communes });
const registry = buildRegistry();
const handle = createMessageHandler({
  directory,
  registry,
  commandDeps: { catalog: registry, now: () => Date.now(), capture, rhythm } as unknown as CommandDeps,
  roomById: (roomId) => directory.rooms.find((r) => r.room === roomId),
  receipts: new ReceiptStore(db),
  storage: { noteError: () => false },
  transport,
  botNames: () => ({ userId: "@bot:t" }),
  log: pino({ level: "silent" }),
  metrics: createMetrics(),
});

const bodies = (i: number): string => {
  switch (i % 10) {
    case 0:
    case 1:
      return `!report type=deal commune=epinal quand="hier 22h" cotation=B2 plaque=FG-${String((i % 999) + 1).padStart(3, "0")}-HJ guetteurs au parking n${i}`;
    case 2:
      return "!cherche parking";
    case 3:
      return `!cherche FG-${String(((i - 3) % 999) + 1).padStart(3, "0")}-HJ`;
    case 4:
      return `!fiche plaque FG-${String(((i - 4) % 999) + 1).padStart(3, "0")}-HJ`;
    case 5:
      return `!voir 88-B-${(i % REPORTS) + 1}`;
    case 6:
      return "!synthese 7j";
    case 7:
      return "!agenda";
    case 8:
      return "!cherche commune:epinal depuis:7j";
    default:
      return "!aide";
  }
};
const run = async (from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const service = SERVICES[i % SERVICES.length]!;
    await handle({
      roomId: `!${service}`,
      eventId: `$cmd${i}`,
      type: "m.room.message",
      sender: `@${service}:t`,
      originServerTs: Date.now(),
      content: { msgtype: "m.text", body: bodies(i) },
    });
  }
};

const mb = (n: number) => Math.round(n / 1048576);
const sample = () => {
  const m = process.memoryUsage();
  return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external) };
};
const WARMUP = 200;
await run(0, WARMUP);
const before = sample();
let peak = before.rss_mb;
const started = Date.now();
for (let at = WARMUP; at < WARMUP + COMMANDS; at += 500) {
  await run(at, Math.min(at + 500, WARMUP + COMMANDS));
  peak = Math.max(peak, mb(process.memoryUsage().rss));
}
const elapsed = Date.now() - started;
const after = sample();
const answered = sent;
const result = {
  commands: COMMANDS,
  seeded_reports: REPORTS,
  mix: "20 % !report, 30 % !cherche (word, plate, commune+date), 10 % !fiche, 10 % !voir, 10 % !synthese 7j, 10 % !agenda, 10 % !aide",
  node_flags: process.execArgv.filter((a) => a.startsWith("--max")),
  malloc_arena_max: process.env.MALLOC_ARENA_MAX ?? null,
  runtime: process.execArgv.some((a) => a.includes("tsx")) ? "TypeScript through tsx" : "compiled JavaScript, as npm start",
  before,
  after,
  peak_rss_mb: peak,
  messages_sent: answered,
  ms_per_command: Math.round((elapsed / COMMANDS) * 10) / 10,
  node: process.version,
  at: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/rss.json", `${JSON.stringify(result, null, 2)}\n`);
await journal.close();
await reader.close();
await db.close();
rmSync(dir, { recursive: true, force: true });
