import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carte, mapText } from "../../src/commands/carte.js";
import { tendances } from "../../src/commands/tendances.js";
import { asReply } from "../../src/core/command.js";
import { toPlain } from "../../src/core/message.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { compareUnits } from "../../src/core/territory/compare.js";
import { parseTerritoryRequest } from "../../src/core/territory/request.js";
import { benjaminiHochberg, binomialPmf, binomialTest, poissonRatesTest } from "../../src/core/territory/stats.js";
import type { MapData } from "../../src/core/territory/types.js";
import { COUNT_COLOURS, renderMap, renderTrends } from "../../src/territory/render.js";
import { vosgesFrame } from "../../src/territory/frame.js";
import { migrate } from "../../src/store/migrations.js";
import { TerritoryStore } from "../../src/store/territory.js";
import { storeBefore } from "./support/migrated.js";
import { type FactSpec, fieldsOf, territoryFixture } from "./support/territory-fixture.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T11:00:00Z");
const TZ = "Europe/Paris";
const EPINAL = "88160";
const GOLBEY = "88209";
const CHANTRAINE = "88087";
const SAINT_DIE = "88413";
const VITTEL = "88516";
const period30 = { from: NOW - 30 * DAY, to: NOW, label: "30 jours" };

describe("exact test of two Poisson counts (published reference values)", () => {
  it("matches R's binom.test on Mendel's peas: 682 of 925 against p = 3/4 gives p = 0.3825", () => {
    expect(binomialTest(682, 925, 0.75)).toBeCloseTo(0.3825, 4);
  });

  it("matches R's poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)): p = 0.07967", () => {
    const { p, rateRatio } = poissonRatesTest(11, 800, 21, 1083 + 1050 + 878);
    expect(p).toBeCloseTo(0.07967, 5);
    expect(rateRatio).toBeCloseTo(1.971488, 5);
  });

  it("sums only the tails that count: the same p-value as every outcome summed, up to n = 40,000", () => {
    // The definition, outcome by outcome (as R's binom.test states it).
    const everyOutcome = (x: number, n: number, p: number) => {
      const observed = binomialPmf(x, n, p);
      let total = 0;
      for (let k = 0; k <= n; k++) {
        const pk = binomialPmf(k, n, p);
        if (pk <= observed * (1 + 1e-7)) total += pk;
      }
      return Math.min(1, total);
    };
    let compared = 0;
    for (const n of [1, 2, 7, 30, 311, 4_000, 40_000]) {
      for (const p of [0.001, 0.1, 0.37, 0.5, 0.8, 0.999]) {
        for (const x of new Set([0, 1, Math.floor(n * p), Math.round(n * p * 0.9), Math.round(n * p * 1.05), n - 1, n])) {
          if (x < 0 || x > n) continue;
          const expected = everyOutcome(x, n, p);
          const got = binomialTest(x, n, p);
          expect(Math.abs(got - expected), `${x}/${n} at ${p}`).toBeLessThanOrEqual(expected * 1e-12 + 1e-300);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(binomialTest(0, 10, 0)).toBe(1);
    expect(binomialTest(3, 10, 0)).toBe(0);
  });

  it("equal exposures: 12 against 2 is a clear rise (p < 0.05), 6 against 4 is not", () => {
    expect(poissonRatesTest(12, 1, 2, 1).p).toBeLessThan(0.05);
    expect(poissonRatesTest(6, 1, 4, 1).p).toBeGreaterThan(0.5);
  });

  it("Benjamini–Hochberg on the 15 p-values of Benjamini & Hochberg (1995): 4 discoveries at 5 %", () => {
    const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1];
    const q = benjaminiHochberg(p);
    expect(q.filter((v) => v <= 0.05)).toHaveLength(4);
    // R: p.adjust(p, "BH")[1:4] = 0.0015 0.0030 0.0095 0.035625
    expect(q.slice(0, 4).map((v) => Number(v.toFixed(6)))).toEqual([0.0015, 0.003, 0.0095, 0.035625]);
  });
});

describe("period over period", () => {
  it("says « trop peu de faits » below 5 facts over the two periods, never « hausse »", () => {
    const changes = compareUnits([
      { code: "a", nom: "A", current: 4, previous: 0 },
      { code: "b", nom: "B", current: 2, previous: 2 },
      { code: "c", nom: "C", current: 0, previous: 0 },
    ]);
    expect(changes.map((c) => c.trend)).toEqual(["trop peu de faits", "trop peu de faits", "trop peu de faits"]);
    expect(changes.every((c) => c.p === null)).toBe(true);
  });

  it("flags a significant rise and fall, and leaves a noisy change « stable »", () => {
    const changes = compareUnits([
      { code: "up", nom: "Up", current: 20, previous: 2 },
      { code: "down", nom: "Down", current: 1, previous: 15 },
      { code: "noise", nom: "Noise", current: 6, previous: 4 },
    ]);
    expect(changes.map((c) => c.trend)).toEqual(["hausse", "baisse", "stable"]);
  });
});

describe("what !carte and !tendances understand", () => {
  it("reads a period, types, a scale and « comparer » in any order", () => {
    const r = parseTerritoryRequest("canton deal 7j comparer stockage", NOW, TZ, DEFAULT_FACT_TYPES);
    if (!r.ok) throw new Error(r.problems.join());
    expect(r.request.scale).toBe("canton");
    expect(r.request.compare).toBe(true);
    expect(r.request.types.map((t) => t.key)).toEqual(["point_de_deal", "stockage"]);
    expect(r.request.period.to - r.request.period.from).toBe(7 * DAY);
  });

  it("defaults to 30 days by commune, and knows « trimestre » and « depuis 01/09 »", () => {
    const d = parseTerritoryRequest("", NOW, TZ, DEFAULT_FACT_TYPES);
    expect(d.ok && d.request.period.label).toBe("30 jours");
    expect(d.ok && d.request.scale).toBe("commune");
    const q = parseTerritoryRequest("trimestre", NOW, TZ, DEFAULT_FACT_TYPES);
    expect(q.ok && new Date(q.request.period.from).toISOString()).toBe("2026-09-30T22:00:00.000Z");
    const s = parseTerritoryRequest("depuis 01/09", NOW, TZ, DEFAULT_FACT_TYPES);
    expect(s.ok && new Date(s.request.period.from).toISOString()).toBe("2026-08-31T22:00:00.000Z");
  });

  it("answers an unknown word in French with what is expected", () => {
    const r = parseTerritoryRequest("30j banane", NOW, TZ, DEFAULT_FACT_TYPES);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toContain("« banane » n'est ni une période");
  });
});

describe("aggregation on a fixed store, through the policy", () => {
  const at = (daysAgo: number) => NOW - daysAgo * DAY;
  const facts: FactSpec[] = [
    // Épinal: 4 this period (one at a repeated address), 6 the period before → a recent hot spot.
    ...[1, 2, 3, 4].map((d) => ({
      service: "gir",
      commune: EPINAL,
      observedAt: at(d),
      address: d <= 2 ? "12 rue de la Gare" : undefined,
    })),
    ...[31, 33, 35, 40, 45, 50].map((d) => ({ service: "gir", commune: EPINAL, observedAt: at(d) })),
    // Golbey, next to Épinal: nothing before, 2 now → relocation next to a hot spot.
    { service: "ddsp", commune: GOLBEY, observedAt: at(5), type: "stockage" },
    { service: "ddsp", commune: GOLBEY, observedAt: at(6) },
    // Saint-Dié: one cross fact now; one « service » fact of ddsp (the gir room must not count it).
    { service: "gir", commune: SAINT_DIE, observedAt: at(7) },
    { service: "ddsp", commune: SAINT_DIE, observedAt: at(8), diffusion: { level: "service" } },
    // Restricted to douane: only douane (and the coordinator) count it.
    { service: "ddsp", commune: VITTEL, observedAt: at(9), diffusion: { level: "restreint", services: ["douane"] } },
    // Withdrawn, and out of both windows: never counted.
    { service: "gir", commune: CHANTRAINE, observedAt: at(2), cancelled: true },
    { service: "gir", commune: CHANTRAINE, observedAt: at(90) },
  ];
  let fixture: Awaited<ReturnType<typeof territoryFixture>>;
  beforeAll(async () => {
    fixture = await territoryFixture(["ggd", "gir", "ddsp", "douane"], facts);
  });
  afterAll(async () => fixture.db.close());

  const query = { period: period30, types: [], scale: "commune" as const, compare: false };
  const count = (data: MapData, code: string) => data.units.find((u) => u.code === code);

  it("counts per commune what a partner service room may see, zeros included", async () => {
    const data = await fixture.territory.map("gir", query);
    expect(data.units).toHaveLength(506);
    expect(count(data, EPINAL)).toMatchObject({ current: 4, previous: 6 });
    expect(count(data, GOLBEY)).toMatchObject({ current: 2, previous: 0 });
    expect(count(data, SAINT_DIE)).toMatchObject({ current: 1, previous: 0 });
    expect(count(data, VITTEL)).toMatchObject({ current: 0, previous: 0 });
    expect(count(data, CHANTRAINE)).toMatchObject({ current: 0, previous: 0 });
    expect(data.total).toBe(7);
    expect(data.previousTotal).toBe(6);
  });

  it("the coordinator's room sees everything active; douane sees the restricted fact; coordination only cross", async () => {
    expect((await fixture.territory.map("ggd", query)).total).toBe(9);
    const douane = await fixture.territory.map("douane", query);
    expect(count(douane, VITTEL)?.current).toBe(1);
    expect(count(douane, SAINT_DIE)?.current).toBe(1);
    expect((await fixture.territory.map("coordination", query)).total).toBe(7);
  });

  it("filters by type, rolls communes up into cantons and arrondissements", async () => {
    const stock = await fixture.territory.map("gir", { ...query, types: [DEFAULT_FACT_TYPES[2]!] });
    expect(stock.total).toBe(1);
    expect(count(stock, GOLBEY)?.current).toBe(1);
    const cantons = await fixture.territory.map("gir", { ...query, scale: "canton" });
    expect(cantons.units).toHaveLength(17);
    expect(cantons.units.reduce((s, u) => s + u.current, 0)).toBe(7);
    const arr = await fixture.territory.map("gir", { ...query, scale: "arrondissement" });
    expect(arr.units.map((u) => [u.nom, u.current])).toEqual([
      ["Épinal", 6],
      ["Neufchâteau", 0],
      ["Saint-Dié-des-Vosges", 1],
    ]);
  });

  it("finds hot spots, repeated places, and new facts next to a recent hot spot (adjacency from the contours)", async () => {
    const data = await fixture.territory.map("gir", query);
    expect(data.hotSpots.map((h) => h.nom)).toEqual(["Épinal"]);
    expect(data.places).toEqual([expect.objectContaining({ display: "12 rue de la Gare", nom: "Épinal", n: 2 })]);
    expect(data.relocations).toEqual([
      expect.objectContaining({ nom: "Golbey", current: 2, previous: 0, near: [{ code: EPINAL, nom: "Épinal", previous: 6 }] }),
    ]);
    const text = toPlain(mapText(data));
    expect(text).toContain("Ce salon voit 7 renseignements sur la période (période précédente : 6)");
    expect(text).toContain("Golbey : 0 → 2, voisine de Épinal");
    expect(text).toContain("12 rue de la Gare (Épinal) : 2 faits");
  });

  it("comparer: Épinal 6 → 4 is tested and not called a fall; communes with fewer than 5 facts are « trop peu de faits »", async () => {
    const data = await fixture.territory.map("gir", { ...query, compare: true });
    expect(count(data, EPINAL)?.trend).toBe("stable");
    expect(count(data, GOLBEY)?.trend).toBe("trop peu de faits");
    const text = toPlain(mapText(data));
    expect(text).toContain("Aucune hausse ni baisse significative");
    expect(text).toContain("2 communes : trop peu de faits pour conclure");
    expect(text).not.toContain("hausse significative :");
  });

  it("trends: weekly counts by type cover the period, zero weeks included", async () => {
    const data = await fixture.territory.trends("gir", period30, []);
    expect(data.total).toBe(7);
    expect(data.weeks.length).toBeGreaterThanOrEqual(5);
    expect(data.weeks.reduce((s, w) => s + Object.values(w.counts).reduce((a, b) => a + b, 0), 0)).toBe(7);
    expect(data.types.map((t) => t.key)).toEqual(["point_de_deal", "stockage"]);
  });

  it("!carte and !tendances: French text companion plus one PNG each; bad words answered in French", async () => {
    const invocation = {
      sender: fixture.directory.identify("@gir:t")!,
      roomKey: "gir",
      roomId: "!gir",
      eventId: "$cmd",
      threadRoot: "$cmd",
      sentAt: NOW,
    };
    const deps = { territory: fixture.territory, territoryContext: { timeZone: TZ, types: DEFAULT_FACT_TYPES } };
    const result = await carte.execute({ ...invocation, args: { options: "30j" }, rawArgs: "30j" }, deps);
    expect(toPlain(asReply(carte.render(result)).message)).toContain("🗺️ Carte par commune — 30 jours");
    const images = asReply(carte.render(result)).images ?? [];
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ mimetype: "image/png", w: 1280, h: 860 });
    const bad = await carte.execute({ ...invocation, args: { options: "30j banane" }, rawArgs: "30j banane" }, deps);
    expect(carte.verdict!(bad)).toBe("ko");
    expect(asReply(carte.render(bad)).images ?? []).toHaveLength(0);
    expect(toPlain(asReply(carte.render(bad)).message)).toContain("« banane »");
    const trends = await tendances.execute({ ...invocation, args: {}, rawArgs: "" }, deps);
    expect(toPlain(asReply(tendances.render(trends)).message)).toContain("📈 Tendances — 30 jours");
    expect(asReply(tendances.render(trends)).images?.[0]).toMatchObject({ mimetype: "image/png", w: 1280, h: 720 });
  });
});

