import type { Logger } from "../log.js";
import type { AuditJournal } from "../store/audit.js";

const DAY = 24 * 3600 * 1000;

/** Applies the journal's retention at start-up and then daily. */
export function startAuditRetention(journal: AuditJournal, retentionDays: number, log: Logger): { stop(): void } {
  const purge = () =>
    journal.purgeOlderThan(Date.now() - retentionDays * DAY).then(
      (deleted) => deleted > 0 && log.info({ deleted, retentionDays }, "audit journal purged"),
      (error: unknown) => log.error({ err: String(error) }, "audit journal purge failed"),
    );
  void purge();
  const timer = setInterval(() => void purge(), DAY);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
