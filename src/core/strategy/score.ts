/**
 * Local strategy proposals (issue 13): for each commune, the sum over its facts of
 * harm(type) × reliability(cotation) × decay(age), with at most three « parce que » lines whose
 * figures are the territory's own counts (the same numbers `!carte` shows for the same period and
 * room), the flags that explain the rank, and the levers of the catalogue. Pure: the facts are
 * already filtered for the room, `now` is injected.
 */
import type { Grade } from "../report/grading.js";
import { compareUnits, type UnitCounts } from "../territory/compare.js";
import { type Place, relocations } from "../territory/hotspots.js";

/**
 * Default harm weights per fact type: a starting point for the cell to validate. Coarse stand-in for
 * a crime-harm index, from the maximum sentences incurred (code pénal 222-34 s., 324-1, L3421-1 CSP):
 * organised trafficking and its logistics weigh most, use and nuisances least.
 */
export const DEFAULT_HARM: Readonly<Record<string, number>> = {
  point_de_deal: 10,
  livraison: 10,
  stockage: 10,
  culture: 10,
  blanchiment: 10,
  violences: 7,
  consommation: 1,
  nuisances: 1,
  autre: 2,
};
/** Harm of a type the table does not name. */
export const UNKNOWN_HARM = 2;
/** Default half-life of a fact's weight, in days. */
export const DEFAULT_HALF_LIFE_DAYS = 45;

/** Source reliability A–F: F (cannot be judged) counts like E (unreliable), a little. */
export const RELIABILITY_WEIGHT: Readonly<Record<Grade["reliability"], number>> = {
  A: 1,
  B: 0.8,
  C: 0.6,
  D: 0.4,
  E: 0.25,
  F: 0.25,
};
/** Information credibility 1–6: 6 (cannot be judged) above 5 (improbable). */
export const CREDIBILITY_WEIGHT: Readonly<Record<Grade["credibility"], number>> = {
  1: 1,
  2: 0.8,
  3: 0.6,
  4: 0.4,
  5: 0.2,
  6: 0.4,
};

/** Default levers per fact type (who can act, with what). Configurable: `strategy.levers`. */
export const DEFAULT_LEVERS: Readonly<Record<string, readonly string[]>> = {
  point_de_deal: [
    "parquet : opération ciblée, interdiction de paraître",
    "préfecture : fermeture administrative de commerce",
    "bailleur social : résiliation de bail, sécurisation des halls",
    "mairie / police municipale : éclairage, vidéoprotection",
  ],
  livraison: [
    "parquet : enquête sur l'approvisionnement",
    "douane : contrôles sur les axes",
    "service chef de file : surveillance",
  ],
  stockage: ["parquet : perquisition, saisie", "bailleur social : visite des parties communes et caves", "GIR : patrimoine"],
  culture: ["parquet : saisie et destruction", "mairie : signalement des locaux", "GIR : patrimoine"],
  blanchiment: ["GIR : enquête patrimoniale", "parquet : saisie des avoirs criminels", "préfecture : fermeture administrative"],
  violences: ["parquet : traitement prioritaire", "préfecture : arrêté de fermeture", "mairie / police municipale : présence"],
  consommation: ["prévention : établissements scolaires, CJC", "parquet : amende forfaitaire délictuelle", "mairie : médiation"],
  nuisances: ["mairie / police municipale : éclairage, présence", "bailleur social : gardiennage", "préfecture : arrêté"],
  autre: ["service chef de file : vérification", "coordination : point en réunion"],
};

