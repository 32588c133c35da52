import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { line, message } from "../core/message.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type DoneResult =
  | { outcome: "not-visible"; id: number }
  | { outcome: "other-service"; id: number; service: string }
  | { outcome: "closed"; id: number; comment: string | null };

export const fait = defineCommand({
  name: "fait",
  aliases: ["done", "clore-action"],
  summary: "Clôt une action (son service ou le coordinateur), avec un commentaire facultatif.",
  roles: MEMBER_ROLES,
  params: [
    { name: "n°", description: "numéro de l'action" },
    { name: "commentaire", description: "facultatif", optional: true, rest: true },
  ],
  schema: z.object({ "n°": z.string().regex(/^\d+$/, "numéro d'action attendu, ex. 12"), commentaire: z.string().optional() }),
  async execute(invocation, deps: WithRhythm): Promise<DoneResult> {
    const id = Number(invocation.args["n°"]);
    const visible = (await deps.rhythm.gather.actions(invocation.roomKey)).find((a) => a.id === id);
    if (!visible) return { outcome: "not-visible", id };
    const sender = invocation.sender;
    if (sender.kind === "officer" && sender.service.key !== visible.service) {
      return { outcome: "other-service", id, service: visible.service };
    }
    const comment = invocation.args.commentaire ?? null;
    await deps.rhythm.rhythm.completeAction(id, sender.userId, comment, invocation.sentAt);
    return { outcome: "closed", id, comment };
  },
  render: (result: DoneResult) =>
    message(
      line(
        result.outcome === "closed"
          ? `Action n°${result.id} close${result.comment ? ` : ${result.comment}` : "."}`
          : result.outcome === "not-visible"
            ? `Aucune action ouverte n°${result.id} visible depuis ce salon.`
            : `L'action n°${result.id} appartient à ${result.service} : elle est close par ce service ou le coordinateur.`,
      ),
    ),
  verdict: (result: DoneResult) => (result.outcome === "closed" ? "ok" : "ko"),
});
