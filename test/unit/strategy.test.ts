import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strategyText } from "../../src/commands/strategie.js";
import { toPlain } from "../../src/core/message.js";
import type { Grade } from "../../src/core/report/grading.js";
import {
  DEFAULT_STRATEGY,
  decay,
  factWeight,
  rankProposals,
  reliability,
  type StrategyFact,
  type StrategyInput,
} from "../../src/core/strategy/score.js";
import { type FactSpec, territoryFixture } from "./support/territory-fixture.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T11:00:00Z");
const EPINAL = "88160";
const GOLBEY = "88209";
const CHANTRAINE = "88087";
const VITTEL = "88516";
const period = { from: NOW - 90 * DAY, to: NOW, label: "90 jours" };
const previous = { from: NOW - 180 * DAY, to: NOW - 90 * DAY };
const B2: Grade = { reliability: "B", credibility: 2 };
const F6: Grade = { reliability: "F", credibility: 6 };

function input(facts: StrategyFact[], over: Partial<StrategyInput> = {}): StrategyInput {
  return {
    now: NOW,
    period,
    previous,
    facts,
    places: [],
    communeName: (c) => ({ [EPINAL]: "Épinal", [GOLBEY]: "Golbey", [CHANTRAINE]: "Chantraine", [VITTEL]: "Vittel" })[c] ?? c,
    neighbours: () => [],
    typeLabel: (k) => ({ point_de_deal: "Point de deal", consommation: "Consommation", stockage: "Stockage" })[k] ?? k,
    settings: DEFAULT_STRATEGY,
    ...over,
  };
}
const fact = (commune: string, daysAgo: number, type = "point_de_deal", grade = B2, service = "ggd"): StrategyFact => ({
  commune,
  observed: NOW - daysAgo * DAY - 1,
  type,
  grade: { ...grade },
  service,
});