export interface StrategySettings {
  harm: Readonly<Record<string, number>>;
  halfLifeDays: number;
  levers: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_STRATEGY: StrategySettings = {
  harm: DEFAULT_HARM,
  halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
  levers: DEFAULT_LEVERS,
};

/** One fact the room may see, as the strategy needs it. */
export interface StrategyFact {
  observed: number;
  commune: string;
  type: string;
  service: string;
  grade: Grade;
}

/**
 * The facts of one commune and type on one side of the period's start, counted and weighed: what
 * the ranking reads (the store makes these in SQL, `StrategyStore.factGroups`).
 */
export interface FactGroup {
  side: "current" | "previous";
  commune: string;
  type: string;
  /** The services whose facts these are, each once, in order; [] on the previous side (only its counts are read). */
  services: string[];
  n: number;
  /** Σ reliability(grade) × decay(now − observed) over the group's facts; 0 on the previous side. */
  weighed: number;
  /** The latest observation of the group; 0 on the previous side. */
  last: number;
}

/** The facts of both periods as groups (the reference the store's SQL is tested against). */
export function groupFacts(
  facts: readonly StrategyFact[],
  period: { from: number; to: number },
  previous: { from: number; to: number },
  now: number,
  halfLifeDays: number,
): FactGroup[] {
  const groups = new Map<string, FactGroup & { serviceSet: Set<string> }>();
  for (const f of facts) {
    const side =
      f.observed >= period.from && f.observed < period.to
        ? "current"
        : f.observed >= previous.from && f.observed < previous.to
          ? "previous"
          : null;
    if (!side) continue;
    const key = [side, f.commune, f.type].join("\u0000");
    const g = groups.get(key) ?? {
      side,
      commune: f.commune,
      type: f.type,
      services: [],
      serviceSet: new Set<string>(),
      n: 0,
      weighed: 0,
      last: side === "current" ? -Infinity : 0,
    };
    g.n++;
    if (side === "current") {
      g.weighed += reliability(f.grade) * decay(now - f.observed, halfLifeDays);
      g.last = Math.max(g.last, f.observed);
      g.serviceSet.add(f.service);
    }
    groups.set(key, g);
  }
  return [...groups.values()].map(({ serviceSet, ...g }) => ({ ...g, services: [...serviceSet].sort() }));
}

export interface StrategyInput {
  now: number;
  /** The period scored, and the one of the same length just before (the baseline of the rise test). */
  period: { from: number; to: number; label: string };
  previous: { from: number; to: number };
  /** Facts of both periods, already filtered for the room (and the requested types)… */
  facts?: readonly StrategyFact[];
  /** …or their groups, already made (by the store, in SQL); these win when both are given. */
  groups?: readonly FactGroup[];
  /** Repeated places of the period (the territory store's, same as `!carte`), per commune. */
  places: readonly Place[];
  communeName(code: string): string;
  neighbours(code: string): readonly string[];
  typeLabel(key: string): string;
  settings: StrategySettings;
}

export type FlagKind = "hausse" | "deplacement" | "services" | "lieu";

export interface Flag {
  kind: FlagKind;
  /** Short label, shown as a tag. */
  label: string;
  /** The « parce que » sentence with its figures. */
  reason: string;
}

export interface Proposal {
  rank: number;
  commune: string;
  nom: string;
  /** The most repeated place of the commune, if any. */
  place: Place | null;
  score: number;
  /** Facts in the period: the number `!carte` shows for the commune. */
  current: number;
  previous: number;
  /** Fact counts per type in the period, most first. */
  byType: { type: string; label: string; n: number }[];
  services: number;
  lastFact: number;
  flags: Flag[];
  /** At most three, the first always the count. */
  because: string[];
  levers: string[];
}

const DAY = 86_400_000;
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

export function reliability(grade: Grade): number {
  return (RELIABILITY_WEIGHT[grade.reliability] ?? 0.25) * (CREDIBILITY_WEIGHT[grade.credibility] ?? 0.4);
}

export function decay(ageMs: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageMs) / DAY / halfLifeDays);
}

export function harm(type: string, settings: StrategySettings): number {
  return settings.harm[type] ?? UNKNOWN_HARM;
}

/** The weight of one fact in its commune's score. */
export function factWeight(fact: StrategyFact, now: number, settings: StrategySettings): number {
  return harm(fact.type, settings) * reliability(fact.grade) * decay(now - fact.observed, settings.halfLifeDays);
}

