import { takeBack, type TakeBackDeps } from "../app/take-back.js";
import type { Logger } from "../log.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { RetentionStore } from "../store/retention.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface RetentionDeps extends TakeBackDeps {
  retention: Pick<RetentionStore, "due" | "purge">;
  roomIdOf(roomKey: string): string | undefined;
  journal(entry: NewAuditEntry): Promise<void>;
  retentionDays: number;
  log: Pick<Logger, "info" | "error">;
}

/**
 * Purges the reports whose retention ran out: first the bot's messages about them are taken back
 * from every room that holds one (redacted), then the report and everything hanging off it is
 * deleted, and the purge is journaled. Returns the references purged.
 */
export async function purgeDueReports(deps: RetentionDeps, now: number): Promise<string[]> {
  const purged: string[] = [];
  for (const report of await deps.retention.due(now - deps.retentionDays * DAY)) {
    for (const roomKey of report.rooms) {
      const roomId = deps.roomIdOf(roomKey);
      if (roomId) await takeBack(deps, { key: roomKey, id: roomId }, "Durée de conservation échue", report.id);
    }
    await deps.retention.purge(report, now);
    await deps.journal({
      at: now,
      actor: "bot",
      action: "purge",
      ref: report.ref,
      room: null,
      detail: `conservation de ${deps.retentionDays} j échue (dernière modification ${new Date(report.lastChange).toISOString().slice(0, 10)})`,
    });
    purged.push(report.ref);
  }
  if (purged.length > 0) deps.log.info({ purged: purged.length, retentionDays: deps.retentionDays }, "reports purged");
  return purged;
}

/** Runs the purge at start-up and then every six hours. */
export function startReportRetention(deps: RetentionDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => purgeDueReports(deps, Date.now()))
      .catch((error: unknown) => deps.log.error({ err: error }, "report purge failed; retried at the next run"));
  };
  run();
  const timer = setInterval(run, 6 * HOUR);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
