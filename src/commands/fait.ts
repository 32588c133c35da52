import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type DoneResult = { ok: boolean; message: Message };

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
    const { rhythm } = deps.rhythm;
    const id = Number(invocation.args["n°"]);
    const visible = (await deps.rhythm.gather.actions(invocation.roomKey)).find((a) => a.id === id);
    if (!visible) return { ok: false, message: message(line(`Aucune action ouverte n°${id} visible depuis ce salon.`)) };
    const sender = invocation.sender;
    if (sender.kind === "officer" && sender.service.key !== visible.service) {
      return {
        ok: false,
        message: message(
          line(`L'action n°${id} appartient à ${visible.service} : elle est close par ce service ou le coordinateur.`),
        ),
      };
    }
    await rhythm.completeAction(id, sender.userId, invocation.args.commentaire ?? null, invocation.sentAt);
    return {
      ok: true,
      message: message(line(`Action n°${id} close${invocation.args.commentaire ? ` : ${invocation.args.commentaire}` : "."}`)),
    };
  },
  render: (result: DoneResult) => result.message,
  verdict: (result: DoneResult) => (result.ok ? "ok" : "ko"),
});
