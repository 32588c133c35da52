import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { territoryFixture } from "./support/territory-fixture.js";

/**
 * Maps and trends under the diffusion policy, on generated cells, facts and frozen rooms: for every
 * room, every count (per commune, per canton, total, per week, previous period) equals what an
 * independent oracle counts over the reports that room may see. A map never counts a report the
 * room cannot see, and never drops one it can.
 */
const SERVICE_KEYS = ["ggd", "ddsp", "dipj", "douane", "gir", "sr"];
const COMMUNES = ["88160", "88209", "88087", "88413", "88516"];
const TYPES = ["point_de_deal", "stockage", "livraison"];
const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T11:00:00Z");

/** The rule, written from the product text: not imported from src/core/policy.ts. */
function oracle(
  report: { service: string; diffusion: Diffusion },
  room: { kind: string; service?: string },
  coordinator: string,
  frozen: boolean,
) {
  if (frozen) return false;
  if (room.kind === "triage") return true;
  if (room.kind === "coordination") return report.diffusion.level === "cross";
  const d = report.diffusion;
  return (
    room.service === coordinator ||
    room.service === report.service ||
    d.level === "cross" ||
    (d.level === "restreint" && d.services.includes(room.service ?? ""))
  );
}

const cellArb = fc.integer({ min: 2, max: SERVICE_KEYS.length }).map((n) => SERVICE_KEYS.slice(0, n));
const factArb = (services: string[]) =>
  fc.record({
    service: fc.constantFrom(...services),
    commune: fc.constantFrom(...COMMUNES),
    type: fc.constantFrom(...TYPES),
    // Both windows and a little outside them.
    observedAt: fc.integer({ min: NOW - 65 * DAY, max: NOW - 1 }),
    diffusion: fc.oneof(
      fc.constant<Diffusion>({ level: "cross" }),
      fc.constant<Diffusion>({ level: "service" }),
      fc.subarray(services, { minLength: 1 }).map((list): Diffusion => ({ level: "restreint", services: list })),
    ),
    cancelled: fc.boolean(),
  });

describe("diffusion policy on maps, trends and strategy (property)", () => {
  it("every count equals the oracle's count of the reports the room may see", async () => {
    await fc.assert(
      fc.asyncProperty(
        cellArb.chain((services) =>
          fc.tuple(
            fc.constant(services),
            fc.array(factArb(services), { minLength: 0, maxLength: 25 }),
            fc.subarray([...services, "coordination", "triage"], { maxLength: 2 }),
            fc.subarray(TYPES, { maxLength: 2 }),
          ),
        ),
        async ([services, facts, frozen, typeKeys]) => {
          const fixture = await territoryFixture(services, facts, frozen);
          const period = { from: NOW - 30 * DAY, to: NOW, label: "30 jours" };
          const types = DEFAULT_FACT_TYPES.filter((t) => typeKeys.includes(t.key));
          const coordinator = services[0] ?? "";
          for (const room of fixture.config.rooms) {
            const seen = facts.filter(
              (f) =>
                !f.cancelled &&
                (types.length === 0 || typeKeys.includes(f.type)) &&
                oracle(f, room, coordinator, frozen.includes(room.key)),
            );
            const inCurrent = seen.filter((f) => f.observedAt >= period.from && f.observedAt < period.to);
            const inPrevious = seen.filter((f) => f.observedAt >= period.from - 30 * DAY && f.observedAt < period.from);
            const map = await fixture.territory.map(room.key, { period, types, scale: "commune", compare: true });
            for (const code of COMMUNES) {
              const unit = map.units.find((u) => u.code === code);
              expect(unit?.current).toBe(inCurrent.filter((f) => f.commune === code).length);
              expect(unit?.previous).toBe(inPrevious.filter((f) => f.commune === code).length);
            }
            expect(map.total).toBe(inCurrent.length);
            expect(map.previousTotal).toBe(inPrevious.length);
            const cantons = await fixture.territory.map(room.key, { period, types, scale: "canton", compare: false });
            expect(cantons.units.reduce((s, u) => s + u.current, 0)).toBe(inCurrent.length);
            const trends = await fixture.territory.trends(room.key, period, types);
            expect(trends.total).toBe(inCurrent.length);
            expect(trends.weeks.reduce((s, w) => s + Object.values(w.counts).reduce((a, b) => a + b, 0), 0)).toBe(
              inCurrent.length,
            );
            for (const key of TYPES) {
              const n = trends.weeks.reduce((s, w) => s + (w.counts[key] ?? 0), 0);
              expect(n).toBe(inCurrent.filter((f) => f.type === key).length);
            }
            // Strategy (issue 13): every proposal counts exactly the facts the room may see, and a
            // commune is proposed exactly when the room sees a fact there in the period.
            const strategy = await fixture.strategy.proposals(room.key, period, types, NOW);
            expect(strategy.total).toBe(inCurrent.length);
            expect(strategy.proposals.map((p) => p.commune).sort()).toEqual(
              COMMUNES.filter((code) => inCurrent.some((f) => f.commune === code)).sort(),
            );
            for (const p of strategy.proposals) {
              expect(p.current).toBe(inCurrent.filter((f) => f.commune === p.commune).length);
              expect(p.previous).toBe(inPrevious.filter((f) => f.commune === p.commune).length);
              expect(p.services).toBe(new Set(inCurrent.filter((f) => f.commune === p.commune).map((f) => f.service)).size);
            }
          }
          await fixture.db.close();
        },
      ),
      { numRuns: 40, seed: 20261201 },
    );
  }, 120_000);
});
