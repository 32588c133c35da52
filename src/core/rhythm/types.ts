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
  fields: ReportFields;
  /** Arrondissement code of the commune (881, 882, 883), when known. */
  arrondissement: string | null;
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
