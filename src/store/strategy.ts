import type { Grade } from "../core/report/grading.js";
import {
  CREDIBILITY_WEIGHT,
  type FactGroup,
  RELIABILITY_WEIGHT,
  reliability,
  type StrategyFact,
} from "../core/strategy/score.js";
import type { Queries } from "./db.js";
import { parseClassKey, type Window } from "./territory.js";

/**
 * Strategy (issue 13): the facts a proposal is scored from, read from `territory_facts` (the
 * territory's table, same rows `!carte` counts) restricted to the class keys THE policy allowed for
 * the room; the last list of proposals shown in each room (what `adopter <n°>` points at); and the
 * adopted proposals with their before figures.
 */

export interface ShownProposal {
  rank: number;
  commune: string;
  nom: string;
  place: string | null;
  score: number;
  current: number;
  previous: number;
  because: string[];
  levers: string[];
  types: string[];
  periodFrom: number;
  periodTo: number;
  periodLabel: string;
}

export interface AdoptedProposal {
  id: number;
  actionId: number;
  roomKey: string;
  commune: string;
  nom: string;
  place: string | null;
  types: string[];
  spanMs: number;
  before: number;
  score: number;
  because: string[];
  service: string;
  adoptedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;
const GRADES = /^[A-F]$/;

export class StrategyStore {
  /** `reads`: where the large reads go (a `ReadPool`, src/start.ts), the main connection by default. */
  constructor(
    private readonly db: Queries,
    private readonly reads: Queries = db,
  ) {}

  /** Active facts observed in [from, to) whose class is one of `classes` (and type one of `types`, if any). */
  async facts(window: Window, classes: readonly string[], types: readonly string[]): Promise<StrategyFact[]> {
    if (classes.length === 0) return [];
    const where = ["f.observed >= ?", "f.observed < ?", "f.active = 1", `f.class IN (${classes.map(() => "?").join(", ")})`];
    const params: string[] = [iso(window.from), iso(window.to), ...classes];
    if (types.length > 0) {
      where.push(`f.type IN (${types.map(() => "?").join(", ")})`);
      params.push(...types);
    }
    const rows = await this.reads.all<{
      observed: string;
      commune: string | null;
      type: string | null;
      class: string;
      reliability: string | null;
      credibility: number | null;
    }>(
      // The grade from the report's small rhythm row (migration 15), not by parsing its JSON.
      `SELECT f.observed, f.commune, f.type, f.class, g.reliability, g.credibility
       FROM territory_facts f INDEXED BY territory_facts_by_time JOIN rhythm_facts g ON g.report_id = f.report_id
       WHERE ${where.join(" AND ")}`,
      params,
    );
    return rows.map((r) => ({
      observed: Date.parse(r.observed),
      commune: r.commune ?? "",
      type: r.type ?? "autre",
      service: parseClassKey(r.class).service,
      grade: toGrade(r.reliability, r.credibility),
    }));
  }

  /**
   * The facts of [previous.from, period.to) as the ranking reads them (`FactGroup`: per side,
   * commune and type), grouped and weighed in SQL, whatever the period holds: no fact leaves
   * SQLite. Decay as `decay()` computes it: 0.5^(age in days / half-life), age clamped at 0;
   * weighed by `reliability()` of the grade as `toGrade` reads it. The previous period's groups
   * carry their counts only (the ranking reads nothing else of them).
   *
   * Two ways to read the same groups, chosen by the store's breadth (migration 27): by
   * combination (class, commune, type, grade: one seek each, ≈ 4 µs here, then ≈ 0.15 µs a fact)
   * while combinations are few against the facts, as in a cell of a few towns; else by (commune,
   * type) pair (one seek per pair, then ≈ 1 µs a fact: its class checked and its weight computed),
   * as across the Vosges' 506 communes, where there are about as many combinations as facts.
   * `by` forces one (the tests compare both with `groupFacts`).
   */
  async factGroups(
    period: Window,
    previous: Window,
    classes: readonly string[],
    types: readonly string[],
    now: number,
    halfLifeDays: number,
    by?: "combination" | "pair",
  ): Promise<FactGroup[]> {
    if (classes.length === 0) return [];
    const way = by ?? (await this.breadth());
    const read = way === "combination" ? this.byCombination.bind(this) : this.byPair.bind(this);
    const k = Math.LN2 / (halfLifeDays * DAY);
    // Issued together: through a pool of readers (`ReadPool`), the two periods are read side by side.
    const [current, before] = await Promise.all([read(period, classes, types, { now, k }), read(previous, classes, types, null)]);
    const groups: FactGroup[] = [];
    for (const [side, rows] of [
      ["current", current],
      ["previous", before],
    ] as const)
      for (const g of rows.values())
        groups.push({
          side,
          commune: g.commune,
          type: g.type,
          services: side === "current" ? [...g.services].sort() : [],
          n: g.n,
          weighed: side === "current" ? g.weighed : 0,
          last: side === "current" ? g.last : 0,
        });
    return groups;
  }

