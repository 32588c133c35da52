import type { CaptureDeps } from "../app/capture-deps.js";
import { findVisibleReport } from "../app/lookups.js";
import type { Invocation } from "../core/command.js";
import { code, line, message } from "../core/message.js";
import { REFERENCE_PATTERN } from "../core/report/report.js";
import { tipRef } from "../jobs/tips-queue.js";
import type { DecisionResult } from "./tri-shared.js";
import { alreadyDecided, findTip, type TriDeps, triVerb } from "./tri-shared.js";

/** `!tri doublon <n°> <réf>`: the tip repeats a known report (88-2026-0042) or another tip (n° 7). */
export async function doublon(
  rest: string,
  invocation: Invocation<unknown>,
  deps: { capture: CaptureDeps; tips: TriDeps },
): Promise<DecisionResult> {
  const [number, target] = rest.split(/\s+/);
  const found = await findTip(number, deps.tips.store);
  if (!found.ok) return { ok: false, message: message(line(found.error)) };
  if (!target) {
    return {
      ok: false,
      message: message(
        line(
          "Précisez de quoi c'est le doublon, ex. ",
          code(`!tri doublon ${found.tip.number} 88-2026-0042`),
          " ou un n° de signalement.",
        ),
      ),
    };
  }
  let of: string;
  if (REFERENCE_PATTERN.test(target)) {
    const report = await findVisibleReport(target, invocation.roomKey, deps.capture);
    if (!report.ok) return { ok: false, message: message(line(report.error)) };
    of = report.report.ref;
  } else {
    const other = await findTip(target, deps.tips.store);
    if (!other.ok) return { ok: false, message: message(line(other.error)) };
    if (other.tip.id === found.tip.id)
      return { ok: false, message: message(line("Un signalement ne peut pas être son propre doublon.")) };
    of = `n° ${other.tip.number}`;
  }
  const decided = await deps.tips.store.decide(found.tip.id, {
    status: "duplicate",
    by: invocation.sender.userId,
    at: invocation.sentAt,
    note: null,
    duplicateOf: of,
  });
  if (!decided) return { ok: false, message: message(line(alreadyDecided(found.tip))) };
  await deps.tips.journal({
    at: invocation.sentAt,
    actor: invocation.sender.userId,
    action: "modify",
    ref: tipRef(found.tip.number),
    room: invocation.roomKey,
    detail: `signalement classé doublon de ${of}`,
  });
  deps.tips.kick();
  return { ok: true, message: message(line(`Signalement n° ${found.tip.number} classé doublon de ${of}.`)) };
}

export const triDoublon = triVerb(
  {
    name: "doublon",
    aliases: ["double"],
    summary: "Classe un signalement comme doublon d'un renseignement ou d'un autre signalement.",
    params: [
      { name: "n°", description: "numéro du signalement" },
      { name: "original", description: "référence du renseignement ou n° du signalement" },
    ],
  },
  doublon,
);
