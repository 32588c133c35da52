/**
 * The store at size: `npm run bench:scale -- --reports N` (default 100,000) seeds a throw-away
 * store of N reports with the project's own schema, then times the commands officers type, through
 * their real code (policy filter and consultation journal included), in a partner service's room:
 * `!cherche <mot>` (a common word and an absent one), `!cherche commune:… type:…`,
 * `!cherche depuis:…`, `!cherche <plaque>`, `!synthese 7j` and `!agenda`. Writes
 * bench/results/scale-N.json (p50/p95 in ms, RSS). The agenda covers the default 30 days (no meeting
 * held yet) against the 30 before. Then the ingest ratio: `--ingest M` (default 200) `!report` lines
 * through the command into the seeded store, one after the other and then M more from eight rooms
 * at once, against a one-row-per-transaction floor in the same run, with statements and commits
 * counted per report.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildCapture } from "../src/app/capture.js";
import { agenda } from "../src/commands/agenda.js";
import { cherche } from "../src/commands/cherche.js";
import { report } from "../src/commands/report.js";
import { digest } from "../src/commands/digest.js";
import { CommuneIndex } from "../src/core/fr/communes.js";
import { DEFAULT_FACT_TYPES } from "../src/core/report/fact-types.js";
import { agendaStrategy } from "../src/app/rhythm/agenda-strategy.js";
import { buildRhythm } from "../src/app/rhythm/build.js";
import { StrategyStore } from "../src/store/strategy.js";
import { TerritoryStore } from "../src/store/territory.js";
import { strategy } from "../src/strategy/service.js";
import { strategySettings } from "../src/strategy/settings.js";
import { Database, ReadPool } from "../src/store/db.js";
import { pino } from "pino";
import { startJournalInbox } from "../src/jobs/journal-inbox.js";
import { OutboxRelay } from "../src/jobs/outbox-relay.js";
import { JournalInbox } from "../src/store/journal-inbox.js";
import { OutboxStore } from "../src/store/outbox.js";
import { RhythmStore } from "../src/store/rhythm.js";
import { freshStore, indexSeeded, SERVICES } from "./support/store.js";

const { values } = parseArgs({
  options: {
    reports: { type: "string", default: "100000" },
    runs: { type: "string", default: "20" },
    ingest: { type: "string", default: "200" },
    // The store's breadth: the ten largest towns of the Vosges (the default), or up to all 506
    // communes, drawn skewed towards the towns as reports are; one grade (B2) or 24 (A–F × 1–4).
    communes: { type: "string", default: "10" },
    grades: { type: "string", default: "B2" },
    // Leave the seeded store in place (its folder is printed) to read it again, e.g. to profile.
    keep: { type: "boolean", default: false },
  },
});
const REPORTS = Number(values.reports);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const NOW = Date.now();
const { config, directory, dir, db, journal } = await freshStore("scale");

const seedStarted = Date.now();
const communes = CommuneIndex.vosges();
const towns = ["88160", "88413", "88383", "88465", "88209", "88321", "88106", "88029", "88367", "88005"];
const COMMUNES = Math.max(1, Math.min(Number(values.communes), 506));
const VARIED_GRADES = values.grades === "varied";
const codes = [
  ...towns,
  ...communes
    .all()
    .map((c) => c.code)
    .filter((code) => code.startsWith("88") && !towns.includes(code)),
].slice(0, COMMUNES);
// Ten communes are drawn evenly (the figures of the issue); more are drawn as the product of two
// uniform draws, which favours the first (the towns) as real reports do.
const communeDraw =
  COMMUNES <= 10
    ? `abs(random()) % ${codes.length}`
    : `CAST((abs(random()) % 1000000) / 1e6 * (abs(random()) % 1000000) / 1e6 * ${codes.length} AS INTEGER)`;
await db.exec(`PRAGMA synchronous = OFF;
  CREATE TEMP TABLE communes (i INTEGER PRIMARY KEY, code TEXT, nom TEXT);
  INSERT INTO communes (i, code, nom) VALUES ${codes.map((c, i) => `(${i}, '${c}', '${(communes.byCode(c)?.nom ?? c).replace(/'/g, "''")}')`).join(",")};
  CREATE TEMP TABLE services (i INTEGER PRIMARY KEY, key TEXT);
  INSERT INTO services (i, key) VALUES ${SERVICES.map((s, i) => `(${i}, '${s}')`).join(",")};
  CREATE TEMP TABLE types (i INTEGER PRIMARY KEY, key TEXT);
  INSERT INTO types (i, key) VALUES ${DEFAULT_FACT_TYPES.map((t, i) => `(${i}, '${t.key}')`).join(",")};
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REPORTS}),
  drawn AS MATERIALIZED (
    SELECT ${NOW} - (abs(random()) % ${3 * 365 * DAY}) AS at, ${communeDraw} AS c,
      abs(random()) % ${SERVICES.length} AS s, abs(random()) % ${DEFAULT_FACT_TYPES.length} AS t, abs(random()) % 10 AS d,
      abs(random()) % 6 AS gr, abs(random()) % 4 AS gc
    FROM n
  ),
  -- Stored in creation order, as a live store receives them: ids and creation times rise together.
  r AS MATERIALIZED (SELECT row_number() OVER (ORDER BY at) AS i, at, c, s, t, d, gr, gc FROM drawn)
  INSERT INTO reports (id, ref, source_event_id, room_id, room_key, service, author, created_at, status, version, fields_json, search_text)
  SELECT r.i, '88-B-' || r.i, '$bench' || r.i, '!' || sv.key, sv.key, sv.key, '@' || sv.key || ':t', r.at + 60000, 'active', 1,
    json_object('type', ty.key, 'commune', json_object('code', co.code, 'nom', co.nom), 'place', NULL,
      'observedAt', strftime('%Y-%m-%dT%H:%M:%S.000Z', r.at / 1000, 'unixepoch'), 'observedPrecision', 'minute',
      'grade', ${VARIED_GRADES ? "json_object('reliability', substr('ABCDEF', r.gr + 1, 1), 'credibility', r.gc + 1)" : "json_object('reliability', 'B', 'credibility', 2)"},
      'diffusion', CASE WHEN r.d < 6 THEN json_object('level', 'cross') WHEN r.d < 9 THEN json_object('level', 'service')
                        ELSE json_object('level', 'restreint', 'services', json_array('douane', 'gir')) END,
      'substances', json_array(), 'peopleCount', NULL,
      -- One report in twenty names a plate (its entities, as the store writes them, and below).
      'entities', CASE WHEN r.i % 20 = 0
        THEN json_array(json_object('kind', 'plate', 'value', printf('AB-%03d-CD', r.i % 1000), 'display', printf('AB-%03d-CD', r.i % 1000)))
        ELSE json_array() END,
      'text', 'guetteurs au parking, vente de résine n' || r.i),
    lower(co.nom) || ' ' || ty.key || ' guetteurs au parking vente de resine n' || r.i
  FROM r JOIN communes co ON co.i = r.c JOIN services sv ON sv.i = r.s JOIN types ty ON ty.i = r.t ORDER BY r.i;
  INSERT INTO report_versions (report_id, version, change, changed_by, changed_at, source_event_id, fields_json)
    SELECT id, 1, 'create', author, created_at, source_event_id, fields_json FROM reports;
  INSERT INTO report_entities (report_id, kind, value, display)
    SELECT id, 'plate', printf('AB-%03d-CD', id % 1000), printf('AB-%03d-CD', id % 1000) FROM reports WHERE id % 20 = 0;
  PRAGMA synchronous = FULL;`);
await indexSeeded(db);
await db.exec("ANALYZE");
const seedMs = Date.now() - seedStarted;
console.log(`seeded ${REPORTS} reports in ${seedMs} ms`);

// The relay as the bot runs it (src/jobs/outbox-relay.ts, src/start.ts), Redis left out: due rows
// read and handed over, marked queued in batches, the confirmation's count from the write itself;
// the journal as the bot runs it: each entry written in the report's transaction, appended to the
// audit journal in batches (src/jobs/journal-inbox.ts).
// As the bot opens them (src/start.ts): two read-only connections for the period reads and the strategy.
const reader = await ReadPool.open(join(dir, "cross.sqlite"), 2);
const outbox = new OutboxStore(db);
const relay = new OutboxRelay(outbox, async () => undefined, { requeueAfterMs: 120_000 });
const capture = buildCapture(
  config,
  db,
  directory,
  async (reportId, version, planned) => {
    const relayed = await relay.relay();
    const rooms = planned ?? (await outbox.roomsForVersion(reportId, version));
    return { rooms, pending: !relayed.took || (!relayed.complete && (await outbox.pendingForReport(reportId)) > 0) };
  },
  async (entry) => {
    await journal.append(entry);
  },
  () => false,
  null,
  Date.now,
  (entries) => journal.appendMany(entries),
  (item) => journal.enqueue(item),
  reader,
);
const journalInbox = await startJournalInbox(new JournalInbox(db), journal, pino({ level: "silent" }), 60_000);
const rhythmStore = new RhythmStore(db);
const meeting = await rhythmStore.addMeeting(NOW + 2 * DAY, "préfecture", "@ggd:t", NOW - 7 * DAY, "$meeting");
// As the bot builds them (src/start.ts): the agenda carries the strategy's proposals and assessments.
const strategyService = strategy({
  territory: new TerritoryStore(reader),
  store: new StrategyStore(db, reader),
  rhythm: rhythmStore,
  roomMaySee: capture.roomMaySee,
  roomMaySeeAction: capture.roomMaySeeAction,
  types: capture.vocabulary.types,
  settings: strategySettings(config),
});
const rhythm = buildRhythm({
  config,
  directory,
  capture,
  store: rhythmStore,
  communes,
  strategy: agendaStrategy({ strategy: strategyService, timeZone: config.cross.timezone, types: capture.vocabulary.types }),
});
const plainRhythm = buildRhythm({ config, directory, capture, store: rhythmStore, communes });
const invocation = (rawArgs: string) => ({
  args: {} as never,
  rawArgs,
  sender: { kind: "officer" as const, userId: "@douane:t", service: config.services[4]! },
  roomKey: "douane",
  roomId: "!douane",
  eventId: "$bench",
  threadRoot: "$bench",
  sentAt: NOW,
});

async function time(label: string, run: () => unknown): Promise<{ p50_ms: number; p95_ms: number }> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round((samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0) * 10) / 10;
  const result = { p50_ms: at(0.5), p95_ms: at(0.95) };
  console.log(`${label}: p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms`);
  return result;
}

const search = (terms: string) => () => cherche.execute({ ...invocation(terms), args: { termes: terms } }, { capture });
const p95 = {
  cherche_mot: (await time("!cherche parking", search("parking"))).p95_ms,
  cherche_mot_absent: (await time("!cherche absentissime", search("absentissime"))).p95_ms,
  cherche_commune_type: (await time("!cherche commune:epinal type:deal", search("commune:epinal type:deal"))).p95_ms,
  cherche_depuis: (await time("!cherche depuis:7j", search("depuis:7j"))).p95_ms,
  cherche_plaque: (await time("!cherche AB-120-CD", search("AB-120-CD"))).p95_ms,
  synthese_7j: (
    await time("!synthese 7j", () => digest.execute({ ...invocation("7j"), args: { période: "7j" } }, { rhythm, capture }))
  ).p95_ms,
  agenda: (await time("!agenda", () => agenda.execute({ ...invocation(""), args: {} }, { rhythm, capture }))).p95_ms,
  agenda_without_strategy: (
    await time("!agenda without its strategy section", () =>
      agenda.execute({ ...invocation(""), args: {} }, { rhythm: plainRhythm, capture }),
    )
  ).p95_ms,
};
void meeting;

/**
 * Ingest: INGEST `!report` lines through the command (parse, store, correlate, outbox, relay,
 * journal), one after the other, then INGEST more from the eight rooms at once; each followed by
 * the relay's marks and the journal's and search indexer's batches. Against the floor: one row per
 * transaction (autocommit INSERT) with the same library and pragmas (Database.open), a row as long
 * as a report's JSON, in a table of the same store directory. Floor, project, floor again; the
 * ratio is against the mean of both floors.
 */