describe("strategy score (pure)", () => {
  it("sums harm × reliability × decay: a fresh B2 deal point is 10 × 0.64, an F6 tip at one half-life counts a little", () => {
    const [golbey] = rankProposals(input([fact(GOLBEY, 0), fact(GOLBEY, 45, "consommation", F6)]));
    expect(reliability(B2)).toBeCloseTo(0.64, 10);
    expect(reliability(F6)).toBeCloseTo(0.1, 10);
    expect(golbey?.score).toBeCloseTo(6.4 + 1 * 0.1 * 0.5, 6);
    expect(golbey?.because[0]).toBe("2 faits (90 jours) dont 1 point de deal");
    expect(golbey?.levers[0]).toMatch(/^parquet/);
  });

  it("decays with the configured half-life", () => {
    expect(decay(45 * DAY, 45)).toBeCloseTo(0.5, 10);
    expect(decay(90 * DAY, 45)).toBeCloseTo(0.25, 10);
    const old = [fact(EPINAL, 80), fact(EPINAL, 80), fact(EPINAL, 80), fact(EPINAL, 80)];
    const fresh = [fact(GOLBEY, 1)];
    // Half-life 45 days: four old facts (4 × 6.4 × 0.29) outrank one fresh (6.3)…
    expect(rankProposals(input([...old, ...fresh])).map((p) => p.nom)).toEqual(["Épinal", "Golbey"]);
    // …a 10-day half-life forgets them.
    const short = { ...DEFAULT_STRATEGY, halfLifeDays: 10 };
    expect(rankProposals(input([...old, ...fresh], { settings: short })).map((p) => p.nom)).toEqual(["Golbey", "Épinal"]);
    expect(factWeight(fact(EPINAL, 10), NOW, short)).toBeCloseTo(3.2, 6);
  });

  it("configured harm weights change the ranking", () => {
    const facts = [fact(EPINAL, 1, "consommation"), fact(EPINAL, 1, "consommation"), fact(GOLBEY, 1)];
    expect(rankProposals(input(facts)).map((p) => p.nom)).toEqual(["Golbey", "Épinal"]);
    const heavy = { ...DEFAULT_STRATEGY, harm: { ...DEFAULT_STRATEGY.harm, consommation: 10 } };
    expect(rankProposals(input(facts, { settings: heavy })).map((p) => p.nom)).toEqual(["Épinal", "Golbey"]);
  });

  it("breaks ties by the number of facts, then the latest fact, then the name", () => {
    // Same score to one decimal: 1 B2 deal point (6.4) against 2 facts weighing 6.4 together.
    const tie = rankProposals(
      input(
        [
          fact(VITTEL, 0),
          fact(CHANTRAINE, 0),
          fact(GOLBEY, 0, "point_de_deal", { reliability: "B", credibility: 4 }),
          fact(GOLBEY, 0, "point_de_deal", { reliability: "B", credibility: 4 }),
          fact(EPINAL, 0, "point_de_deal", { reliability: "A", credibility: 1 }),
          fact(EPINAL, 0, "point_de_deal", { reliability: "A", credibility: 1 }),
        ].map((f) => (f.commune === CHANTRAINE ? { ...f, observed: f.observed - 1000 } : f)),
      ),
    );
    expect(tie.map((p) => [p.rank, p.nom, Math.round(p.score * 10) / 10])).toEqual([
      [1, "Épinal", 20],
      [2, "Golbey", 6.4],
      [3, "Vittel", 6.4],
      [4, "Chantraine", 6.4],
    ]);
  });

  it("an empty period gives no proposal, and says so", () => {
    expect(rankProposals(input([fact(EPINAL, 120)]))).toEqual([]);
    const text = toPlain(
      strategyText({ period, previous: { ...previous, label: "" }, proposals: [], total: 0 }, [], "Europe/Paris", 45),
    );
    expect(text).toContain("Aucun fait sur la période : pas de proposition.");
  });

  it("flags explain themselves: services, repeated place, relocation next to a previous hot spot; three lines at most", () => {
    const facts = [
      fact(EPINAL, 1, "point_de_deal", B2, "ggd"),
      fact(EPINAL, 2, "point_de_deal", B2, "ddsp"),
      fact(EPINAL, 3, "stockage", B2, "dipj"),
      fact(GOLBEY, 100),
      fact(GOLBEY, 110),
      fact(GOLBEY, 120),
    ];
    const [epinal] = rankProposals(
      input(facts, {
        places: [{ commune: EPINAL, key: "rue de la gare", display: "rue de la Gare", n: 2 }],
        neighbours: (c) => (c === EPINAL ? [GOLBEY] : c === GOLBEY ? [EPINAL] : []),
      }),
    );
    expect(epinal?.flags.map((f) => f.kind)).toEqual(["deplacement", "services", "lieu"]);
    expect(epinal?.because).toEqual([
      "3 faits (90 jours) dont 2 point de deal",
      "faits nouveaux (0 → 3) à côté de Golbey (3 la période précédente) : déplacement possible",
      "signalé par 3 services",
    ]);
    expect(epinal?.place?.display).toBe("rue de la Gare");
  });
});

/** A fixed store: the coordinator's service ggd, partners ddsp and dipj. */
const FACTS: FactSpec[] = [
  // Épinal: 9 facts now (1 before), 3 services, a repeated place.
  ...Array.from({ length: 9 }, (_, i): FactSpec => ({
    service: ["ggd", "ddsp", "dipj"][i % 3] ?? "ggd",
    commune: EPINAL,
    type: i < 4 ? "point_de_deal" : i < 7 ? "stockage" : "consommation",
    observedAt: NOW - (i + 1) * DAY,
    place: i < 3 ? "rue de la Gare" : null,
  })),
  { service: "ggd", commune: EPINAL, observedAt: NOW - 120 * DAY },
  // Golbey: a hot spot of the previous period only; Chantraine next to it, new facts now.
  ...[100, 110, 120, 130].map((d): FactSpec => ({ service: "ggd", commune: GOLBEY, observedAt: NOW - d * DAY })),
  { service: "ggd", commune: CHANTRAINE, observedAt: NOW - 5 * DAY },
  { service: "ggd", commune: CHANTRAINE, observedAt: NOW - 6 * DAY, cancelled: true },
  { service: "dipj", commune: CHANTRAINE, observedAt: NOW - 7 * DAY },
  // Vittel: seen by ddsp (and the coordinator) only, F6.
  {
    service: "ddsp",
    commune: VITTEL,
    type: "consommation",
    observedAt: NOW - 2 * DAY,
    diffusion: { level: "service" },
    grade: F6,
  },
];