  /**
   * Which way `factGroups` reads (see there): by combination while the combinations ever stored
   * are fewer than a 24th of the facts (the two periods are half a year of a store of a few
   * years: a sixth of its facts, read at a quarter of the cost a fact of reading by pair). Two
   * lookups of a table's last row id.
   */
  private async breadth(): Promise<"combination" | "pair"> {
    const row = await this.reads.get<{ combos: number | null; facts: number | null }>(
      "SELECT (SELECT max(rowid) FROM territory_combos) AS combos, (SELECT max(report_id) FROM territory_facts) AS facts",
    );
    return (row?.combos ?? 0) * 24 < (row?.facts ?? 0) ? "combination" : "pair";
  }

  /**
   * One window by combination: each one the room may see is one range of the combination index
   * (migrations 21 and 26), read by a correlated subquery (a tight loop, where a join grouped by
   * combination steps the grouping per fact), its count, decayed weight and latest fact in one
   * pass, returned together as one JSON list (sqlite3 turns every row it returns into an object on
   * the main thread, ≈ 10 µs a row here). The combinations are then weighed by their grade here.
   */
  private async byCombination(window: Window, classes: readonly string[], types: readonly string[], weigh: Weigh | null) {
    const where = [`c.class IN (${classes.map(() => "?").join(", ")})`];
    if (types.length > 0) where.push(`c.type IN (${types.map(() => "?").join(", ")})`);
    // exp((min(at, now) − now) × ln 2 / half-life): decay(now − at), the age clamped at 0.
    const aggregates = weigh ? "count(*), sum(exp((min(f.at, ?) - ?) * ?)), max(f.at)" : "count(*), 0, 0";
    const row = await this.reads.get<{ list: string }>(
      `SELECT json_group_array(json_array(c.commune, c.type, c.class, c.reliability, c.credibility, json((
          SELECT json_array(${aggregates}) FROM territory_facts f INDEXED BY territory_facts_by_combo_id
          WHERE f.combo = c.rowid AND f.active = 1 AND f.at >= ? AND f.at < ?)))) AS list
       FROM territory_combos c WHERE ${where.join(" AND ")}`,
      [...(weigh ? [weigh.now, weigh.now, weigh.k] : []), window.from, window.to, ...classes, ...types],
    );
    type Tuple = [string | null, string | null, string, string | null, number | null, [number, number | null, number | null]];
    const groups = new Groups();
    for (const [commune, type, classKey, reliabilityLetter, credibility, [n, decayed, last]] of JSON.parse(
      row?.list ?? "[]",
    ) as Tuple[]) {
      if (n === 0) continue;
      const g = groups.of(commune, type);
      g.n += n;
      g.weighed += reliability(toGrade(reliabilityLetter, credibility)) * (decayed ?? 0);
      g.last = Math.max(g.last, last ?? 0);
      g.services.add(groups.serviceOf(classKey));
    }
    return groups.all;
  }

  /**
   * One window by (commune, type) pair (migration 27): each pair ever stored is one range of the
   * pair index, walked in time order and grouped in the pairs' order (no sort), each fact's class
   * checked against those the room may see and its weight computed in SQL from the same weights
   * as `reliability()`, the grade read as `toGrade` reads it (a letter A–F, a digit 1–6, else F6).
   */
  private async byPair(window: Window, classes: readonly string[], types: readonly string[], weigh: Weigh | null) {
    const letters = Object.keys(RELIABILITY_WEIGHT) as Grade["reliability"][];
    const digits = Object.keys(CREDIBILITY_WEIGHT).map(Number) as Grade["credibility"][];
    const weightParams: number[] = [];
    const letterCase = `CASE f.reliability ${letters.map((l) => `WHEN '${l}' THEN ?`).join(" ")} ELSE ? END`;
    const digitCase = `CASE f.credibility ${digits.map((d) => `WHEN ${d} THEN ?`).join(" ")} ELSE ? END`;
    if (weigh) weightParams.push(...letters.map((l) => RELIABILITY_WEIGHT[l]), RELIABILITY_WEIGHT.F);
    if (weigh) weightParams.push(...digits.map((d) => CREDIBILITY_WEIGHT[d]), CREDIBILITY_WEIGHT[6]);
    const aggregates = weigh
      ? `sum(${letterCase} * ${digitCase} * exp((min(f.at, ?) - ?) * ?)) AS weighed, max(f.at) AS last,
         json_group_array(DISTINCT f.class) AS classes`
      : "0 AS weighed, 0 AS last, '[]' AS classes";
    const typeFilter = types.length > 0 ? `p.type IN (${types.map(() => "?").join(", ")}) AND ` : "";
    const row = await this.reads.get<{ list: string }>(
      `SELECT json_group_array(json_array(commune, type, n, weighed, last, json(classes))) AS list FROM (
         SELECT p.commune, p.type, count(*) AS n, ${aggregates}
         FROM territory_pairs p INDEXED BY territory_pairs_key CROSS JOIN territory_facts f INDEXED BY territory_facts_by_pair
         WHERE ${typeFilter}f.commune IS p.commune AND f.type IS p.type AND f.active = 1 AND f.at >= ? AND f.at < ?
           AND f.class IN (${classes.map(() => "?").join(", ")})
         GROUP BY ifnull(p.commune, ''), ifnull(p.type, ''))`,
      [...weightParams, ...(weigh ? [weigh.now, weigh.now, weigh.k] : []), ...types, window.from, window.to, ...classes],
    );
    type Tuple = [string | null, string | null, number, number, number, string[]];
    const groups = new Groups();
    for (const [commune, type, n, weighed, last, classKeys] of JSON.parse(row?.list ?? "[]") as Tuple[]) {
      const g = groups.of(commune, type);
      g.n += n;
      g.weighed += weighed;
      g.last = Math.max(g.last, last);
      for (const key of classKeys) g.services.add(groups.serviceOf(key));
    }
    return groups.all;
  }

