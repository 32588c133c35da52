import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import type { ReportFields } from "../../src/core/report/report.js";
import {
  DEFAULT_STRATEGY,
  type FactGroup,
  groupFacts,
  rankProposals,
  type StrategyInput,
} from "../../src/core/strategy/score.js";
import type { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { StrategyStore } from "../../src/store/strategy.js";
import { TerritoryStore } from "../../src/store/territory.js";
import { diffusionOf } from "../../src/territory/service.js";
import { copyReports, storeBefore } from "./support/migrated.js";
import { territoryFixture, type FactSpec } from "./support/territory-fixture.js";

/**
 * The strategy ranks communes from facts grouped and weighed in SQL (`StrategyStore.factGroups`).
 * On the same seeded store, every room must get the groups `groupFacts` makes from the facts one by
 * one, and the same ranking — so SQL changed the cost, not the answer.
 */
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const SERVICES = ["ggd", "douane", "gir"];
const COMMUNES = ["88160", "88413", "88383", "88209"];
const TYPES = ["point_de_deal", "go_fast", "consommation"];
const DIFFUSIONS: Diffusion[] = [{ level: "cross" }, { level: "service" }, { level: "restreint", services: ["douane"] }];
const GRADES = [
  { reliability: "A", credibility: 1 },
  { reliability: "B", credibility: 2 },
  { reliability: "F", credibility: 6 },
] as const;

const facts: FactSpec[] = Array.from({ length: 300 }, (_, i) => ({
  service: SERVICES[i % 3]!,
  commune: COMMUNES[(i * 7) % 4]!,
  type: TYPES[(i * 5) % 3]!,
  // Spread over 70 days (7919 minutes apart, modulo): both periods hold facts.
  observedAt: NOW - ((i * 7919 * 60_000) % (70 * DAY)),
  diffusion: DIFFUSIONS[(i * 11) % 3]!,
  grade: GRADES[(i * 13) % 3]!,
  cancelled: i % 17 === 0,
}));

let fixture: Awaited<ReturnType<typeof territoryFixture>>;
beforeAll(async () => {
  fixture = await territoryFixture(SERVICES, facts);
});
afterAll(async () => {
  await fixture.db.close();
});

describe("strategy facts grouped in SQL", () => {
  it("every room gets the groups and the ranking it would get from its facts one by one", async () => {
    await compareEveryRoom();
  });

  it("an amended report leaves its old group and joins its new one (grade, type, commune, diffusion, date)", async () => {
    const amend = async (ref: string, change: (f: ReportFields) => ReportFields) => {
      const r = await fixture.capture.reports.byRef(ref);
      if (!r) throw new Error(ref);
      await fixture.capture.write.amend(r.id, "update", change(r.fields), r.author, NOW, `$amend-${ref}`);
    };
    const refs = (
      await fixture.db.all<{ ref: string }>("SELECT ref FROM reports WHERE status = 'active' ORDER BY id LIMIT 5")
    ).map((r) => r.ref);
    await amend(refs[0]!, (f) => ({ ...f, grade: { reliability: "C", credibility: 3 } }));
    await amend(refs[1]!, (f) => ({ ...f, type: "go_fast" }));
    await amend(refs[2]!, (f) => ({ ...f, commune: { code: "88465", nom: "88465" } }));
    await amend(refs[3]!, (f) => ({ ...f, diffusion: { level: "restreint", services: ["gir"] } }));
    await amend(refs[4]!, (f) => ({ ...f, observedAt: new Date(NOW - 45 * DAY).toISOString() }));
    const combos = await fixture.db.all<{ n: number }>(
      "SELECT count(*) AS n FROM territory_combos WHERE reliability = 'C' OR commune = '88465' OR class LIKE '%gir%'",
    );
    expect(combos[0]!.n).toBeGreaterThanOrEqual(3);
    await compareEveryRoom();
  });
  it("a half-life other than the default weighs the facts as the ranking does", async () => {
    await compareEveryRoom(fixture.db, 10);
  });
  it("facts stored before migration 26 are grouped after it as the triggers group them", async () => {
    const db = await storeBefore("ADD COLUMN combo");
    await copyReports(fixture.db, db);
    await migrate(db);
    expect(await db.all("SELECT count(*) AS n FROM territory_facts WHERE combo IS NULL")).toEqual([{ n: 0 }]);
    await compareEveryRoom(db);
    await db.close();
  });
});

async function compareEveryRoom(db: Database = fixture.db, halfLifeDays = DEFAULT_STRATEGY.halfLifeDays) {
  {
    const territory = new TerritoryStore(db);
    const store = new StrategyStore(db);
    const period = { from: NOW - 30 * DAY, to: NOW + 1, label: "30 jours" };
    const previous = { from: period.from - 30 * DAY, to: period.from };
    let compared = 0;
    for (const room of fixture.config.rooms.map((r) => r.key)) {
      const classes = (await territory.classes({ from: previous.from, to: period.to }))
        .filter((c) => {
          const diffusion = diffusionOf(c);
          return diffusion !== null && fixture.capture.roomMaySee({ service: c.service, diffusion }, room);
        })
        .map((c) => c.key);
      // Scored three days ago, the period's last facts are younger than « now »: their age counts as 0.
      for (const [types, now] of [
        [[], NOW],
        [["go_fast"], NOW],
        [[], NOW - 3 * DAY],
      ] as const) {
        const one = await store.facts({ from: previous.from, to: period.to }, classes, types);
        const reference = groupFacts(one, period, previous, now, halfLifeDays);
        const key = (g: FactGroup) => [g.side, g.commune, g.type].join("|");
        const sorted = (gs: readonly FactGroup[]) => [...gs].sort((a, b) => key(a).localeCompare(key(b)));
        const b = sorted(reference);
        // Read by combination, by pair, and the way the store's breadth chooses: the same groups.
        const ways = [undefined, "combination", "pair"] as const;
        const read = await Promise.all(
          ways.map((by) => store.factGroups(period, previous, classes, types, now, halfLifeDays, by)),
        );
        for (const [w, sql] of read.entries()) {
          const a = sorted(sql);
          const label = `${room} by ${ways[w] ?? "breadth"}`;
          expect(a.map(key), label).toEqual(b.map(key));
          a.forEach((g, i) => {
            expect(g.n, label).toBe(b[i]!.n);
            expect(g.last, label).toBe(b[i]!.last);
            expect(g.services, label).toEqual(b[i]!.services);
            expect(g.weighed, label).toBeCloseTo(b[i]!.weighed, 9);
          });
        }
        const input = (extra: Partial<StrategyInput>): StrategyInput => ({
          now,
          period,
          previous,
          places: [],
          communeName: (code) => code,
          neighbours: () => [],
          typeLabel: (t) => t,
          settings: { ...DEFAULT_STRATEGY, halfLifeDays },
          ...extra,
        });
        const fromFacts = rankProposals(input({ facts: one }));
        for (const sql of read) {
          const fromGroups = rankProposals(input({ groups: sql }));
          expect(fromGroups.map(({ score: _score, ...p }) => p)).toEqual(fromFacts.map(({ score: _score, ...p }) => p));
          fromGroups.forEach((p, i) => expect(p.score).toBeCloseTo(fromFacts[i]!.score, 9));
          compared += sql.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  }
}
