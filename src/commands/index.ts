import type { CaptureDeps } from "../app/capture-deps.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import type { AuditJournal } from "../store/audit.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";
import type { MatterDeps } from "../app/matters.js";
import { action } from "./action.js";
import { actions } from "./actions.js";
import { agenda } from "./agenda.js";
import { agendaAjouter } from "./agenda-ajouter.js";
import { agendaClore } from "./agenda-clore.js";
import { aide, type HelpDeps } from "./aide.js";
import { audit } from "./audit.js";
import { carte, type TerritoryCommandDeps } from "./carte.js";
import { cherche } from "./cherche.js";
import { conservation, type RetentionInfo } from "./conservation.js";
import { cr } from "./cr.js";
import { crExport } from "./cr-export.js";
import { degeler } from "./degeler.js";
import { digest } from "./digest.js";
import { fait } from "./fait.js";
import { fiche } from "./fiche.js";
import { ping, type PingDeps } from "./ping.js";
import {
  referent,
  referentClore,
  referentInviter,
  referentPartager,
  referentProlonger,
  referentRetirer,
  referents,
} from "./referent.js";
import { bind, CommandRegistry } from "./registry.js";
import type { ContributionDeps } from "../app/contribution.js";
import { report } from "./report.js";
import { retirer } from "./retirer.js";
import { reunion } from "./reunion.js";
import { reunionAnnuler } from "./reunion-annuler.js";
import { reunionDeplacer } from "./reunion-deplacer.js";
import { reunions } from "./reunions.js";
import { strategie } from "./strategie.js";
import { strategieAdopter } from "./strategie-adopter.js";
import type { StrategyCommandDeps } from "./strategie-shared.js";
import { tendances } from "./tendances.js";
import { tri } from "./tri.js";
import { triAccepter } from "./tri-accepter.js";
import { triDoublon } from "./tri-doublon.js";
import { triQuestion } from "./tri-question.js";
import { triRejeter } from "./tri-rejeter.js";
import type { TriDeps } from "./tri-shared.js";
import { update } from "./update.js";
import { voir } from "./voir.js";

/** Everything the composition root provides to commands; each entry below maps the part its command declares. */
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

type D = CommandDeps;
const capture = (d: D) => ({ capture: d.capture });
const withRhythm = (d: D) => ({ rhythm: d.rhythm, capture: d.capture });
const rhythm = (d: D) => ({ rhythm: d.rhythm });
const tips = (d: D) => ({ tips: d.tips, capture: d.capture });
const strategy = (d: D) => ({ strategy: d.strategy, rhythm: d.rhythm });
const territory = (d: D) => ({ territory: d.territory, territoryContext: d.territoryContext });
const matters = (d: D) => ({ matters: d.matters });

/**
 * The command table, in the order `!aide` lists it. Each entry maps, from the composition root,
 * exactly what its command declares it needs — a missing service is a type error here — and
 * attaches its sub-verbs.
 */
export function buildRegistry(): CommandRegistry<CommandDeps> {
  return new CommandRegistry<CommandDeps>([
    bind(report, (d) => ({ capture: d.capture, contribution: d.contribution })),
    bind(voir, capture),
    bind(cherche, capture),
    bind(fiche, capture),
    bind(update, capture),
    bind(retirer, capture),
    bind(digest, withRhythm),
    bind(carte, territory),
    bind(tendances, territory),
    bind(strategie, strategy, [bind(strategieAdopter, strategy)]),
    bind(agenda, withRhythm, [bind(agendaAjouter, rhythm), bind(agendaClore, rhythm)]),
    bind(reunion, withRhythm, [bind(reunionDeplacer, rhythm), bind(reunionAnnuler, rhythm)]),
    bind(reunions, withRhythm),
    bind(cr, rhythm, [bind(crExport, withRhythm)]),
    bind(action, withRhythm),
    bind(actions, withRhythm),
    bind(fait, withRhythm),
    bind(audit, (d) => ({ audit: d.audit, capture: d.capture })),
    bind(conservation, (d) => ({ retention: d.retention })),
    bind(degeler, (d) => ({ frozen: d.frozen })),
    bind(tri, tips, [bind(triAccepter, tips), bind(triRejeter, tips), bind(triDoublon, tips), bind(triQuestion, tips)]),
    bind(referent, matters, [
      bind(referentInviter, matters),
      bind(referentPartager, matters),
      bind(referentRetirer, matters),
      bind(referentProlonger, matters),
      bind(referentClore, matters),
    ]),
    bind(referents, matters),
    bind(aide, (d) => ({ catalog: d.catalog })),
    bind(ping, (d) => ({ catalog: d.catalog, now: d.now })),
  ]);
}