  /** Replaces the list last shown in a room. */
  async saveShown(roomKey: string, at: number, proposals: readonly ShownProposal[]): Promise<void> {
    await this.db.run(
      `INSERT INTO strategy_shown (room_key, shown_at, proposals_json) VALUES (?, ?, ?)
       ON CONFLICT (room_key) DO UPDATE SET shown_at = excluded.shown_at, proposals_json = excluded.proposals_json`,
      [roomKey, at, JSON.stringify(proposals)],
    );
  }

  async lastShown(roomKey: string): Promise<{ at: number; proposals: ShownProposal[] } | undefined> {
    const row = await this.db.get<{ shown_at: number; proposals_json: string }>(
      "SELECT shown_at, proposals_json FROM strategy_shown WHERE room_key = ?",
      [roomKey],
    );
    return row && { at: row.shown_at, proposals: JSON.parse(row.proposals_json) as ShownProposal[] };
  }

  /** Idempotent on the command's event: a replayed `adopter` returns the proposal already adopted. */
  async adopt(input: {
    actionId: number;
    roomKey: string;
    proposal: ShownProposal;
    service: string;
    by: string;
    now: number;
    eventId: string;
  }): Promise<AdoptedProposal> {
    const p = input.proposal;
    await this.db.run(
      `INSERT OR IGNORE INTO strategy_adopted (action_id, room_key, commune, nom, place, types_json, span_ms, before_count,
         score, because_json, service, adopted_at, adopted_by, source_event_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        input.actionId,
        input.roomKey,
        p.commune,
        p.nom,
        p.place,
        JSON.stringify(p.types),
        Math.max(p.periodTo - p.periodFrom, 86_400_000),
        p.current,
        p.score,
        JSON.stringify(p.because),
        input.service,
        input.now,
        input.by,
        input.eventId,
      ],
    );
    const row = await this.db.get<AdoptedRow>("SELECT * FROM strategy_adopted WHERE source_event_id = ?", [input.eventId]);
    if (!row) throw new Error("adopted proposal not stored");
    return toAdopted(row);
  }

  async adopted(): Promise<AdoptedProposal[]> {
    return (await this.db.all<AdoptedRow>("SELECT * FROM strategy_adopted ORDER BY adopted_at, id")).map(toAdopted);
  }
}

interface AdoptedRow {
  id: number;
  action_id: number;
  room_key: string;
  commune: string;
  nom: string;
  place: string | null;
  types_json: string;
  span_ms: number;
  before_count: number;
  score: number;
  because_json: string;
  service: string;
  adopted_at: number;
}

function toAdopted(row: AdoptedRow): AdoptedProposal {
  return {
    id: row.id,
    actionId: row.action_id,
    roomKey: row.room_key,
    commune: row.commune,
    nom: row.nom,
    place: row.place,
    types: JSON.parse(row.types_json) as string[],
    spanMs: row.span_ms,
    before: row.before_count,
    score: row.score,
    because: JSON.parse(row.because_json) as string[],
    service: row.service,
    adoptedAt: row.adopted_at,
  };
}

/** A grade the bot cannot read counts as F6 (a little), never as more. */
function toGrade(reliability: string | null, credibility: number | null): Grade {
  const letter = reliability !== null && GRADES.test(reliability) ? (reliability as Grade["reliability"]) : "F";
  const digit = credibility !== null && credibility >= 1 && credibility <= 6 ? (credibility as Grade["credibility"]) : 6;
  return { reliability: letter, credibility: digit };
}

/** What the current side is weighed with: `now`, and ln 2 / half-life in ms. */
interface Weigh {
  now: number;
  k: number;
}

/** A window's groups by commune and type, as both ways of reading fill them. */
class Groups {
  readonly all = new Map<
    string,
    { commune: string; type: string; n: number; weighed: number; last: number; services: Set<string> }
  >();
  /** A few dozen classes for thousands of rows: each parsed once. */
  private readonly services = new Map<string, string>();

  of(commune: string | null, type: string | null) {
    const key = `${commune ?? ""}\u0000${type ?? "autre"}`;
    let g = this.all.get(key);
    if (!g)
      this.all.set(key, (g = { commune: commune ?? "", type: type ?? "autre", n: 0, weighed: 0, last: 0, services: new Set() }));
    return g;
  }

  serviceOf(classKey: string): string {
    let service = this.services.get(classKey);
    if (service === undefined) this.services.set(classKey, (service = parseClassKey(classKey).service));
    return service;
  }
}
