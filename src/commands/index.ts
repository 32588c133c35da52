import type { CaptureDeps } from "../capture/deps.js";
import type { RhythmDeps } from "../rhythm/deps.js";
import type { AuditJournal } from "../store/audit.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";
import { audit } from "./audit.js";
import { conservation, type RetentionInfo } from "./conservation.js";
import { action } from "./action.js";
import { actions } from "./actions.js";
import { agenda } from "./agenda.js";
import { carte, type TerritoryCommandDeps } from "./carte.js";
import { cherche } from "./cherche.js";
import { cr } from "./cr.js";
import { degeler } from "./degeler.js";
import { digest } from "./digest.js";
import { fait } from "./fait.js";
import { reunion } from "./reunion.js";
import { reunions } from "./reunions.js";
import { fiche } from "./fiche.js";
import { aide, type HelpDeps } from "./aide.js";
import { ping, type PingDeps } from "./ping.js";
import { CommandRegistry } from "./registry.js";
import { referent, referents } from "./referent.js";
import type { MatterDeps } from "../app/matters.js";
import type { ContributionDeps } from "../app/contribution.js";
import { report } from "./report.js";
import { retirer } from "./retirer.js";
import { strategie } from "./strategie.js";
import type { StrategyCommandDeps } from "./strategie-shared.js";
import { tendances } from "./tendances.js";
import { tri } from "./tri.js";
import type { TriDeps } from "./tri-shared.js";
import { update } from "./update.js";
import { voir } from "./voir.js";

/** Everything any command may ask for; each command declares the narrow part it uses. */
export type CommandDeps = HelpDeps &
  PingDeps &
  TerritoryCommandDeps &
  StrategyCommandDeps & {
    capture: CaptureDeps;
    audit: Pick<AuditJournal, "forRef" | "verify">;
    rhythm: RhythmDeps;
    frozen: Pick<FrozenRooms, "thaw" | "intruders">;
    retention: RetentionInfo;
    tips: TriDeps;
    matters: MatterDeps;
    contribution: ContributionDeps;
  };

/** The command table, in the order `!aide` lists it. */
export function buildRegistry(): CommandRegistry {
  return new CommandRegistry([
    report,
    voir,
    cherche,
    fiche,
    update,
    retirer,
    digest,
    carte,
    tendances,
    strategie,
    agenda,
    reunion,
    reunions,
    cr,
    action,
    actions,
    fait,
    audit,
    conservation,
    degeler,
    tri,
    referent,
    referents,
    aide,
    ping,
  ]);
}
