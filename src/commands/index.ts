import type { CaptureDeps } from "../capture/deps.js";
import type { AuditJournal } from "../store/audit.js";
import { audit } from "./audit.js";
import { cherche } from "./cherche.js";
import { fiche } from "./fiche.js";
import { aide, type HelpDeps } from "./aide.js";
import { ping, type PingDeps } from "./ping.js";
import { CommandRegistry } from "./registry.js";
import { report } from "./report.js";
import { retirer } from "./retirer.js";
import { update } from "./update.js";
import { voir } from "./voir.js";

/** Everything any command may ask for; each command declares the narrow part it uses. */
export type CommandDeps = HelpDeps & PingDeps & { capture: CaptureDeps; audit: Pick<AuditJournal, "forRef" | "verify"> };

/** The command table, in the order `!aide` lists it. */
export function buildRegistry(): CommandRegistry {
  return new CommandRegistry([report, voir, cherche, fiche, update, retirer, audit, aide, ping]);
}
