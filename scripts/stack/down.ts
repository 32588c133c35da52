/** `node --import tsx scripts/stack/down.ts`: stops every process recorded in `.stack/*.pid`. */
import { stopAll } from "./processes.js";

try {
  const stopped = await stopAll();
  console.log(stopped.length > 0 ? `[stack] stopped: ${stopped.join(", ")}` : "[stack] nothing was running");
} catch (error) {
  console.error(`[stack] down failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
