import type { Queries } from "./db.js";

/**
 * Counts for maps and trends, straight from SQL over a period of fact dates (`observedAt`), active
 * reports only, read from `territory_facts` (one row per report, kept by triggers: see the
 * migration) through its covering index alone.
 *
 * The policy is not re-written in SQL: `classes` lists the distinct diffusion classes (service ×
 * level × services) present in a period, the caller asks THE policy about each one, and every count
 * below is restricted to the class keys it allowed. A count can therefore only include a report
 * whose exact class the policy accepted for the room.
 */

export interface DiffusionClass {
  /** Opaque key computed by SQL (`service|level|services-json`), only ever compared with SQL's. */
  key: string;
  service: string;
  /** `cross`, `service`, `restreint`, or whatever was stored (the policy refuses what it does not know). */
  level: string;
  services: string[];
}

export interface Window {
  from: number;
  to: number;
}

export interface CountFilter {
  /** Class keys the policy allowed for the room; empty means nothing is counted. */
  classes: readonly string[];
  /** Fact type keys; empty means every type. */
  types: readonly string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Reads a class key back; a key that is not `service|level|[json array]` is a class of nothing. */
export function parseClassKey(key: string): DiffusionClass {
  const [service = "", level = "", ...rest] = key.split("|");
  const json = rest.join("|");
  let services: string[] = [];
  if (json !== "") {
    try {
      const parsed: unknown = JSON.parse(json);
      services = Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === "string") : [];
    } catch {
      return { key, service, level: "invalid", services: [] };
    }
  }
  return { key, service, level, services };
}

export class TerritoryStore {
  constructor(private readonly db: Queries) {}

  /**
   * The diffusion classes of the active reports observed in [from, to): the distinct classes walked
   * on `territory_facts_by_class` (migration 24), one seek each, and each probed once on the
   * window — never the window's facts, nor every commune's combinations.
   */
  async classes(window: Window): Promise<DiffusionClass[]> {
    const rows = await this.db.all<{ key: string | null }>(
      `WITH RECURSIVE known(class) AS (
         SELECT min(class) FROM territory_facts INDEXED BY territory_facts_by_class
         UNION ALL
         SELECT (SELECT min(f.class) FROM territory_facts f INDEXED BY territory_facts_by_class WHERE f.class > known.class)
         FROM known WHERE known.class IS NOT NULL)
       SELECT k.class AS key FROM known k
       WHERE k.class IS NOT NULL AND EXISTS (SELECT 1 FROM territory_facts f INDEXED BY territory_facts_by_class
         WHERE f.class = k.class AND f.active = 1 AND f.at >= ? AND f.at < ?)`,
      [window.from, window.to],
    );
    return rows.flatMap((r) => (r.key === null ? [] : [parseClassKey(r.key)]));
  }

  /**
   * Counts per commune in two adjacent windows at once (`split` is where the current one starts):
   * `current` for [split, to), `previous` for [from, split).
   */
  async communeCounts(
    window: Window,
    split: number,
    filter: CountFilter,
  ): Promise<{ commune: string; current: number; previous: number }[]> {
    if (filter.classes.length === 0) return [];
    const { where, params } = conditions(window, filter);
    return this.db.all(
      `SELECT commune, SUM(observed >= ?) AS current, SUM(observed < ?) AS previous
       FROM territory_facts INDEXED BY territory_facts_by_time WHERE ${where} GROUP BY commune`,
      [iso(split), iso(split), ...params],
    );
  }

  /** Counts per UTC hour and type: the caller groups hours into local weeks (DST-proof). */
  async hourlyCounts(window: Window, filter: CountFilter): Promise<{ observedAt: string; type: string; n: number }[]> {
    if (filter.classes.length === 0) return [];
    const { where, params } = conditions(window, filter);
    return this.db.all(
      `SELECT substr(observed, 1, 13) AS observedAt, type, COUNT(*) AS n
       FROM territory_facts INDEXED BY territory_facts_by_time WHERE ${where} GROUP BY 1, 2`,
      params,
    );
  }

  /** Repeated places: normalised addresses and typed `lieu`, per commune, with at least `min` facts. */
  async places(
    window: Window,
    filter: CountFilter,
    min: number,
  ): Promise<{ commune: string; key: string; display: string; n: number }[]> {
    if (filter.classes.length === 0) return [];
    const { where, params } = conditions(window, filter);
    const typed = await this.db.all<{ commune: string; key: string; display: string; n: number }>(
      `SELECT commune, lower(place) AS key, MIN(place) AS display, COUNT(*) AS n
       FROM territory_facts INDEXED BY territory_facts_typed_places
       WHERE ${where} AND place IS NOT NULL AND place <> ''
       GROUP BY commune, key HAVING n >= ?`,
      [...params, min],
    );
    // CROSS JOIN: the window's facts that name an address first (their own index, migration 23),
    // then each one's addresses (never every address, then the window), in the addresses' own index.
    const addresses = await this.db.all<{ commune: string; key: string; display: string; n: number }>(
      `SELECT f.commune, e.value AS key, MIN(e.display) AS display, COUNT(DISTINCT f.report_id) AS n
       FROM territory_facts f INDEXED BY territory_facts_with_address
       CROSS JOIN report_entities e INDEXED BY report_entities_addresses ON e.report_id = f.report_id AND e.kind = 'address'
       WHERE ${where} AND f.has_address = 1 GROUP BY f.commune, key HAVING n >= ?`,
      [...params, min],
    );
    return [...addresses, ...typed];
  }
}

function conditions(window: Window, filter: CountFilter) {
  const where = ["observed >= ?", "observed < ?", "active = 1", `class IN (${filter.classes.map(() => "?").join(", ")})`];
  const params: string[] = [iso(window.from), iso(window.to), ...filter.classes];
  if (filter.types.length > 0) {
    where.push(`type IN (${filter.types.map(() => "?").join(", ")})`);
    params.push(...filter.types);
  }
  return { where: where.join(" AND "), params };
}
