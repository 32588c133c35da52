import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchQuery } from "../../src/core/report/search-query.js";
import type { StoredReport } from "../../src/store/reports.js";
import { territoryFixture, type FactSpec } from "./support/territory-fixture.js";

/**
 * `!cherche commune:… type:… depuis:… service:…` reads the facts' indexes newest report first and
 * stops at its limit (migration 22). Whatever index SQLite picks, the answer must be the reports
 * whose current fields match, newest first, each once, cut at the limit — here checked against
 * the whole store filtered one report at a time, after amendments that move reports between
 * communes, types and dates, and with observation dates in no particular order of creation.
 */
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const SERVICES = ["ggd", "douane", "gir"];
const COMMUNES = ["88160", "88413", "88383"];
const TYPES = ["point_de_deal", "go_fast", "consommation"];

let fixture: Awaited<ReturnType<typeof territoryFixture>>;
let all: StoredReport[];

beforeAll(async () => {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const facts: FactSpec[] = Array.from({ length: 90 }, () => ({
    service: SERVICES[next(SERVICES.length)]!,
    commune: COMMUNES[next(COMMUNES.length)]!,
    type: TYPES[next(TYPES.length)]!,
    observedAt: NOW - next(40) * DAY - next(1440) * 60_000,
    cancelled: next(10) === 0,
  }));
  fixture = await territoryFixture(SERVICES, facts);
  const { capture } = fixture;
  // Every seventh report is amended: another commune, type and date than it was stored with.
  const stored = await capture.reports.search({ terms: [], entities: [] }, 1000);
  for (const [i, report] of stored.entries()) {
    if (i % 7 !== 0 || report.status !== "active") continue;
    const fields = {
      ...report.fields,
      commune: { code: COMMUNES[(i + 1) % COMMUNES.length]!, nom: "x" },
      type: TYPES[(i + 2) % TYPES.length]!,
      observedAt: new Date(NOW - (i % 30) * DAY).toISOString(),
    };
    await capture.write.amend(report.id, "update", fields, report.author, NOW, `$amend${i}`);
  }
  all = await capture.reports.search({ terms: [], entities: [] }, 1000);
});
afterAll(() => fixture.db.close());

const matches = (q: SearchQuery) => (r: StoredReport) =>
  (q.communeCode === undefined || r.fields.commune.code === q.communeCode) &&
  (q.type === undefined || r.fields.type === q.type) &&
  (q.service === undefined || r.service === q.service) &&
  (q.since === undefined || Date.parse(r.fields.observedAt) >= q.since);

describe("!cherche by commune, type, date and service", () => {
  it("holds every report once, newest first (the reference below reads them all)", () => {
    expect(all).toHaveLength(90);
    const ids = all.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  const queries: SearchQuery[] = [];
  for (const communeCode of [undefined, ...COMMUNES, "88001"])
    for (const type of [undefined, ...TYPES.slice(0, 2)])
      for (const since of [undefined, NOW - 3 * DAY, NOW - 20 * DAY])
        for (const service of [undefined, "douane"]) {
          if (communeCode === undefined && type === undefined && since === undefined) continue;
          queries.push({
            terms: [],
            entities: [],
            ...(communeCode ? { communeCode } : {}),
            ...(type ? { type } : {}),
            ...(since ? { since } : {}),
            ...(service ? { service } : {}),
          });
        }

  it.each([1000, 5])("answers what the reports' current fields say, cut at %i", async (limit) => {
    let nonEmpty = 0;
    for (const query of queries) {
      const expected = all.filter(matches(query)).slice(0, limit);
      if (expected.length > 0) nonEmpty++;
      const found = await fixture.capture.reports.search(query, limit);
      expect({ query, refs: found.map((r) => r.ref) }).toEqual({ query, refs: expected.map((r) => r.ref) });
    }
    // The grid is not a set of empty answers.
    expect(nonEmpty).toBeGreaterThan(queries.length / 2);
  });
});
