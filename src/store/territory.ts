import type { Queries } from "./db.js";

/**
 * Counts for maps and trends, straight from SQL over a period of fact dates (`observedAt`), active
 * reports only. The policy is not re-written in SQL: `classes` lists the distinct diffusion classes
 * (service × level × services) present in a period, the caller asks THE policy about each, and every
 * count below is restricted to the class keys it allowed. A count can only include a report whose
 * exact class the policy accepted for the room.
 */

/** The expressions of the `reports_territory` index (migration), spelled exactly alike. */
const OBSERVED = "json_extract(fields_json, '$.observedAt')";
const COMMUNE = "json_extract(fields_json, '$.commune.code')";
const TYPE = "json_extract(fields_json, '$.type')";
const CLASS =
  "service || '|' || json_extract(fields_json, '$.diffusion.level') || '|' || ifnull(json_extract(fields_json, '$.diffusion.services'), '')";

export interface DiffusionClass {
  /** Opaque key, only ever compared with what SQL computes. */
  key: string;
  service: string;
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

export class TerritoryStore {
  constructor(private readonly db: Queries) {}

  /** The diffusion classes of the active reports observed in [from, to). */
  async classes(window: Window): Promise<DiffusionClass[]> {
    const rows = await this.db.all<{ key: string; service: string; level: string; services: string | null }>(
      `SELECT ${CLASS} AS key, service, json_extract(fields_json, '$.diffusion.level') AS level,
              json_extract(fields_json, '$.diffusion.services') AS services
       FROM reports INDEXED BY reports_territory
       WHERE ${OBSERVED} >= ? AND ${OBSERVED} < ? AND status = 'active'
       GROUP BY key`,
      [iso(window.from), iso(window.to)],
    );
    return rows.map((r) => ({
      key: r.key,
      service: r.service,
      level: r.level,
      services: r.services ? (JSON.parse(r.services) as string[]) : [],
    }));
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
      `SELECT ${COMMUNE} AS commune,
              SUM(CASE WHEN ${OBSERVED} >= ? THEN 1 ELSE 0 END) AS current,
              SUM(CASE WHEN ${OBSERVED} < ? THEN 1 ELSE 0 END) AS previous
       FROM reports INDEXED BY reports_territory WHERE ${where} GROUP BY commune`,
      [iso(split), iso(split), ...params],
    );
  }

  /** Counts per UTC hour and type: the caller groups hours into local weeks (DST-proof). */
  async hourlyCounts(window: Window, filter: CountFilter): Promise<{ observedAt: string; type: string; n: number }[]> {
    if (filter.classes.length === 0) return [];
    const { where, params } = conditions(window, filter);
    return this.db.all(
      `SELECT substr(${OBSERVED}, 1, 13) AS observedAt, ${TYPE} AS type, COUNT(*) AS n
       FROM reports INDEXED BY reports_territory WHERE ${where} GROUP BY 1, 2`,
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
    const { where, params } = conditions(window, filter, "r.");
    const addresses = await this.db.all<{ commune: string; key: string; display: string; n: number }>(
      `SELECT json_extract(r.fields_json, '$.commune.code') AS commune, e.value AS key, MIN(e.display) AS display,
              COUNT(DISTINCT r.id) AS n
       FROM reports r INDEXED BY reports_territory JOIN report_entities e ON e.report_id = r.id AND e.kind = 'address'
       WHERE ${where} GROUP BY commune, key HAVING n >= ?`,
      [...params, min],
    );
    const typed = await this.db.all<{ commune: string; key: string; display: string; n: number }>(
      `SELECT json_extract(r.fields_json, '$.commune.code') AS commune,
              lower(trim(json_extract(r.fields_json, '$.place'))) AS key,
              MIN(json_extract(r.fields_json, '$.place')) AS display, COUNT(*) AS n
       FROM reports r INDEXED BY reports_territory
       WHERE ${where} AND json_extract(r.fields_json, '$.place') IS NOT NULL
       GROUP BY commune, key HAVING n >= ?`,
      [...params, min],
    );
    return [...addresses, ...typed];
  }
}

function conditions(window: Window, filter: CountFilter, prefix = "") {
  const col = (sql: string) =>
    prefix ? sql.replaceAll("fields_json", `${prefix}fields_json`).replace(/^service/, `${prefix}service`) : sql;
  const where = [
    `${col(OBSERVED)} >= ?`,
    `${col(OBSERVED)} < ?`,
    `${prefix}status = 'active'`,
    `${col(CLASS)} IN (${filter.classes.map(() => "?").join(", ")})`,
  ];
  const params: string[] = [iso(window.from), iso(window.to), ...filter.classes];
  if (filter.types.length > 0) {
    where.push(`${col(TYPE)} IN (${filter.types.map(() => "?").join(", ")})`);
    params.push(...filter.types);
  }
  return { where: where.join(" AND "), params };
}
