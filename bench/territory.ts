/**
 * Maps and trends on a large store: `node --import tsx bench/territory.ts [reports]` (default
 * 1,000,000) — writes bench/results/territory.json.
 *
 * Seeds a file database with the project's own schema (migrations) inside SQLite itself (recursive
 * CTE: reports spread over 3 years, 506 communes, 9 types, 8 services, a mix of cross / service /
 * restreint diffusion, 1 % withdrawn, 10 % with an address), then measures, entitlement-filtered
 * for a partner service room and for the coordinator's room:
 * - the counts for 30 days against the previous 30 with their exact tests (the issue's target), then
 *   the whole map aggregation (`territory.map`: counts, tests, hot spots, repeated places and
 *   relocations), and the trends aggregation;
 * - rendering the 506-commune map to PNG, and its size.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCapture } from "../src/app/capture.js";
import { Directory } from "../src/core/directory.js";
import { DEFAULT_FACT_TYPES } from "../src/core/report/fact-types.js";
import { compareUnits } from "../src/core/territory/compare.js";
import { Database } from "../src/store/db.js";
import { migrate } from "../src/store/migrations.js";
import { TerritoryStore } from "../src/store/territory.js";
import { vosgesFrame } from "../src/territory/frame.js";
import { mapSvg, renderMap, toPng } from "../src/territory/render.js";
import { territory } from "../src/territory/service.js";
import { cellConfig } from "../test/unit/support/territory-fixture.js";

const REPORTS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 30;
const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T11:00:00Z");
const SERVICES = ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"];

const config = cellConfig(SERVICES);

const dir = join(tmpdir(), "crossbot-bench-territory");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const db = await Database.open(join(dir, "cross.sqlite"));
await migrate(db);
await db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;");

const seedStarted = Date.now();
const codes = vosgesFrame().communes.map((c) => c.code);
await db.exec(`CREATE TEMP TABLE communes (i INTEGER PRIMARY KEY, code TEXT);
  INSERT INTO communes (i, code) VALUES ${codes.map((c, i) => `(${i}, '${c}')`).join(",")};
  CREATE TEMP TABLE services (i INTEGER PRIMARY KEY, key TEXT);
  INSERT INTO services (i, key) VALUES ${SERVICES.map((s, i) => `(${i}, '${s}')`).join(",")};
  CREATE TEMP TABLE types (i INTEGER PRIMARY KEY, key TEXT);
  INSERT INTO types (i, key) VALUES ${DEFAULT_FACT_TYPES.map((t, i) => `(${i}, '${t.key}')`).join(",")};`);
const span = 3 * 365 * DAY;
await db.exec(`
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REPORTS}),
  r AS MATERIALIZED (
    SELECT i,
      ${NOW} - (abs(random()) % ${span}) AS at,
      -- A skewed commune choice: a few towns get most facts, as in life.
      CASE WHEN abs(random()) % 3 = 0 THEN abs(random()) % 12 ELSE abs(random()) % ${codes.length} END AS c,
      abs(random()) % ${SERVICES.length} AS s,
      abs(random()) % ${DEFAULT_FACT_TYPES.length} AS t,
      abs(random()) % 10 AS d,
      abs(random()) % 100 AS x
    FROM n
  )
  INSERT INTO reports (id, ref, source_event_id, room_id, room_key, service, author, created_at, status, version, fields_json)
  SELECT r.i, '88-B-' || r.i, '$bench' || r.i, '!' || sv.key, sv.key, sv.key, '@' || sv.key || ':t', r.at + 60000,
    CASE WHEN r.x = 0 THEN 'cancelled' ELSE 'active' END, 1,
    json_object(
      'type', ty.key,
      'commune', json_object('code', co.code, 'nom', co.code),
      'place', CASE WHEN r.x < 5 THEN 'parking du centre' ELSE NULL END,
      'observedAt', strftime('%Y-%m-%dT%H:%M:%S.000Z', r.at / 1000, 'unixepoch'),
      'observedPrecision', 'minute',
      'grade', json_object('reliability', 'B', 'credibility', 2),
      'diffusion', CASE WHEN r.d < 6 THEN json_object('level', 'cross')
                        WHEN r.d < 9 THEN json_object('level', 'service')
                        ELSE json_object('level', 'restreint', 'services', json_array('douane', 'gir')) END,
      'substances', json_array(), 'peopleCount', NULL,
      -- One report in ten names an address (its entities, as the store writes them, and below).
      'entities', CASE WHEN r.i % 10 = 0
        THEN json_array(json_object('kind', 'address', 'value', (r.i % 50) || ' rue de la gare', 'display', (r.i % 50) || ' rue de la Gare'))
        ELSE json_array() END,
      'text', 'fait de banc d''essai'
    )
  FROM r JOIN communes co ON co.i = r.c JOIN services sv ON sv.i = r.s JOIN types ty ON ty.i = r.t;
  INSERT INTO report_entities (report_id, kind, value, display)
    SELECT id, 'address', (id % 50) || ' rue de la gare', (id % 50) || ' rue de la Gare' FROM reports WHERE id % 10 = 0;
  ANALYZE;
`);
const seedMs = Date.now() - seedStarted;
const stored = (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM reports"))?.n ?? 0;
console.log(`seeded ${stored} reports in ${seedMs} ms`);

const capture = buildCapture(
  config,
  db,
  new Directory(config),
  async () => ({ rooms: 0, pending: false }),
  async () => undefined,
);
const service = territory({
  store: new TerritoryStore(db),
  roomMaySee: capture.roomMaySee,
  cellName: config.cross.name,
  timeZone: config.cross.timezone,
  types: DEFAULT_FACT_TYPES,
});
const period = { from: NOW - 30 * DAY, to: NOW, label: "30 jours" };
const query = { period, types: [], scale: "commune" as const, compare: true };

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number[]; last: T }> {
  let last = await work(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    last = await work();
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { ms, last };
}
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50_ms: Number(at(0.5).toFixed(1)), p95_ms: Number(at(0.95).toFixed(1)), max_ms: Number(at(1).toFixed(1)) };
};

// The counts alone (what the issue's target is about): policy classes, commune counts for both
// windows, the exact tests with Benjamini–Hochberg.
const store = new TerritoryStore(db);
const countsOnly = await timed(async () => {
  const window = { from: NOW - 60 * DAY, to: NOW };
  const classes = (await store.classes(window)).filter((c) =>
    capture.roomMaySee(
      {
        service: c.service,
        diffusion:
          c.level === "restreint"
            ? { level: "restreint", services: c.services }
            : c.level === "service"
              ? { level: "service" }
              : { level: "cross" },
      },
      "gir",
    ),
  );
  const rows = await store.communeCounts(window, NOW - 30 * DAY, { classes: classes.map((c) => c.key), types: [] });
  return compareUnits(rows.map((r) => ({ code: r.commune, nom: r.commune, current: r.current, previous: r.previous })));
});
const partner = await timed(() => service.map("gir", query));
const coordinator = await timed(() => service.map("ggd", query));
const trends = await timed(() => service.trends("gir", period, []));
const svg = await timed(() => mapSvg(partner.last));
const render = await timed(() => renderMap(partner.last));
const png = render.last;
const compareRender = await timed(() => toPng(mapSvg(coordinator.last), "carte.png"));

const result = {
  benchmark: "territory (!carte, !tendances)",
  reports: stored,
  seed_ms: seedMs,
  window_reports_60d: partner.last.total + partner.last.previousTotal,
  runs: RUNS,
  counts_30d_vs_previous_with_tests_partner_room: stats(countsOnly.ms),
  map_aggregation_30d_vs_previous_partner_room: { ...stats(partner.ms), visible_30d: partner.last.total },
  map_aggregation_30d_vs_previous_coordinator_room: { ...stats(coordinator.ms), visible_30d: coordinator.last.total },
  trends_aggregation_30d_partner_room: stats(trends.ms),
  svg_build_506_communes: stats(svg.ms),
  render_png_506_communes: stats(render.ms),
  render_png_compare_map: stats(compareRender.ms),
  png_bytes: png.bytes.length,
  png_size: `${png.w}×${png.h}`,
  targets: { aggregation_p95_ms: 100, render_p95_ms: 1000, png_bytes: 500_000 },
  node: process.version,
  cpus: (await import("node:os")).cpus().length,
  at: new Date().toISOString(),
};
await db.close();
if (!process.env.KEEP_DB) rmSync(dir, { recursive: true, force: true });
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/territory.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