describe("strategy on a fixed store (service)", () => {
  let fixture: Awaited<ReturnType<typeof territoryFixture>>;
  beforeAll(async () => {
    fixture = await territoryFixture(["ggd", "ddsp", "dipj"], FACTS);
  });
  afterAll(async () => {
    await fixture.db.close();
  });

  it("the « parce que » figures equal what !carte shows for the same period and room", async () => {
    for (const room of ["ggd", "ddsp", "dipj", "coordination"]) {
      const map = await fixture.territory.map(room, { period, types: [], scale: "commune", compare: true });
      const result = await fixture.strategy.proposals(room, period, [], NOW);
      expect(result.total).toBe(map.total);
      for (const p of result.proposals) {
        const unit = map.units.find((u) => u.code === p.commune);
        expect(p.current).toBe(unit?.current);
        expect(p.previous).toBe(unit?.previous);
        expect(p.because[0]).toMatch(new RegExp(`^${unit?.current} faits? `));
        expect(p.flags.some((f) => f.kind === "hausse")).toBe(unit?.trend === "hausse");
        if (unit?.trend === "hausse")
          expect(p.because).toContain(`hausse significative vs la période précédente (${unit.previous} → ${unit.current})`);
        const place = map.places.find((x) => x.commune === p.commune);
        expect(p.place?.n).toBe(place?.n);
        const moved = map.relocations.find((r) => r.code === p.commune);
        expect(p.flags.some((f) => f.kind === "deplacement")).toBe(moved !== undefined);
      }
      // Every commune !carte counts is proposed, and no other.
      expect(result.proposals.map((p) => p.commune).sort()).toEqual(
        map.units
          .filter((u) => u.current > 0)
          .map((u) => u.code)
          .sort(),
      );
    }
  });

  it("ranks Épinal first in the coordinator's room, with its rise, its services and its place", async () => {
    const result = await fixture.strategy.proposals("ggd", period, [], NOW);
    const [epinal] = result.proposals;
    expect(epinal?.nom).toBe("Épinal");
    expect(epinal?.because).toEqual([
      "9 faits (90 jours) dont 4 point de deal",
      "hausse significative vs la période précédente (1 → 9)",
      "faits nouveaux (1 → 9) à côté de Golbey (4 la période précédente) : déplacement possible",
    ]);
    // At most three lines: the remaining flags still show as tags.
    expect(epinal?.flags.map((f) => f.label)).toEqual([
      "hausse significative",
      "report possible",
      "plusieurs services",
      "lieu répété",
    ]);
    expect(epinal?.place).toMatchObject({ display: "rue de la Gare", n: 3 });
    const chantraine = result.proposals.find((p) => p.nom === "Chantraine");
    // The withdrawn report does not count.
    expect(chantraine?.because[0]).toBe("2 faits (90 jours) (point de deal)");
    expect(chantraine?.flags.map((f) => f.kind)).toEqual(["deplacement", "services"]);
    const text = toPlain(strategyText(result, result.proposals.slice(0, 5), "Europe/Paris", 45));
    expect(text).toContain("1. rue de la Gare (Épinal) — score ");
    expect(text).toContain("parce que hausse significative vs la période précédente (1 → 9)");
    expect(text).toContain("Leviers : parquet");
  });

  it("entitlement: a room is proposed only what it may see", async () => {
    const coordinator = await fixture.strategy.proposals("ggd", period, [], NOW);
    const ddsp = await fixture.strategy.proposals("ddsp", period, [], NOW);
    const dipj = await fixture.strategy.proposals("dipj", period, [], NOW);
    const coordination = await fixture.strategy.proposals("coordination", period, [], NOW);
    expect(coordinator.proposals.map((p) => p.nom)).toContain("Vittel");
    expect(ddsp.proposals.map((p) => p.nom)).toContain("Vittel");
    expect(dipj.proposals.map((p) => p.nom)).not.toContain("Vittel");
    expect(coordination.proposals.map((p) => p.nom)).not.toContain("Vittel");
    expect(dipj.total).toBe(coordinator.total - 1);
  });

  it("the type filter narrows the facts scored, as !carte deal does", async () => {
    const deal = fixture.capture.vocabulary.types.filter((t) => t.key === "point_de_deal");
    const result = await fixture.strategy.proposals("ggd", period, deal, NOW);
    const map = await fixture.territory.map("ggd", { period, types: deal, scale: "commune", compare: false });
    expect(result.total).toBe(map.total);
    expect(result.proposals.find((p) => p.nom === "Épinal")?.current).toBe(4);
  });
});
