import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";
import { renderPending, type TipView } from "../core/tips/card.js";
import { outsideTriage, type TriDeps } from "./tri-shared.js";

type TriResult = { kind: "list"; tips: TipView[]; total: number; deps: TriDeps } | { kind: "refused"; message: Message };

/** `!tri`: the citizen tips waiting for triage, oldest first (its verbs decide them). */
export const tri = defineCommand({
  name: "tri",
  aliases: ["signalements", "triage"],
  summary: "Signalements citoyens à trier, du plus ancien au plus récent (salon de tri).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "n°", description: "(un numéro seul : que faire de ce signalement)", optional: true, rest: true }],
  schema: z.object({ "n°": z.string().optional() }),
  async execute(invocation, deps: { tips: TriDeps }): Promise<TriResult> {
    const { tips } = deps;
    const refused = outsideTriage(invocation.roomKey, tips);
    if (refused) return { kind: "refused", message: refused };
    const word = invocation.args["n°"]?.trim() ?? "";
    if (word === "")
      return { kind: "list", tips: await tips.store.pending(20), total: await tips.store.countPending(), deps: tips };
    if (/^(n°|#)?\d+$/.test(word)) {
      return {
        kind: "refused",
        message: message(
          line("Que faire du n° ", word, " ? ", code(`!tri accepter ${word}`), ", ", code(`!tri rejeter ${word} <motif>`), "…"),
        ),
      };
    }
    const first = word.split(/\s+/)[0] ?? word;
    return {
      kind: "refused",
      message: message(
        line("Action inconnue « ", first, " » : accepter, rejeter, doublon ou question (ex. ", code("!tri accepter 12"), ")."),
      ),
    };
  },
  render: (result: TriResult) =>
    result.kind === "list" ? renderPending(result.tips, result.deps.card, result.total) : result.message,
  verdict: (result: TriResult) => (result.kind === "list" ? "ok" : "ko"),
});
