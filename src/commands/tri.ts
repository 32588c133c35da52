import { z } from "zod";
import type { CaptureDeps } from "../capture/deps.js";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";
import { renderPending, type TipView } from "../core/tips/card.js";
import { accepter } from "./tri-accepter.js";
import { doublon } from "./tri-doublon.js";
import { question } from "./tri-question.js";
import { rejeter } from "./tri-rejeter.js";
import type { TriDeps } from "./tri-shared.js";

type TriResult =
  { kind: "list"; tips: TipView[]; total: number; deps: TriDeps } | { kind: "done"; ok: boolean; message: Message };

const ACTIONS: Record<string, "accepter" | "rejeter" | "doublon" | "question"> = {
  accepter: "accepter",
  accepte: "accepter",
  accepté: "accepter",
  accept: "accepter",
  rejeter: "rejeter",
  rejete: "rejeter",
  rejeté: "rejeter",
  refuser: "rejeter",
  doublon: "doublon",
  question: "question",
  demander: "question",
};

/** `!tri`: the triage of citizen tips, in the triage room, by the coordinator. */
export const tri = defineCommand({
  name: "tri",
  aliases: ["signalements", "triage"],
  summary: "Signalements citoyens : liste à trier, accepter, rejeter, doublon, question à l'auteur (salon de tri).",
  details: [
    "!tri : les signalements en attente, du plus ancien au plus récent.",
    '!tri accepter <n°> [champs…] : devient un renseignement (ex. type=deal cotation=C3 diffusion=cross lieu="…").',
    "!tri rejeter <n°> <motif> · !tri doublon <n°> <réf. ou n°> · !tri question <n°> <texte> (l'auteur la lit avec son code de suivi).",
  ],
  roles: COORDINATOR_ONLY,
  params: [
    { name: "action", description: "accepter, rejeter, doublon ou question", optional: true },
    { name: "suite", description: "n° du signalement puis champs, motif ou texte", optional: true, rest: true },
  ],
  schema: z.object({ action: z.string().optional(), suite: z.string().optional() }),
  async execute(invocation, deps: { capture: CaptureDeps; tips: TriDeps }): Promise<TriResult> {
    const { tips } = deps;
    if (invocation.roomKey !== tips.triageRoomKey) {
      return {
        kind: "done",
        ok: false,
        message: message(line("La commande ", code("!tri"), " s'utilise dans le salon de tri.")),
      };
    }
    const rest = invocation.rawArgs.trim();
    const [word = "", ...others] = rest.split(/\s+/);
    const remainder = rest.slice(word.length).trim();
    if (word === "")
      return { kind: "list", tips: await tips.store.pending(20), total: await tips.store.countPending(), deps: tips };
    const action = ACTIONS[word.toLowerCase()];
    if (!action) {
      if (/^\d+$/.test(word) && others.length === 0) {
        return {
          kind: "done",
          ok: false,
          message: message(
            line("Que faire du n° ", word, " ? ", code(`!tri accepter ${word}`), ", ", code(`!tri rejeter ${word} <motif>`), "…"),
          ),
        };
      }
      return {
        kind: "done",
        ok: false,
        message: message(
          line("Action inconnue « ", word, " » : accepter, rejeter, doublon ou question (ex. ", code("!tri accepter 12"), ")."),
        ),
      };
    }
    const run = { accepter, rejeter, doublon, question }[action];
    const result = await run(remainder, invocation, deps);
    return { kind: "done", ok: result.ok, message: result.message };
  },
  render: (result: TriResult) =>
    result.kind === "list" ? renderPending(result.tips, result.deps.card, result.total) : result.message,
  verdict: (result: TriResult) => (result.kind === "list" || result.ok ? "ok" : "ko"),
});
