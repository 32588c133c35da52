import { benjaminiHochberg, poissonRatesTest } from "./stats.js";

/** Below this many facts over the two periods together, a unit is never called rising or falling. */
export const MIN_FACTS = 5;
/** False discovery rate across the units of one map. */
export const FDR = 0.05;

export type Trend = "hausse" | "baisse" | "stable" | "trop peu de faits";

export interface UnitCounts {
  code: string;
  nom: string;
  current: number;
  previous: number;
}

export interface UnitChange extends UnitCounts {
  trend: Trend;
  /** Exact conditional test of the two Poisson counts; null when too few facts to test. */
  p: number | null;
  /** Benjamini–Hochberg adjusted p-value across the tested units. */
  q: number | null;
}

/**
 * Period over period, unit by unit: an exact test of the two counts (equal exposures unless told
 * otherwise), then a Benjamini–Hochberg correction across the units that have enough facts to be
 * tested. "hausse"/"baisse" only when q ≤ FDR; below MIN_FACTS facts: "trop peu de faits".
 */
export function compareUnits(
  units: readonly UnitCounts[],
  options: { currentLength?: number; previousLength?: number; minFacts?: number; fdr?: number } = {},
): UnitChange[] {
  const t1 = options.currentLength ?? 1;
  const t2 = options.previousLength ?? 1;
  const minFacts = options.minFacts ?? MIN_FACTS;
  const fdr = options.fdr ?? FDR;
  const tested = units.filter((u) => u.current + u.previous >= minFacts);
  const ps = tested.map((u) => poissonRatesTest(u.current, t1, u.previous, t2).p);
  const qs = benjaminiHochberg(ps);
  const byCode = new Map(tested.map((u, i) => [u.code, { p: ps[i] ?? 1, q: qs[i] ?? 1 }]));
  return units.map((u) => {
    const test = byCode.get(u.code);
    if (!test) return { ...u, trend: "trop peu de faits", p: null, q: null };
    const rising = u.current / t1 > u.previous / t2;
    const trend: Trend = test.q <= fdr ? (rising ? "hausse" : "baisse") : "stable";
    return { ...u, trend, p: test.p, q: test.q };
  });
}
