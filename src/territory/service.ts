import type { Classified } from "../core/policy.js";
import type { Diffusion } from "../core/report/diffusion.js";
import type { FactType } from "../core/report/fact-types.js";
import { previousPeriod } from "../core/rhythm/period.js";
import type { Period } from "../core/rhythm/types.js";
import { compareUnits, type UnitCounts } from "../core/territory/compare.js";
import { hotSpots, relocations, repeatedPlaces, rollUp } from "../core/territory/hotspots.js";
import type { Scale } from "../core/territory/request.js";
import type { MapData, TrendsData } from "../core/territory/types.js";
import { weeklyCounts } from "../core/territory/weeks.js";
import type { CountFilter, DiffusionClass, TerritoryStore } from "../store/territory.js";
import { type TerritoryFrame, vosgesFrame } from "./frame.js";

export interface TerritoryDeps {
  store: TerritoryStore;
  /** THE diffusion policy, bound to the configuration and frozen rooms (CaptureDeps.roomMaySee). */
  roomMaySee(report: Classified, roomKey: string): boolean;
  cellName: string;
  timeZone: string;
  types: readonly FactType[];
  frame?: TerritoryFrame;
}

export interface MapQuery {
  period: Period;
  types: readonly FactType[];
  scale: Scale;
  compare: boolean;
}

/**
 * Maps and trends for one room: the distinct diffusion classes of the window go through the policy
 * one by one, and SQL counts only the classes it allowed (src/store/territory.ts).
 */
export function territory(deps: TerritoryDeps) {
  const frame = () => deps.frame ?? vosgesFrame();

  async function filterFor(roomKey: string, from: number, to: number, types: readonly FactType[]): Promise<CountFilter> {
    const classes = await deps.store.classes({ from, to });
    const allowed = classes.filter((c) => {
      const diffusion = diffusionOf(c);
      // A class the bot cannot read is counted nowhere (conservative: it never widens a view).
      return diffusion !== null && deps.roomMaySee({ service: c.service, diffusion }, roomKey);
    });
    return { classes: allowed.map((c) => c.key), types: types.map((t) => t.key) };
  }

  async function communeCounts(roomKey: string, period: Period, previous: Period, types: readonly FactType[]) {
    const filter = await filterFor(roomKey, previous.from, period.to, types);
    const rows = await deps.store.communeCounts({ from: previous.from, to: period.to }, period.from, filter);
    const byCode = new Map(rows.map((r) => [r.commune, r]));
    const communes: UnitCounts[] = frame().communes.map((c) => ({
      code: c.code,
      nom: c.nom,
      current: Number(byCode.get(c.code)?.current ?? 0),
      previous: Number(byCode.get(c.code)?.previous ?? 0),
    }));
    return { filter, communes };
  }

  return {
    async map(roomKey: string, query: MapQuery): Promise<MapData> {
      const previous = previousPeriod(query.period);
      const { filter, communes } = await communeCounts(roomKey, query.period, previous, query.types);
      const f = frame();
      const parentOf = new Map(f.communes.map((c) => [c.code, query.scale === "canton" ? c.canton : c.arrondissement]));
      const units =
        query.scale === "commune"
          ? communes
          : rollUp(communes, (code) => parentOf.get(code), query.scale === "canton" ? f.cantons : f.arrondissements);
      const neighbours = new Map(f.communes.map((c) => [c.code, c.neighbours]));
      const names = new Map(f.communes.map((c) => [c.code, c.nom]));
      const places = await deps.store.places(query.period, filter, 2);
      return {
        cellName: deps.cellName,
        timeZone: deps.timeZone,
        period: query.period,
        previous,
        compare: query.compare,
        scale: query.scale,
        typeLabels: query.types.map((t) => t.label),
        units: compareUnits(units),
        total: communes.reduce((s, c) => s + c.current, 0),
        previousTotal: communes.reduce((s, c) => s + c.previous, 0),
        hotSpots: hotSpots(communes),
        places: repeatedPlaces(places).map((p) => ({ ...p, nom: names.get(p.commune) ?? p.commune })),
        relocations: relocations(communes, (code) => neighbours.get(code) ?? []),
      };
    },

    async trends(roomKey: string, period: Period, types: readonly FactType[]): Promise<TrendsData> {
      const previous = previousPeriod(period);
      const { filter, communes } = await communeCounts(roomKey, period, previous, types);
      const hours = await deps.store.hourlyCounts(period, filter);
      const present = new Set(hours.map((h) => h.type));
      const shown = (types.length > 0 ? types : deps.types).filter((t) => present.has(t.key));
      return {
        cellName: deps.cellName,
        timeZone: deps.timeZone,
        period,
        previous,
        typeLabels: types.map((t) => t.label),
        types: [
          ...shown.map((t) => ({ key: t.key, label: t.label })),
          // A type no longer in the configuration still counts, under its key.
          ...[...present].filter((k) => !deps.types.some((t) => t.key === k)).map((k) => ({ key: k, label: k })),
        ],
        weeks: weeklyCounts(hours, period.from, period.to, deps.timeZone),
        total: communes.reduce((s, c) => s + c.current, 0),
        previousTotal: communes.reduce((s, c) => s + c.previous, 0),
        changes: compareUnits(communes.filter((c) => c.current + c.previous > 0)),
      };
    },
  };
}

export type Territory = ReturnType<typeof territory>;

/** The diffusion a stored class stands for; null: unreadable (counted nowhere). Shared with the strategy. */
export function diffusionOf(c: DiffusionClass): Diffusion | null {
  if (c.level === "cross") return { level: "cross" };
  if (c.level === "service") return { level: "service" };
  if (c.level === "restreint") return { level: "restreint", services: c.services };
  return null;
}
