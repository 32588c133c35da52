import { existsSync } from "node:fs";
import { STACK_FILE, readStack } from "./harness.js";

/** End-to-end tests need the local stack that `npm test` starts (scripts/test.sh). */
export default async function setup(): Promise<void> {
  if (!existsSync(STACK_FILE)) {
    throw new Error(`${STACK_FILE} is missing: run the tests with \`npm test\`, which starts Synapse and Redis`);
  }
  const stack = readStack();
  const response = await fetch(`${stack.homeserver}/_matrix/client/versions`).catch(() => null);
  if (!response?.ok) throw new Error(`the local Synapse (${stack.homeserver}) does not answer: run \`npm test\``);
}
