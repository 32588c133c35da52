import type { Period } from "../rhythm/types.js";
import type { UnitChange, UnitCounts } from "./compare.js";
import type { Place, Relocation } from "./hotspots.js";
import type { Scale } from "./request.js";

/** Everything a map shows, counted over what the room may see only. */
export interface MapData {
  cellName: string;
  timeZone: string;
  period: Period;
  /** The period just before, same length (the baseline of `comparer` and of the trends). */
  previous: Period;
  compare: boolean;
  scale: Scale;
  /** Labels of the chosen fact types; empty: every type. */
  typeLabels: string[];
  /** Every unit of the scale, zeros included, with its change against the previous period. */
  units: UnitChange[];
  total: number;
  previousTotal: number;
  /** Communes with repeated facts in the period. */
  hotSpots: UnitCounts[];
  places: (Place & { nom: string })[];
  relocations: Relocation[];
}

export interface TrendsData {
  cellName: string;
  timeZone: string;
  period: Period;
  previous: Period;
  typeLabels: string[];
  types: { key: string; label: string }[];
  /** Local weeks (Monday 00:00) covering the period, oldest first, with counts per type key. */
  weeks: { start: number; counts: Record<string, number> }[];
  total: number;
  previousTotal: number;
  /** Communes with their change (every commune with facts in either period). */
  changes: UnitChange[];
}