const INGEST = Number(values.ingest);
async function floor(): Promise<number> {
  const floorDb = await Database.open(join(dir, "floor.sqlite"));
  await floorDb.exec("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const body = "x".repeat(450);
  const started = process.hrtime.bigint();
  for (let i = 0; i < INGEST; i++) await floorDb.run("INSERT INTO floor (body) VALUES (?)", [body]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await floorDb.close();
  return ms / INGEST;
}
// A plate of its own per report, except every tenth, which repeats the one before: a match to correlate.
const plates = (i: number) => `FG-${String(((i % 10 === 9 ? i - 1 : i) % 999) + 1).padStart(3, "0")}-HJ`;
/**
 * Reports of the eight services' rooms in turn: with `rooms` = 1 one after the other; with 8 the
 * rooms write at once, each room's reports in order, as the bot handles the rooms of one sync batch
 * side by side (src/matrix/bot-sdk-transport.ts), and their transactions share commits (group
 * commit, src/store/db.ts).
 */
async function ingest(
  rooms: number,
  offset: number,
): Promise<{ ms: number; statements: number; commits: number; journalCommits: number }> {
  const before = { ...db.counters };
  const journalBefore = { ...journal.counters };
  const started = process.hrtime.bigint();
  const one = async (i: number) => {
    const service = SERVICES[i % SERVICES.length]!;
    const result = await report.execute(
      {
        args: {},
        rawArgs: `type=deal commune=epinal quand="hier 22h" cotation=B2 plaque=${plates(i)} guetteurs au parking de la gare n${i}`,
        sender: { kind: "officer", userId: `@${service}:t`, service: config.services[i % SERVICES.length]! },
        roomKey: service,
        roomId: `!${service}`,
        eventId: `$ingest${i}`,
        threadRoot: `$ingest${i}`,
        sentAt: Date.now(),
      },
      // Officers report here: the referents' contribution path is never taken.
      { capture, contribution: undefined as never },
    );
    if (result.kind !== "stored") throw new Error(`ingest: report not stored: ${JSON.stringify(result)}`);
  };
  await Promise.all(
    Array.from({ length: rooms }, async (_, room) => {
      for (let i = offset + room; i < offset + INGEST; i += rooms) await one(i);
    }),
  );
  // The relay's marks, the journal's batches and the search indexer's (src/jobs/search-index.ts)
  // are part of the cost of taking reports in.
  await relay.mark();
  await journalInbox.flush();
  while ((await capture.reports.indexForSearch()) > 0);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    ms: ms / INGEST,
    statements: (db.counters.statements - before.statements) / INGEST,
    commits: (db.counters.commits - before.commits) / INGEST,
    journalCommits: (journal.counters.commits - journalBefore.commits) / INGEST,
  };
}
const floorBefore = await floor();
const ingested = await ingest(1, 0);
const burst = await ingest(SERVICES.length, INGEST);
const floorAfter = await floor();
const floorMs = (floorBefore + floorAfter) / 2;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const ingestFigures = {
  reports: INGEST,
  project_ms_per_report: round(ingested.ms),
  floor_ms_per_row: round(floorMs),
  floor_ms_per_row_before_after: [round(floorBefore), round(floorAfter)],
  statements_per_report: round(ingested.statements, 1),
  commits_per_report: round(ingested.commits, 1),
  journal_commits_per_report: round(ingested.journalCommits, 1),
  // The same number of reports from the eight rooms at once.
  burst_rooms: SERVICES.length,
  burst_ms_per_report: round(burst.ms),
  burst_statements_per_report: round(burst.statements, 1),
  burst_commits_per_report: round(burst.commits, 1),
};
console.log(`ingest: ${JSON.stringify(ingestFigures)}`);
const result = {
  reports: REPORTS,
  communes: codes.length,
  grades: VARIED_GRADES ? "A–F × 1–4" : "B2",
  seed_ms: seedMs,
  runs: RUNS,
  room: "douane (partner service)",
  p95_ms: p95,
  ingest_ratio: round(floorMs / ingested.ms),
  ingest_ratio_burst: round(floorMs / burst.ms),
  ingest: ingestFigures,
  rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
const breadth = codes.length === 10 && !VARIED_GRADES ? "" : `-communes${codes.length}${VARIED_GRADES ? "-grades" : ""}`;
const file = `bench/results/scale-${REPORTS}${breadth}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${file}`);
await journalInbox.stop();
await journal.close();
await reader.close();
await db.close();
if (values.keep) console.log(`store kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