describe("rendered PNG, decoded back", () => {
  const frame = vosgesFrame();
  const units = frame.communes.map((c, i) => ({
    code: c.code,
    nom: c.nom,
    current: c.code === EPINAL ? 40 : i % 7 === 0 ? (i % 5) + 1 : 0,
    previous: 0,
    trend: "trop peu de faits" as const,
    p: null,
    q: null,
  }));
  const data: MapData = {
    cellName: "CROSS des Vosges",
    timeZone: TZ,
    period: period30,
    previous: { from: NOW - 60 * DAY, to: NOW - 30 * DAY, label: "période précédente" },
    compare: false,
    scale: "commune",
    typeLabels: [],
    units,
    total: units.reduce((s, u) => s + u.current, 0),
    previousTotal: 0,
    hotSpots: [],
    places: [],
    relocations: [],
  };
  const png = PNG.sync.read(renderMap(data).bytes);
  const pixel = (x: number, y: number) => {
    const i = (png.width * y + x) * 4;
    return `#${[png.data[i], png.data[i + 1], png.data[i + 2]].map((v) => (v ?? 0).toString(16).padStart(2, "0")).join("")}`;
  };
  const region = (x0: number, y0: number, x1: number, y1: number) => {
    const colours = new Set<string>();
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) colours.add(pixel(x, y));
    return colours;
  };

  it("has the frame's dimensions", () => {
    expect([png.width, png.height]).toEqual([1280, 860]);
  });

  it("has a title: dark text in the title band", () => {
    let dark = 0;
    for (let y = 10; y < 50; y++)
      for (let x = 24; x < 600; x++) {
        const i = (png.width * y + x) * 4;
        if ((png.data[i] ?? 255) + (png.data[i + 1] ?? 255) + (png.data[i + 2] ?? 255) < 3 * 64) dark++;
      }
    expect(dark).toBeGreaterThan(500);
  });

  it("has the legend: the white « 0 » swatch and the ramp's colours in the right panel", () => {
    const panel = region(950, 140, 990, 320);
    expect(panel.has("#ffffff")).toBe(true);
    expect(panel.has(COUNT_COLOURS[0])).toBe(true);
    expect(panel.has(COUNT_COLOURS[4])).toBe(true);
  });

  it("draws Épinal in the darkest class and a commune with 0 in white, not missing", () => {
    const epinal = frame.communes.find((c) => c.code === EPINAL)!;
    const zero = frame.communes.find((c, i) => i % 7 !== 0 && c.code !== EPINAL && c.neighbours.length >= 5)!;
    const near = (_code: string, [x, y]: [number, number]) =>
      region(Math.round(x) - 3, Math.round(y) + 8, Math.round(x) + 3, Math.round(y) + 11);
    expect(near(EPINAL, epinal.label).has(COUNT_COLOURS[4])).toBe(true);
    expect(near(zero.code, zero.label).has("#ffffff")).toBe(true);
  });

  it("stays small: a map PNG under 500 KB, a trends PNG too", () => {
    expect(renderMap(data).bytes.length).toBeLessThan(500_000);
    const trends = renderTrends({
      cellName: "CROSS des Vosges",
      timeZone: TZ,
      period: period30,
      previous: data.previous,
      typeLabels: [],
      types: [{ key: "point_de_deal", label: "Point de deal" }],
      weeks: [{ start: NOW - 7 * DAY, counts: { point_de_deal: 3 } }],
      total: 3,
      previousTotal: 1,
      changes: [],
    });
    expect(PNG.sync.read(trends.bytes).width).toBe(1280);
    expect(trends.bytes.length).toBeLessThan(500_000);
  });
});

