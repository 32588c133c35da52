import type { ReportFields } from "../report/report.js";
import type { Vocabulary } from "../report/render.js";

/**
 * The data the cell's rhythm works on — digests, agendas, reminders — already filtered by the
 * diffusion policy for the room they are built for. Builders are pure functions of these and a clock.
 */
export interface RhythmReport {
  ref: string;
  service: string;
  status: "active" | "cancelled";
  /** When the report was stored (ms). Periods select on this. */
  createdAt: number;
  /** What digests and agendas read of the report's fields (the store loads nothing more). */
  fields: RhythmFields;
  /** Arrondissement code of the commune (881, 882, 883), when known. */
  arrondissement: string | null;
}

export type RhythmFields = Pick<ReportFields, "type" | "commune" | "grade" | "entities">;

/**
 * Active reports of a period counted by commune code and by type, as the room may see them (the
 * previous period of a digest or an agenda: its trends need counts, not the reports).
 */
export interface PeriodCounts {
  byCommune: Map<string, number>;
  byType: Map<string, number>;
}

/** The counts of the active reports among `reports`. */
export function countPeriod(reports: readonly RhythmReport[]): PeriodCounts {
  const byCommune = new Map<string, number>();
  const byType = new Map<string, number>();
  for (const r of reports) {
    if (r.status !== "active") continue;
    byCommune.set(r.fields.commune.code, (byCommune.get(r.fields.commune.code) ?? 0) + 1);
    byType.set(r.fields.type, (byType.get(r.fields.type) ?? 0) + 1);
  }
  return { byCommune, byType };
}

export interface RhythmMatch {
  refs: [string, string];
  entity: { kind: string; display: string };
  createdAt: number;
  /** The two reports come from different services. */
  crossService: boolean;
}

export interface RhythmAction {
  id: number;
  service: string;
  due: number;
  text: string;
  status: "open" | "done";
  ref: string | null;
  meetingId: number | null;
  doneAt: number | null;
}

export interface Period {
  from: number;
  to: number;
  /** "24 h", "7 jours", "depuis le 12/11", "semaine en cours" — for headlines. */
  label: string;
}

export interface RhythmContext {
  now: number;
  timeZone: string;
  vocabulary: Vocabulary;
  arrondissementName(code: string): string | undefined;
  cellName: string;
}

export interface AgendaItem {
  id: number;
  text: string;
  /** The meeting it was first put on, if it is carried over from an earlier one. */
  carriedFrom: number | null;
}

export interface Meeting {
  id: number;
  at: number;
  place: string | null;
  status: "scheduled" | "cancelled" | "held";
  minutes: string | null;
}

/** A built message in two parts: the short headline for the room, the detail for its thread. */
export interface TwoPart<M> {
  headline: M;
  detail: M;
}

/** A report as one line of an agenda lists it: its reference, and where. */
export interface ListedReport {
  ref: string;
  service: string;
  createdAt: number;
  commune: { code: string; nom: string };
}

/** The reports of one status, commune and type in a period: all counted, the most recent listed. */
export interface ReportGroup {
  status: "active" | "cancelled";
  type: string;
  /** The commune as the group's most recent report names it. */
  commune: { code: string; nom: string };
  /** Arrondissement code of the commune, when known. */
  arrondissement: string | null;
  count: number;
  /** When its most recent report was stored (ms). */
  last: number;
  /**
   * Its most recent references, oldest first: the `MAX_LISTED` most recent (all of them when
   * fewer), or, when the summary was made for a message's `Listing`s, at least those of them the
   * message may list (see `listedSince`).
   */
  recent: ListedReport[];
}

/** A plate, phone, address or person found in at least two active reports of the period. */
export interface RecurringEntity {
  kind: string;
  value: string;
  display: string;
  /** Active reports naming it. */
  count: number;
  /** Services those reports come from. */
  services: number;
  /** The `MAX_LISTED` most recent of those reports, oldest first. */
  recent: ListedReport[];
}

/**
 * An active report of the period that a digest puts first ("À signaler"): well graded — source A/B,
 * information 1/2 — or cross-referenced by a match the room sees.
 */
export interface NotableReport extends ListedReport {
  type: string;
  grade: RhythmFields["grade"];
}

/** The notable reports of a period: all counted, the most recent listed, oldest first. */
export interface NotableList {
  count: number;
  recent: NotableReport[];
}

/**
 * What an agenda reads of a period's reports: counts and the references it lists, never the whole
 * period — made in SQL by the store (`ReportStore.periodSummary`), or by `summarise` from reports.
 */
export interface PeriodSummary {
  groups: ReportGroup[];
  entities: RecurringEntity[];
}
