import type { UnitCounts } from "./compare.js";

/** Facts in a commune over a period from which it is called a hot spot. */
export const HOT_SPOT_MIN = 3;
/** Facts at one place from which it is a repeat. */
export const REPEAT_MIN = 2;

export interface Place {
  commune: string;
  key: string;
  display: string;
  n: number;
}

export interface Relocation {
  /** The commune with new facts. */
  code: string;
  nom: string;
  current: number;
  previous: number;
  /** The adjacent hot spots of the previous period it borders. */
  near: { code: string; nom: string; previous: number }[];
}

/** Communes with repeated facts in the current period, most first. */
export function hotSpots(units: readonly UnitCounts[], min = HOT_SPOT_MIN): UnitCounts[] {
  return units.filter((u) => u.current >= min).sort((a, b) => b.current - a.current || a.nom.localeCompare(b.nom, "fr"));
}

/** Places with repeated facts (addresses and typed places merged by key), most first. */
export function repeatedPlaces(places: readonly Place[], min = REPEAT_MIN): Place[] {
  const merged = new Map<string, Place>();
  for (const p of places) {
    const key = `${p.commune}|${p.key}`;
    const seen = merged.get(key);
    if (!seen || p.n > seen.n) merged.set(key, p);
  }
  return [...merged.values()].filter((p) => p.n >= min).sort((a, b) => b.n - a.n || a.display.localeCompare(b.display, "fr"));
}

/**
 * Possible relocations: communes with more facts now than in the previous period, next to a
 * commune that was a hot spot in the previous period (the pressure of an operation moves a point
 * of deal next door). `neighbours` comes from the contours (shared borders).
 */
export function relocations(
  units: readonly UnitCounts[],
  neighbours: (code: string) => readonly string[],
  min = HOT_SPOT_MIN,
): Relocation[] {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const result: Relocation[] = [];
  for (const u of units) {
    if (u.current === 0 || u.current <= u.previous) continue;
    const near = neighbours(u.code)
      .map((code) => byCode.get(code))
      .filter((n): n is UnitCounts => n !== undefined && n.previous >= min)
      .map((n) => ({ code: n.code, nom: n.nom, previous: n.previous }));
    if (near.length > 0) result.push({ code: u.code, nom: u.nom, current: u.current, previous: u.previous, near });
  }
  return result.sort((a, b) => b.current - b.previous - (a.current - a.previous) || a.nom.localeCompare(b.nom, "fr"));
}

/** Sums commune counts into their canton or arrondissement. */
export function rollUp(
  communes: readonly UnitCounts[],
  parentOf: (code: string) => string | undefined,
  units: readonly { code: string; nom: string }[],
): UnitCounts[] {
  const sums = new Map(units.map((u) => [u.code, { ...u, current: 0, previous: 0 }]));
  for (const c of communes) {
    const parent = sums.get(parentOf(c.code) ?? "");
    if (!parent) continue;
    parent.current += c.current;
    parent.previous += c.previous;
  }
  return [...sums.values()];
}
