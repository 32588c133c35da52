import { REFERENCE_PATTERN } from "../core/report/report.js";
import type { StoredReport } from "../store/reports.js";
import type { CaptureDeps } from "./capture-deps.js";

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
    return { ok: false, error: `Référence non comprise : « ${ref} » (format 88-2026-40317).` };
  }
  const report = await capture.reports.byRef(wanted);
  if (!report || !capture.roomMaySee({ service: report.service, diffusion: report.fields.diffusion, ref: report.ref }, roomKey)) {
    return { ok: false, error: `Aucun renseignement ${wanted} accessible depuis ce salon.` };
  }
  return { ok: true, report };
}

/** The author and the coordinator may change or withdraw a report. */
export function mayChange(report: StoredReport, userId: string, capture: Pick<CaptureDeps, "isCoordinator">): boolean {
  return report.author === userId || capture.isCoordinator(userId);
}

/** The reports among `reports` that the room may see (the policy), in the same order. */
export function visibleIn(reports: StoredReport[], roomKey: string, capture: Pick<CaptureDeps, "roomMaySee">): StoredReport[] {
  return reports.filter((r) => capture.roomMaySee({ service: r.service, diffusion: r.fields.diffusion, ref: r.ref }, roomKey));
}

/** Journals that `userId` consulted these reports from this room, with the command used: one transaction. */
export async function journalConsultation(
  capture: Pick<CaptureDeps, "journal" | "journalMany">,
  who: { userId: string; roomKey: string; at: number },
  reports: readonly Pick<StoredReport, "ref">[],
  detail: string,
): Promise<void> {
  const entries = reports.map((report) => ({
    at: who.at,
    actor: who.userId,
    action: "consult" as const,
    ref: report.ref,
    room: who.roomKey,
    detail,
  }));
  if (capture.journalMany) {
    if (entries.length > 0) await capture.journalMany(entries);
    return;
  }
  for (const entry of entries) await capture.journal(entry);
}

/** Who consults, from a command invocation. */
export function consulter(invocation: { sender: { userId: string }; roomKey: string; sentAt: number }) {
  return { userId: invocation.sender.userId, roomKey: invocation.roomKey, at: invocation.sentAt };
}
