import type { Change, NewAttachment, ReportStore, StoredReport, StoredWrite } from "../store/reports.js";
import type { ReportFields } from "../core/report/report.js";

/** Where a report's new version is going: how many rooms, and whether it waits for the queue. */
export interface DiffusionStatus {
  rooms: number;
  pending: boolean;
}

/** What a write gives back to the confirmation: the report as stored, and its diffusion. */
export interface ReportWrite {
  report: StoredReport;
  /** False when the event had already been applied (a re-delivery): nothing new was written. */
  created: boolean;
  diffusion: DiffusionStatus;
}

export type NewReport = Parameters<ReportStore["create"]>[0];

/**
 * The one write path for reports. Every command and handler that creates, amends or withdraws a
 * report comes here: the store writes the version, its entities, matches and outbox rows in one
 * transaction, then the diffusion is announced — once per write, whatever the path (`!report`, a
 * completed dialogue, an edited line, `!maj`, `!retirer`, a thread complement, a deleted message,
 * an accepted tip). No other code writes reports.
 */
export interface ReportService {
  create(input: NewReport): Promise<ReportWrite>;
  amend(
    reportId: number,
    change: Exclude<Change, "create" | "cancel">,
    fields: ReportFields,
    by: string,
    at: number,
    sourceEventId: string,
    note?: string | null,
    attachment?: NewAttachment,
  ): Promise<ReportWrite>;
  /** Withdraws the report (status cancelled): its cards and everything said about it are taken back. */
  withdraw(report: StoredReport, by: string, at: number, sourceEventId: string, note: string | null): Promise<ReportWrite>;
}

export function reportService(
  store: Pick<ReportStore, "create" | "amend">,
  /**
   * Hands the version's outbox rows to the diffusion queue now; says where they go (`rooms`: how
   * many, when the write has just planned them; otherwise the announcement counts them).
   */
  announce: (reportId: number, version: number, rooms?: number) => Promise<DiffusionStatus>,
): ReportService {
  const announced = async ({ rooms, ...write }: StoredWrite): Promise<ReportWrite> => ({
    ...write,
    // Announced even for a re-delivered event: the relay is idempotent, and a write whose
    // announcement was cut short by a crash is announced by the retry.
    diffusion: await announce(write.report.id, write.report.version, rooms),
  });
  return {
    create: async (input) => announced(await store.create(input)),
    amend: async (reportId, change, fields, by, at, sourceEventId, note = null, attachment) =>
      announced(await store.amend(reportId, change, fields, by, at, sourceEventId, note, attachment)),
    withdraw: async (report, by, at, sourceEventId, note) =>
      announced(await store.amend(report.id, "cancel", report.fields, by, at, sourceEventId, note)),
  };
}
