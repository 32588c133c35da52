import { aide, type HelpDeps } from "./aide.js";
import { ping, type PingDeps } from "./ping.js";
import { CommandRegistry } from "./registry.js";

/** Everything any command may ask for; each command declares the narrow part it uses. */
export type CommandDeps = HelpDeps & PingDeps;

/** The command table, in the order `!aide` lists it. */
export function buildRegistry(): CommandRegistry {
  return new CommandRegistry([aide, ping]);
}
