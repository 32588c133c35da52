import type { Invocation } from "../core/command.js";
import { code, line, message } from "../core/message.js";
import { tipRef } from "../jobs/tips-queue.js";
import { alreadyDecided, findTip, type TriDeps, triVerb } from "./tri-shared.js";

import type { DecisionResult } from "./tri-shared.js";
export type { DecisionResult };

/** `!tri rejeter <n°> <motif>`: the tip is set aside, journaled, and purged after the retention delay. */
export async function rejeter(rest: string, invocation: Invocation<unknown>, deps: { tips: TriDeps }): Promise<DecisionResult> {
  const [number, ...words] = rest.split(/\s+/);
  const reason = words.join(" ").trim();
  const found = await findTip(number, deps.tips.store);
  if (!found.ok) return { ok: false, message: message(line(found.error)) };
  if (reason.length < 3) {
    return {
      ok: false,
      message: message(line("Précisez le motif du rejet, ex. ", code(`!tri rejeter ${found.tip.number} hors sujet`), ".")),
    };
  }
  const decided = await deps.tips.store.decide(found.tip.id, {
    status: "rejected",
    by: invocation.sender.userId,
    at: invocation.sentAt,
    note: reason.slice(0, 300),
  });
  if (!decided) {
    const again = found.tip.status === "rejected" && found.tip.decidedAt === invocation.sentAt;
    return { ok: again, message: message(line(alreadyDecided(found.tip))) };
  }
  await deps.tips.journal({
    at: invocation.sentAt,
    actor: invocation.sender.userId,
    action: "modify",
    ref: tipRef(found.tip.number),
    room: invocation.roomKey,
    detail: `signalement rejeté : ${reason.slice(0, 200)}`,
  });
  deps.tips.kick();
  return {
    ok: true,
    message: message(
      line(`Signalement n° ${found.tip.number} rejeté — motif : ${reason}.`),
      line(`Il sera purgé (texte, photo, code de suivi) dans ${deps.tips.rejectedRetentionDays} jours.`),
    ),
  };
}

export const triRejeter = triVerb(
  {
    name: "rejeter",
    aliases: ["rejete", "refuser"],
    summary: "Rejette un signalement citoyen, avec son motif (purgé après le délai de conservation).",
    params: [
      { name: "n°", description: "numéro du signalement" },
      { name: "motif", description: "raison du rejet", rest: true },
    ],
  },
  rejeter,
);