describe("territory_facts follows the reports (triggers, backfill)", () => {
  it("an amended report moves on the map, a withdrawn one leaves it, a narrowed one leaves the rooms that lost it", async () => {
    const fixture = await territoryFixture(["ggd", "gir", "ddsp"], [{ service: "ddsp", commune: EPINAL, observedAt: NOW - DAY }]);
    const query = { period: period30, types: [], scale: "commune" as const, compare: false };
    const at = async (room: string, code: string) =>
      (await fixture.territory.map(room, query)).units.find((u) => u.code === code)?.current;
    const report = (await fixture.capture.reports.byId(1))!;
    expect(await at("gir", EPINAL)).toBe(1);
    await fixture.capture.write.amend(
      report.id,
      "update",
      { ...report.fields, commune: { code: GOLBEY, nom: "Golbey" } },
      report.author,
      NOW,
      "$move",
    );
    expect([await at("gir", EPINAL), await at("gir", GOLBEY)]).toEqual([0, 1]);
    const moved = (await fixture.capture.reports.byId(report.id))!;
    await fixture.capture.write.amend(
      report.id,
      "update",
      { ...moved.fields, diffusion: { level: "service" } },
      report.author,
      NOW,
      "$narrow",
    );
    expect([await at("gir", GOLBEY), await at("ddsp", GOLBEY), await at("ggd", GOLBEY)]).toEqual([0, 1, 1]);
    const narrowed = (await fixture.capture.reports.byId(report.id))!;
    await fixture.capture.write.withdraw({ ...report, fields: narrowed.fields }, report.author, NOW, "$cancel", null);
    expect(await at("ggd", GOLBEY)).toBe(0);
    await fixture.db.close();
  });

  it("a repeated address appears on the map when amendments name it twice, and leaves when one no longer does", async () => {
    const fixture = await territoryFixture(
      ["ggd", "gir", "ddsp"],
      [1, 2].map((d) => ({ service: "ddsp", commune: EPINAL, observedAt: NOW - d * DAY })),
    );
    const query = { period: period30, types: [], scale: "commune" as const, compare: false };
    const places = async () => (await fixture.territory.map("gir", query)).places.map((p) => [p.display, p.n]);
    const address = { kind: "address" as const, value: "12 rue de la gare", display: "12 Rue de la Gare" };
    const withEntities = async (id: number, entities: (typeof address)[], event: string) => {
      const r = (await fixture.capture.reports.byId(id))!;
      await fixture.capture.write.amend(id, "update", { ...r.fields, entities }, r.author, NOW, event);
    };
    expect(await places()).toEqual([]);
    await withEntities(1, [address], "$a1");
    await withEntities(2, [address], "$a2");
    expect(await places()).toEqual([["12 Rue de la Gare", 2]]);
    await withEntities(2, [], "$a3");
    expect(await places()).toEqual([]);
    await fixture.db.close();
  });

  it("a window's classes are exactly those of its active facts, whatever the window", async () => {
    const diffusions = [
      { level: "cross" as const },
      { level: "service" as const },
      { level: "restreint" as const, services: ["gir"] },
    ];
    const facts: FactSpec[] = Array.from({ length: 60 }, (_, i) => ({
      service: ["ggd", "gir", "ddsp"][i % 3]!,
      commune: [EPINAL, GOLBEY, VITTEL][(i % 5) % 3]!,
      observedAt: NOW - (i * 7 + (i % 4)) * DAY,
      diffusion: diffusions[(i % 7) % 3]!,
      cancelled: i % 6 === 0,
    }));
    const fixture = await territoryFixture(["ggd", "gir", "ddsp"], facts);
    const store = new TerritoryStore(fixture.db);
    const seen = new Set<string>();
    for (const [from, to] of [
      [NOW - 30 * DAY, NOW],
      [NOW - 100 * DAY, NOW - 60 * DAY],
      [NOW - 3 * DAY, NOW - 2 * DAY],
      [NOW - 500 * DAY, NOW + DAY],
    ] as const) {
      const expected = await fixture.db.all<{ class: string }>(
        "SELECT DISTINCT class FROM territory_facts WHERE active = 1 AND at >= ? AND at < ? ORDER BY class",
        [from, to],
      );
      const classes = (await store.classes({ from, to })).map((c) => c.key);
      expect(classes.sort(), `${from}`).toEqual(expected.map((r) => r.class));
      classes.forEach((c) => seen.add(c));
    }
    expect(seen.size).toBeGreaterThan(5);
    await fixture.db.close();
  });

  it("reports naming an address before migration 23 still make a repeated place after it", async () => {
    const db = await storeBefore("ADD COLUMN has_address");
    for (const i of [1, 2, 3]) {
      const fields = fieldsOf({
        service: "gir",
        commune: VITTEL,
        observedAt: NOW - i * DAY,
        ...(i < 3 ? { address: "3 rue Haute" } : {}),
      });
      const { lastID } = await db.run(
        `INSERT INTO reports (ref, source_event_id, room_id, room_key, service, author, created_at, version, fields_json)
         VALUES (?, ?, '!gir', 'gir', 'gir', '@gir:t', ?, 1, ?)`,
        [`88-2026-000${i}`, `$old${i}`, NOW - i * DAY, JSON.stringify(fields)],
      );
      for (const e of fields.entities) {
        await db.run("INSERT INTO report_entities (report_id, kind, value, display) VALUES (?, ?, ?, ?)", [
          lastID,
          e.kind,
          e.value,
          e.display,
        ]);
      }
    }
    await migrate(db);
    const store = new TerritoryStore(db);
    const window = { from: NOW - 30 * DAY, to: NOW };
    const classes = (await store.classes(window)).map((c) => c.key);
    expect(await store.places(window, { classes, types: [] }, 2)).toEqual([
      { commune: VITTEL, key: "3 rue haute", display: "3 rue Haute", n: 2 },
    ]);
    await db.close();
  });

  it("reports stored before the migration are counted after it", async () => {
    const db = await storeBefore("CREATE TABLE territory_facts");
    await db.run(
      `INSERT INTO reports (ref, source_event_id, room_id, room_key, service, author, created_at, version, fields_json)
       VALUES ('88-2026-0001', '$old', '!gir', 'gir', 'gir', '@gir:t', ?, 1, ?)`,
      [NOW - DAY, JSON.stringify(fieldsOf({ service: "gir", commune: VITTEL, observedAt: NOW - DAY }))],
    );
    await migrate(db);
    const store = new TerritoryStore(db);
    const classes = await store.classes({ from: NOW - 30 * DAY, to: NOW });
    expect(classes.map((c) => [c.service, c.level])).toEqual([["gir", "cross"]]);
    const rows = await store.communeCounts({ from: NOW - 60 * DAY, to: NOW }, NOW - 30 * DAY, {
      classes: classes.map((c) => c.key),
      types: [],
    });
    expect(rows).toEqual([{ commune: VITTEL, current: 1, previous: 0 }]);
    await db.close();
  });
});
