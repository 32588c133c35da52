import type { BoundPolicy } from "./policy.js";
import type { ReportService } from "./reports.js";
import type { CaptureContext } from "../core/report/fields.js";
import type { Vocabulary } from "../core/report/render.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { DialogueStore } from "../store/dialogues.js";
import type { ReportStore } from "../store/reports.js";

/** Reading reports: everything of the store but its writes, which go through `write`. */
export type ReportReads = Omit<ReportStore, "create" | "amend">;

/** What the capture commands and handlers need: stores, the cell's vocabulary, the policy. */
export interface CaptureDeps {
  reports: ReportReads;
  /** The one write path (src/app/reports.ts): the version, then its announcement. */
  write: ReportService;
  dialogues: DialogueStore;
  captureContext(now: Date): CaptureContext;
  vocabulary: Vocabulary;
  dialogueTimeoutMs: number;
  /** The bound diffusion policy (src/app/policy.ts). */
  roomMaySee: BoundPolicy["maySee"];
  /** The same, for follow-up actions (an action tied to a report follows the report). */
  roomMaySeeAction: BoundPolicy["maySeeAction"];
  isCoordinator(userId: string): boolean;
  /** The audit journal (consultations; writes are journaled by the report store itself). */
  journal(entry: NewAuditEntry): Promise<void>;
  /** Several entries of one command in one transaction (absent: one `journal` call each). */
  journalMany?(entries: NewAuditEntry[]): Promise<void>;
}
