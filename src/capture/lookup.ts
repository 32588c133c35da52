import { REFERENCE_PATTERN } from "../core/report/report.js";
import type { StoredReport } from "../store/reports.js";
import type { CaptureDeps } from "./deps.js";

export type Lookup = { ok: true; report: StoredReport } | { ok: false; error: string };

/**
 * Finds a report by reference for a room. A report the room may not see is answered exactly like a
 * report that does not exist: the answer must not reveal that it exists.
 */
export async function findVisibleReport(
  ref: string,
  roomKey: string,
  capture: Pick<CaptureDeps, "reports" | "roomMaySee">,
): Promise<Lookup> {
  const wanted = ref.trim().toUpperCase();
  if (!REFERENCE_PATTERN.test(wanted)) {
    return { ok: false, error: `Référence non comprise : « ${ref} » (format 88-2026-0042).` };
  }
  const report = await capture.reports.byRef(wanted);
  if (!report || !capture.roomMaySee({ service: report.service, diffusion: report.fields.diffusion }, roomKey)) {
    return { ok: false, error: `Aucun renseignement ${wanted} accessible depuis ce salon.` };
  }
  return { ok: true, report };
}

/** The author and the coordinator may change or withdraw a report. */
export function mayChange(report: StoredReport, userId: string, capture: Pick<CaptureDeps, "isCoordinator">): boolean {
  return report.author === userId || capture.isCoordinator(userId);
}
