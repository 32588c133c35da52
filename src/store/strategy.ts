import type { Grade } from "../core/report/grading.js";
import type { FactGroup, StrategyFact } from "../core/strategy/score.js";
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
   * The facts of [previous.from, period.to) as the ranking reads them (`FactGroup`), grouped and
   * weighed in SQL: a quarter of a large store is a few thousand groups, not a hundred thousand
   * rows. Each (class, commune, type, grade) combination the room may see is one range of the
   * combination index (migrations 21 and 26), read in the combination's order: no sort, no join,
   * no date parsed. Decay as `decay()` computes it: 0.5^(age in days / half-life), age clamped at
   * 0; the previous period's groups carry their counts only (the ranking reads nothing else of
   * them: `decayed` and `last` are 0 there).
   */
  async factGroups(
    period: Window,
    previous: Window,
    classes: readonly string[],
    types: readonly string[],
    now: number,
    halfLifeDays: number,
  ): Promise<FactGroup[]> {
    if (classes.length === 0) return [];
    const combos = [`c.class IN (${classes.map(() => "?").join(", ")})`];
    const comboParams: (string | number)[] = [...classes];
    if (types.length > 0) {
      combos.push(`c.type IN (${types.map(() => "?").join(", ")})`);
      comboParams.push(...types);
    }
    // Each combination is one range of the combination index, read by a correlated subquery: SQLite
    // runs it as a tight loop, where a join grouped by combination steps the grouping per fact (a
    // quarter at 1 M reports: 12 ms against 17 for the counts alone). Every combination costs one
    // seek (about 4 µs here) whatever it holds, so each side is read in one pass: a combination's
    // count, and on the current side its decayed weight and latest fact, come out of that pass
    // together, as one JSON array. The decay as decay() computes it, the age clamped at 0:
    // exp((min(at, now) − now) × ln 2 / half-life).
    // The combinations of one group (a service's classes: its `cross` and its `service` reports,
    // say) are then summed in SQL, and each side comes back as one JSON list parsed at once:
    // sqlite3 turns every row it returns into an object on the main thread, about 10 µs a row here.
    const side = (aggregates: string) => `
      WITH k AS MATERIALIZED (
        -- The class's service, as parseClassKey reads it: what comes before the first '|'.
        SELECT c.commune, c.type, CASE WHEN instr(c.class, '|') > 0 THEN substr(c.class, 1, instr(c.class, '|') - 1)
            ELSE c.class END AS service, c.reliability, c.credibility, (
          SELECT json_array(${aggregates}) FROM territory_facts f INDEXED BY territory_facts_by_combo_id
          WHERE f.combo = c.rowid AND f.active = 1 AND f.at >= ? AND f.at < ?) AS a
        FROM territory_combos c WHERE ${combos.join(" AND ")}),
      g AS (
        SELECT commune, type, service, reliability, credibility, sum(a ->> 0) AS n, sum(a ->> 1) AS decayed, max(a ->> 2) AS last
        FROM k GROUP BY commune, type, service, reliability, credibility)
      SELECT json_group_array(json_array(commune, type, service, reliability, credibility, n, decayed, last)) AS list
      FROM g WHERE n > 0`;
    // Issued together: through a pool of readers (`ReadPool`), the two periods are read side by side.
    const [current, before] = await Promise.all([
      this.reads.get<{ list: string }>(side("count(*), sum(exp((min(f.at, ?) - ?) * ?)), max(f.at)"), [
        now,
        now,
        Math.LN2 / (halfLifeDays * DAY),
        period.from,
        period.to,
        ...comboParams,
      ]),
      // The previous period's groups carry their counts only.
      this.reads.get<{ list: string }>(side("count(*), 0, 0"), [previous.from, previous.to, ...comboParams]),
    ]);
    // Two grades the ranking reads alike (both unreadable, say) are one group.
    const groups = new Map<string, FactGroup>();
    const add = (side: FactGroup["side"]) => ([commune, type, service, reliability, credibility, n, decayed, last]: GroupTuple) => {
      const grade = toGrade(reliability, credibility);
      const key = `${side}\u0000${commune ?? ""}\u0000${type ?? "autre"}\u0000${service}\u0000${grade.reliability}\u0000${grade.credibility}`;
      const g = groups.get(key);
      if (!g) groups.set(key, { side, commune: commune ?? "", type: type ?? "autre", service, grade, n, decayed, last });
      else Object.assign(g, { n: g.n + n, decayed: g.decayed + decayed, last: Math.max(g.last, last) });
    };
    const tuples = (row: { list: string } | undefined) => JSON.parse(row?.list ?? "[]") as GroupTuple[];
    tuples(current).forEach(add("current"));
    tuples(before).forEach(add("previous"));
    return [...groups.values()];
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

/** A group as `factGroups` reads it: commune, type, service, grade, count, decayed weight, latest fact. */
type GroupTuple = [string | null, string | null, string, string | null, number | null, number, number, number];

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
