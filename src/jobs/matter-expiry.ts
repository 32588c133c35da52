import { expireDue, type MatterDeps } from "../app/matters.js";
import type { Logger } from "../log.js";

/** How often due matters are looked for: well inside the 5-minute bound after the due time. */
export const MATTER_TICK_MS = 30_000;

/**
 * The expiry tick: a matter past its date loses its referent (kick, notice, journal). The state is
 * in SQLite, so a bot restarted after the due time removes them at its first tick.
 */
export function startMatterExpiry(deps: MatterDeps, log: Pick<Logger, "info" | "error">, everyMs = MATTER_TICK_MS) {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        const ended = await expireDue(deps, Date.now());
        if (ended > 0) log.info({ ended }, "referent matters expired");
      } catch (error) {
        log.error({ err: error }, "matter expiry failed");
      }
    });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
