import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import type { Grade } from "../../src/core/report/grading.js";
import type { ReportFields } from "../../src/core/report/report.js";
import { toHtml, toPlain } from "../../src/core/message.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { agendaListings, buildAgenda } from "../../src/core/rhythm/agenda.js";
import { buildDigest, DIGEST_LISTINGS } from "../../src/core/rhythm/digest.js";
import { MAX_NOTABLE, notableOf, summarise } from "../../src/core/rhythm/summary.js";
import { countPeriod, type PeriodSummary, type RhythmContext, type RhythmReport } from "../../src/core/rhythm/types.js";
import { gatherer } from "../../src/app/rhythm/gather.js";
import { migrate } from "../../src/store/migrations.js";
import { ReportStore } from "../../src/store/reports.js";
import { RhythmStore } from "../../src/store/rhythm.js";
import { parseClassKey } from "../../src/store/territory.js";
import { diffusionOf } from "../../src/territory/service.js";
import { copyReports, storeBefore } from "./support/migrated.js";
import { territoryFixture, type FactSpec } from "./support/territory-fixture.js";

/**
 * Digests and agendas count and list in SQL (rhythm_facts, one class at a time through the policy).
 * Here the same seeded store is read both ways: the old way (every report loaded, the policy asked
 * about each one, counted in JavaScript) and the new one; every room must get the same, and only
 * what it may see.
 */
const SERVICES = ["ggd", "douane", "gir", "sr"];
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
/**
 * Five towns, and thirty villages of the Épinal arrondissement: a line of an agenda (arrondissement
 * and type) or of a digest (type) then gathers more groups than it lists references, and the store
 * reads only those a line may list.
 */
const COMMUNES = [
  "88160",
  "88413",
  "88383",
  "88465",
  "88209",
  ...CommuneIndex.vosges()
    .all()
    .filter((c) => c.arrondissement === "881" && !["88160", "88413", "88383", "88465", "88209"].includes(c.code))
    .slice(0, 30)
    .map((c) => c.code),
];
const TYPES = ["point_de_deal", "go_fast", "guetteur"];
const DIFFUSIONS: Diffusion[] = [
  { level: "cross" },
  { level: "service" },
  { level: "restreint", services: ["douane", "gir"] },
  { level: "restreint", services: ["sr"] },
];
/** Half of them notable by their grade alone (A/B with 1/2), the others only when matched. */
const GRADES: Grade[] = [
  { reliability: "A", credibility: 1 },
  { reliability: "B", credibility: 2 },
  { reliability: "B", credibility: 3 },
  { reliability: "C", credibility: 2 },
];

