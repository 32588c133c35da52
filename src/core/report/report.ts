import type { Entity } from "../capture/entities.js";
import type { Diffusion } from "./diffusion.js";
import type { Grade } from "./grading.js";

/** What a report says, as stored in each version. Dates are ISO strings (UTC). */
export interface ReportFields {
  type: string;
  commune: { code: string; nom: string };
  place: string | null;
  observedAt: string;
  observedPrecision: "minute" | "day";
  grade: Grade;
  diffusion: Diffusion;
  substances: string[];
  peopleCount: number | null;
  entities: Entity[];
  text: string;
}

/** A report being written: the fields understood so far (one-line report with errors, or guided dialogue). */
export type ReportDraft = Partial<ReportFields>;

export const REQUIRED_FIELDS = ["type", "commune", "observedAt"] as const;

export function isComplete(draft: ReportDraft): draft is ReportFields {
  return REQUIRED_FIELDS.every((field) => draft[field] !== undefined);
}

/** Report references: `<département>-<year>-<sequence>`, one sequence for the whole département. */
export function formatReference(departement: string, year: number, sequence: number): string {
  return `${departement}-${year}-${String(sequence).padStart(4, "0")}`;
}

/** The note of a withdrawal caused by deleting the report's message: its copies are deleted too. */
export const REDACTION_NOTE = "[suppression] message d'origine supprimé";

export const REFERENCE_PATTERN = /^(\d{2,3}|2[AB])-(\d{4})-(\d{4,})$/i;
