import type { Logger } from "../log.js";
import type { ReportStore } from "../store/reports.js";

const BATCH = 1000;

/**
 * Keeps the full-text index in step with the reports, in batches (migration 17): every
 * `intervalMs`, the reports written since the last batch are indexed together, one transaction per
 * thousand. Until then `!cherche` reads them by substring, so a report is found as soon as it is
 * stored; batching is what keeps each report's own write cheap on a large store. At start-up it
 * indexes what a stop or a crash left marked; on stop it indexes what is left.
 */
export function startSearchIndexer(
  reports: Pick<ReportStore, "indexForSearch">,
  log: Logger,
  intervalMs = 1000,
): { stop(): Promise<void>; flush(): Promise<number> } {
  let running: Promise<number> = Promise.resolve(0);
  const drain = async () => {
    let total = 0;
    for (let n = BATCH; n === BATCH; total += n) n = await reports.indexForSearch(BATCH);
    if (total > 0) log.debug({ reports: total }, "reports indexed for search");
    return total;
  };
  const flush = () => {
    running = running.then(drain, drain).catch((error: unknown) => {
      log.warn({ err: String(error) }, "search indexing failed; retried at the next tick");
      return 0;
    });
    return running;
  };
  void flush();
  const timer = setInterval(() => void flush(), intervalMs);
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