/** mulberry32: a small deterministic generator, so that the store is the same at every run. */
function random(seed: number) {
  let a = seed;
  return (n: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const pick = random(42);
const facts: FactSpec[] = Array.from({ length: 400 }, (_, i) => {
  const commune = COMMUNES[pick(COMMUNES.length)]!;
  // A commune is not always named alike (an old name, a typing): a line names it as its most
  // recent report does.
  return {
    service: SERVICES[pick(SERVICES.length)]!,
    commune,
    nom: pick(3) === 0 ? `${commune} (ancien nom)` : `${commune} nom`,
    type: TYPES[pick(TYPES.length)]!,
    observedAt: START + pick(40 * DAY),
    diffusion: DIFFUSIONS[pick(DIFFUSIONS.length)]!,
    grade: GRADES[pick(GRADES.length)]!,
    cancelled: i % 11 === 0,
    ...(i % 7 === 0 ? { address: `88160:rue ${i % 3}` } : {}),
  };
});

// 30 reports stored in the same millisecond near the end of the first week, all notable: which of
// them a list keeps (the most recent 12 or 20) is decided by their references, in SQL as in JavaScript.
const TIED_AT = START + 7 * DAY - 3_600_000;
facts.push(
  ...Array.from({ length: 30 }, (): FactSpec => ({
    service: "gir",
    commune: "88160",
    type: "go_fast",
    observedAt: TIED_AT,
    grade: { reliability: "A", credibility: 1 },
  })),
);

// In four communes, reports of three types stored in the same millisecond, the last of each
// commune's period, each naming it its own way: the commune's lines take the name of the one whose
// reference comes last (references are drawn at random: four communes, so that a name taken by
// another rule would show in nearly every run).
const NAMED_AT = START + 40 * DAY - 120_000;
facts.push(
  ...COMMUNES.slice(0, 4).flatMap((commune) =>
    ["go_fast", "guetteur", "point_de_deal"].map((type, i): FactSpec => ({
      service: "gir",
      commune,
      nom: `${commune} ${"ABC"[i]}`,
      type,
      observedAt: NAMED_AT,
    })),
  ),
);

/** A gir report shared with everyone, then narrowed to sr: douane saw it, no longer does. */
const NARROWED_ID = facts.findIndex((f) => f.service === "gir" && f.diffusion?.level === "cross" && !f.cancelled) + 1;

let fixture: Awaited<ReturnType<typeof territoryFixture>>;
let gather: ReturnType<typeof gatherer>;
const communes = CommuneIndex.vosges();

beforeAll(async () => {
  fixture = await territoryFixture(SERVICES, facts);
  // A report narrowed after the fact: the copy the rhythm reads follows the report's own write.
  const narrowed = await fixture.capture.reports.byId(NARROWED_ID);
  const fields: ReportFields = { ...narrowed!.fields, diffusion: { level: "restreint", services: ["sr"] } };
  await fixture.capture.write.amend(narrowed!.id, "update", fields, narrowed!.author, START + 50 * DAY, "$narrow");
  gather = gatherer({
    capture: fixture.capture,
    rhythm: new RhythmStore(fixture.db),
    communes,
    room: (key) => fixture.config.rooms.find((r) => r.key === key),
    coordinatorService: "ggd",
  });
});
afterAll(async () => {
  await fixture.db.close();
});

/** The classes the policy lets `roomKey` see, as the gatherer chooses them. */
async function classesOf(roomKey: string): Promise<string[]> {
  const room = fixture.config.rooms.find((r) => r.key === roomKey)!;
  const all = await fixture.capture.reports.periodClasses(START - 30 * DAY);
  return all.filter((key) => {
    const c = parseClassKey(key);
    const diffusion = diffusionOf(c);
    return diffusion !== null && fixture.capture.roomMaySee({ service: c.service, diffusion }, room.key);
  });
}

/** The old way: every report of the period loaded whole, the policy asked about each one. */
async function oldWay(roomKey: string, from: number, to: number): Promise<RhythmReport[]> {
  const ids = await fixture.db.all<{ id: number }>(
    "SELECT id FROM reports WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id",
    [from, to],
  );
  const result: RhythmReport[] = [];
  for (const { id } of ids) {
    const r = (await fixture.capture.reports.byId(id))!;
    if (!fixture.capture.roomMaySee({ service: r.service, diffusion: r.fields.diffusion }, roomKey)) continue;
    result.push({
      ref: r.ref,
      service: r.service,
      status: r.status,
      createdAt: r.createdAt,
      fields: { type: r.fields.type, commune: r.fields.commune, grade: r.fields.grade, entities: r.fields.entities },
      arrondissement: communes.byCode(r.fields.commune.code)?.arrondissement ?? null,
    });
  }
  return result;
}

/** What the builders are given besides their data: the same for both ways of reading. */
const ctx: RhythmContext = {
  now: START + 60 * DAY,
  timeZone: "Europe/Paris",
  vocabulary: { timeZone: "Europe/Paris", types: DEFAULT_FACT_TYPES, serviceName: (key) => key.toUpperCase() },
  arrondissementName: (code) => ({ "881": "Épinal", "882": "Neufchâteau", "883": "Saint-Dié-des-Vosges" })[code],
  cellName: "CROSS des Vosges",
};

const PERIODS = [
  { from: START, to: START + 7 * DAY },
  { from: START + 10 * DAY, to: START + 40 * DAY },
  { from: START - 30 * DAY, to: START + 60 * DAY },
];

describe("digest and agenda figures counted in SQL", () => {
  it("every room gets the same counts as the old in-JavaScript count, period after period", async () => {
    const rooms = fixture.config.rooms.map((r) => r.key);
    expect(rooms.length).toBeGreaterThanOrEqual(6);
    for (const room of rooms) {
      for (const { from, to } of PERIODS) {
        const expected = countPeriod(await oldWay(room, from, to));
        const counted = await gather.counts(room, from, to);
        expect(Object.fromEntries(counted.byCommune), `${room} communes`).toEqual(Object.fromEntries(expected.byCommune));
        expect(Object.fromEntries(counted.byType), `${room} types`).toEqual(Object.fromEntries(expected.byType));
      }
    }
  });

  it("every room gets the same notable reports from SQL as from its reports — and only those it may see", async () => {
    let truncated = 0;
    for (const room of fixture.config.rooms.map((r) => r.key)) {
      for (const { from, to } of PERIODS) {
        const reports = await oldWay(room, from, to);
        // Some poorly graded reports are matched (and one reference the room does not see at all).
        const matched = [
          ...reports
            .filter((r) => r.fields.grade.credibility > 2)
            .map((r) => r.ref)
            .filter((_, i) => i % 3 === 0),
          "88-2026-9999",
        ];
        const notable = await gather.notable(room, from, to, matched);
        expect(notable, `${room} ${from}`).toEqual(notableOf(reports, new Set(matched)));
        if (notable.count > notable.recent.length) truncated++;
      }
    }
    expect(truncated).toBeGreaterThan(0);
    // The narrowed report (restreint sr) no longer reaches douane, still reaches sr.
    const narrowedRef = (await fixture.capture.reports.byId(NARROWED_ID))!.ref;
    const all = { from: START - 30 * DAY, to: START + 60 * DAY };
    const everything = (room: string) => gather.notable(room, all.from, all.to, [narrowedRef]);
    const listedIn = async (room: string) =>
      (await fixture.capture.reports.periodNotable(all.from, all.to, await classesOf(room), [narrowedRef], 1000)).recent.map(
        (r) => r.ref,
      );
    expect((await everything("douane")).count).toBeGreaterThan(MAX_NOTABLE);
    expect(await listedIn("douane")).not.toContain(narrowedRef);
    expect(await listedIn("sr")).toContain(narrowedRef);
  });

  it("every room gets the same digest from the store's summary as from its reports, line for line", async () => {
    for (const room of fixture.config.rooms.map((r) => r.key)) {
      for (const { from, to } of PERIODS) {
        const reports = await oldWay(room, from, to);
        const matched = reports.filter((r) => r.fields.grade.reliability === "C").slice(0, 2);
        const matches =
          matched.length === 2
            ? [
                {
                  refs: [matched[0]!.ref, matched[1]!.ref] as [string, string],
                  entity: { kind: "plate", display: "AB-123-CD" },
                  createdAt: from,
                  crossService: true,
                },
              ]
            : [];
        const common = {
          period: { from, to, label: "période" },
          previousCounts: countPeriod([]),
          matches,
          actions: [],
          tipsAwaiting: null,
        };
        const fromStore = buildDigest(
          {
            ...common,
            summary: await gather.summary(room, from, to, { entities: false, listings: DIGEST_LISTINGS }),
            notable: await gather.notable(
              room,
              from,
              to,
              matches.flatMap((m) => m.refs),
            ),
          },
          ctx,
        );
        const fromReports = buildDigest({ ...common, reports }, ctx);
        for (const part of ["headline", "detail"] as const) {
          expect(toPlain(fromStore[part]), `${room} ${from} ${part}`).toBe(toPlain(fromReports[part]));
          expect(toHtml(fromStore[part])).toBe(toHtml(fromReports[part]));
        }
      }
    }
  });

  it("every room gets the same agenda summary from SQL as from its reports — counts, listed references, recurring entities", async () => {
    const ordered = (s: PeriodSummary) => ({
      groups: [...s.groups].sort((a, b) =>
        `${a.status}|${a.commune.code}|${a.type}`.localeCompare(`${b.status}|${b.commune.code}|${b.type}`),
      ),
      entities: [...s.entities].sort((a, b) => `${a.kind}|${a.value}`.localeCompare(`${b.kind}|${b.value}`)),
    });
    let truncated = 0;
    let recurring = 0;
    for (const room of fixture.config.rooms.map((r) => r.key)) {
      for (const { from, to } of PERIODS) {
        const summary = await gather.summary(room, from, to);
        expect(ordered(summary), `${room} ${from}`).toEqual(ordered(summarise(await oldWay(room, from, to))));
        truncated += summary.groups.filter((g) => g.count > g.recent.length).length;
        recurring += summary.entities.length;
      }
    }
    // Some groups list only their most recent references, and some entities recur: both paths ran.
    expect(truncated).toBeGreaterThan(0);
    expect(recurring).toBeGreaterThan(0);
  });

  it("every room gets the same agenda from the references the store reads for it as from its reports, line for line", async () => {
    let read = 0;
    let all = 0;
    for (const withStrategy of [true, false])
      for (const room of fixture.config.rooms.map((r) => r.key)) {
        for (const { from, to } of PERIODS) {
          const common = {
            meeting: { id: 1, at: to + DAY, place: null, status: "scheduled" as const, minutes: null },
            since: from,
            matches: [],
            actions: [],
            carried: [],
            added: [],
            tipsToDecide: null,
            previousPeriodCounts: countPeriod([]),
            ...(withStrategy ? { strategy: { periodLabel: "30 jours", proposals: [], assessments: [] } } : {}),
          };
          const summary = await gather.summary(room, from, to, {
            entities: !withStrategy,
            listings: agendaListings(withStrategy),
          });
          const fromStore = buildAgenda({ ...common, summary }, ctx);
          const fromReports = buildAgenda({ ...common, reports: await oldWay(room, from, to) }, ctx);
          for (const part of ["headline", "detail"] as const) {
            expect(toPlain(fromStore[part]), `${room} ${from} ${part}`).toBe(toPlain(fromReports[part]));
            expect(toHtml(fromStore[part])).toBe(toHtml(fromReports[part]));
          }
          read += summary.groups.reduce((n, g) => n + g.recent.length, 0);
          all += (await gather.summary(room, from, to, { entities: false })).groups.reduce((n, g) => n + g.recent.length, 0);
        }
      }
    // Lines gather more groups than they list references here: the store read fewer of them.
    expect(read).toBeLessThan(all);
  });

  it("the periods are not empty and the rooms differ (the comparison means something)", async () => {
    const all = { from: START - 30 * DAY, to: START + 60 * DAY };
    const douane = await oldWay("douane", all.from, all.to);
    const sr = await oldWay("sr", all.from, all.to);
    expect(douane.length).toBeGreaterThan(50);
    expect(douane.some((r) => r.status === "cancelled")).toBe(true);
    expect(douane.some((r) => r.fields.entities.length > 0)).toBe(true);
    expect(douane.map((r) => r.ref)).not.toEqual(sr.map((r) => r.ref));
  });
  it("a store from before migration 25 gets the same groups and classes as the triggers keep", async () => {
    const db = await storeBefore("CREATE TABLE rhythm_groups");
    // The fixture's reports, amended and cancelled ones included, written before the migration.
    await copyReports(fixture.db, db);
    await migrate(db);
    // The backfill keeps each group's and class's latest report; the triggers keep the latest ever
    // (a cancelled report leaves its active group behind): the periods read the same either way.
    const before = new ReportStore(db, "88", { roomsFor: () => [], roomsForMatch: () => [] });
    for (const { from, to } of PERIODS) {
      const classes = await fixture.capture.reports.periodClasses(from);
      expect(classes.length).toBeGreaterThan(3);
      expect((await before.periodClasses(from)).sort()).toEqual([...classes].sort());
      expect(await before.periodCounts(from, to, classes)).toEqual(await fixture.capture.reports.periodCounts(from, to, classes));
      const groups = await fixture.capture.reports.periodGroups(from, to, classes);
      expect(await before.periodGroups(from, to, classes)).toEqual(groups);
      const wanted = groups.map((g) => ({ ...g, since: from }));
      expect(await before.periodListed(from, to, classes, wanted)).toEqual(
        await fixture.capture.reports.periodListed(from, to, classes, wanted),
      );
      expect(await before.periodEntities(from, to, classes)).toEqual(
        await fixture.capture.reports.periodEntities(from, to, classes),
      );
    }
    const latest = await db.all(
      "SELECT status, commune, type, max(created_at) AS last_created_at FROM rhythm_facts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    );
    expect(await db.all("SELECT status, commune, type, last_created_at FROM rhythm_groups ORDER BY 1, 2, 3")).toEqual(latest);
    await db.close();
  });
});
