import type { Classified } from "../core/policy.js";
import type { CaptureContext } from "../core/report/fields.js";
import type { Vocabulary } from "../core/report/render.js";
import type { DialogueStore } from "../store/dialogues.js";
import type { ReportStore } from "../store/reports.js";

/** What the capture commands and handlers need: stores, the cell's vocabulary, the policy. */
export interface CaptureDeps {
  reports: ReportStore;
  dialogues: DialogueStore;
  captureContext(now: Date): CaptureContext;
  vocabulary: Vocabulary;
  dialogueTimeoutMs: number;
  /** The diffusion policy, bound to the configuration (src/core/policy.ts). */
  roomMaySee(report: Classified, roomKey: string): boolean;
  isCoordinator(userId: string): boolean;
}
