import { createHmac } from "node:crypto";
import type { Entity } from "../fr/entities.js";
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
  /** Set when the report is not an officer's: a referent's contribution from their matter room. */
  source?: ReportSource;
}

/**
 * A referent's contribution: who sent it, from which matter, and the shared report it complements
 * (a complement is a report of its own, so that it reaches nobody beyond the coordinator before
 * the coordinator diffuses it, whatever the diffusion of the report it completes).
 */
export interface ReportSource {
  kind: "referent";
  userId: string;
  name: string;
  matter: string;
  complementOf: string | null;
}

/** A report being written: the fields understood so far (one-line report with errors, or guided dialogue). */
export type ReportDraft = Partial<ReportFields>;

export const REQUIRED_FIELDS = ["type", "commune", "observedAt"] as const;

export function isComplete(draft: ReportDraft): draft is ReportFields {
  return REQUIRED_FIELDS.every((field) => draft[field] !== undefined);
}

/**
 * Report references: `<département>-<year>-<five digits>`, e.g. `88-2026-40317`. The number is not a
 * sequence: a global counter let a service see 0035 then 0037 and learn that a report it may not see
 * exists between them, and a restored backup handed announced numbers to other reports. It is drawn
 * from a keyed hash of the Matrix event that created the report (the same event always gets the
 * same number, even replayed onto a restored store; another event gets another one), and `attempt`
 * moves to the next candidate when a number is taken. Five digits stay short to type on a phone.
 * References issued before this rule (`88-2026-0042`, four digits) stay valid.
 */
export function referenceCandidate(
  departement: string,
  year: number,
  sourceEventId: string,
  key: string,
  attempt: number,
): string {
  const digest = createHmac("sha256", key).update(`${year}\u0000${sourceEventId}\u0000${attempt}`).digest();
  const number = 10_000 + (digest.readUInt32BE(0) % 90_000);
  return `${departement}-${year}-${number}`;
}

/** The note of a withdrawal caused by deleting the report's message: its copies are deleted too. */
export const REDACTION_NOTE = "[suppression] message d'origine supprimé";

export const REFERENCE_PATTERN = /^(\d{2,3}|2[AB])-(\d{4})-(\d{4,})$/i;

/** Every report reference a text mentions (journal details, alerts), upper-cased, once each. */
export function referencesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\b(?:\d{2,3}|2[AB])-\d{4}-\d{4,}\b/gi)].map((m) => m[0].toUpperCase()))];
}
