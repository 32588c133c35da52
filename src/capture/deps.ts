import type { Classified } from "../core/policy.js";
import type { CaptureContext } from "../core/report/fields.js";
import type { Vocabulary } from "../core/report/render.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { DialogueStore } from "../store/dialogues.js";
import type { ReportStore } from "../store/reports.js";

/** What the capture commands and handlers need: stores, the cell's vocabulary, the policy. */
export interface CaptureDeps {
  reports: ReportStore;
  dialogues: DialogueStore;
  captureContext(now: Date): CaptureContext;
  vocabulary: Vocabulary;
  dialogueTimeoutMs: number;
  /** The diffusion policy, bound to the configuration and to frozen rooms (src/core/policy.ts). */
  roomMaySee(report: Classified, roomKey: string): boolean;
  /** The same, for follow-up actions (an action tied to a report follows the report). */
  roomMaySeeAction(action: { service: string; report: Classified | null }, roomKey: string): boolean;
  isCoordinator(userId: string): boolean;
  /** The audit journal (consultations; writes are journaled by the report store itself). */
  journal(entry: NewAuditEntry): Promise<void>;
  /** Several entries of one command in one transaction (absent: one `journal` call each). */
  journalMany?(entries: NewAuditEntry[]): Promise<void>;
  /** Kicks the diffusion of a report's latest version; says whether it waits for the queue. */
  announceDiffusion(reportId: number, version: number): Promise<{ rooms: number; pending: boolean }>;
}