/** Every commune with facts in the period, best first; ties: more facts, later last fact, then name. */
export function rankProposals(input: StrategyInput): Proposal[] {
  const { period, previous, settings } = input;
  const groups = input.groups ?? groupFacts(input.facts ?? [], period, previous, input.now, settings.halfLifeDays);
  const counts = new Map<string, UnitCounts>();
  const unit = (code: string) => {
    let u = counts.get(code);
    if (!u) counts.set(code, (u = { code, nom: input.communeName(code), current: 0, previous: 0 }));
    return u;
  };
  // Each commune's groups of the period, gathered in one pass (not one pass per commune).
  const ofPeriod = new Map<string, FactGroup[]>();
  for (const g of groups) {
    if (g.side === "current") {
      unit(g.commune).current += g.n;
      const list = ofPeriod.get(g.commune);
      if (list) list.push(g);
      else ofPeriod.set(g.commune, [g]);
    } else unit(g.commune).previous += g.n;
  }
  const units = [...counts.values()];
  const changes = new Map(compareUnits(units).map((c) => [c.code, c]));
  const moved = new Map(relocations(units, input.neighbours).map((r) => [r.code, r]));
  const proposals: Proposal[] = [];
  for (const u of units) {
    if (u.current === 0) continue;
    const facts = ofPeriod.get(u.code) ?? [];
    const score = facts.reduce((sum, g) => sum + harm(g.type, settings) * g.weighed, 0);
    const typeCounts = new Map<string, number>();
    for (const g of facts) typeCounts.set(g.type, (typeCounts.get(g.type) ?? 0) + g.n);
    const byType = [...typeCounts]
      .map(([type, n]) => ({ type, label: input.typeLabel(type), n }))
      .sort((a, b) => b.n - a.n || harm(b.type, settings) - harm(a.type, settings) || a.label.localeCompare(b.label, "fr"));
    // Loops, not flatMap into a Set: this runs once per commune of the period (506 in the Vosges),
    // and flatMap over small arrays cost ≈ 7 µs a commune here.
    const serviceSet = new Set<string>();
    for (const g of facts) for (const s of g.services) serviceSet.add(s);
    const services = serviceSet.size;
    const places = input.places
      .filter((p) => p.commune === u.code)
      .sort((a, b) => b.n - a.n || a.display.localeCompare(b.display, "fr"));
    const place = places[0] ?? null;
    const flags: Flag[] = [];
    const change = changes.get(u.code);
    if (change?.trend === "hausse")
      flags.push({
        kind: "hausse",
        label: "hausse significative",
        reason: `hausse significative vs la période précédente (${u.previous} → ${u.current})`,
      });
    const relocation = moved.get(u.code);
    if (relocation)
      flags.push({
        kind: "deplacement",
        label: "report possible",
        reason: `faits nouveaux (${u.previous} → ${u.current}) à côté de ${relocation.near
          .map((n) => `${n.nom} (${n.previous} la période précédente)`)
          .join(", ")} : déplacement possible`,
      });
    if (services >= 2) flags.push({ kind: "services", label: "plusieurs services", reason: `signalé par ${services} services` });
    if (place)
      flags.push({
        kind: "lieu",
        label: "lieu répété",
        reason: `lieu répété : ${place.display} (${plural(place.n, "fait", "faits")})`,
      });
    const top = byType[0];
    const mix =
      top && byType.length > 1 ? ` dont ${top.n} ${top.label.toLowerCase()}` : top ? ` (${top.label.toLowerCase()})` : "";
    const because = [`${plural(u.current, "fait", "faits")} (${period.label})${mix}`, ...flags.map((f) => f.reason)].slice(0, 3);
    const leverSet = new Set<string>();
    for (const t of byType) for (const lever of settings.levers[t.type] ?? []) leverSet.add(lever);
    const levers = [...leverSet].slice(0, 3);
    proposals.push({
      rank: 0,
      commune: u.code,
      nom: u.nom,
      place,
      score,
      current: u.current,
      previous: u.previous,
      byType,
      services,
      lastFact: facts.reduce((last, g) => Math.max(last, g.last), -Infinity),
      flags,
      because,
      levers,
    });
  }
  proposals.sort(
    (a, b) =>
      roundScore(b.score) - roundScore(a.score) ||
      b.current - a.current ||
      b.lastFact - a.lastFact ||
      a.nom.localeCompare(b.nom, "fr"),
  );
  return proposals.map((p, i) => ({ ...p, rank: i + 1 }));
}

/** Scores are compared and shown to one decimal: 12.04 and 12.01 are a tie the next keys break. */
export function roundScore(score: number): number {
  return Math.round(score * 10) / 10;
}

/** Before/after of an adopted proposal, same window length on both sides of the adoption. */
export interface Assessment {
  id: number;
  nom: string;
  place: string | null;
  service: string;
  actionId: number;
  adoptedAt: number;
  due: number;
  before: number;
  after: number;
  /** Days of the window after adoption elapsed so far (the after count is partial before its end). */
  elapsedDays: number;
  spanDays: number;
  actionDone: boolean;
}

/** "rue de la Gare (Épinal) — ddsp, action n°3 : avant 5 → après 1 (−80 %)". */
export function assessmentLine(a: Assessment): string {
  const where = a.place ? `${a.place} (${a.nom})` : a.nom;
  const change =
    a.before === 0 ? "" : ` (${a.after >= a.before ? "+" : "−"}${Math.round((Math.abs(a.after - a.before) / a.before) * 100)} %)`;
  const partial = a.elapsedDays < a.spanDays ? `, ${a.elapsedDays} j sur ${a.spanDays}` : "";
  return `n°${a.id} ${where} — ${a.service}, action n°${a.actionId}${a.actionDone ? " faite" : ""} : avant ${a.before} → après ${a.after}${change}${partial}`;
}
