import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { line, message } from "../core/message.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type Result = { ok: false; problem: "no-meeting" | "too-short" } | { ok: true; id: number; meeting: number };

/** `!agenda ajouter <texte>`: a point on the next meeting's agenda. */
export const agendaAjouter = defineCommand({
  name: "ajouter",
  aliases: ["ajoute", "add"],
  summary: "Ajoute un point à l'ordre du jour de la prochaine réunion (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "texte", description: "le point à traiter", rest: true }],
  schema: z.object({ texte: z.string() }),
  async execute(invocation, deps: { rhythm: Pick<RhythmDeps, "rhythm"> }): Promise<Result> {
    const { rhythm } = deps.rhythm;
    const next = (await rhythm.upcoming(invocation.sentAt, 1))[0];
    if (!next) return { ok: false, problem: "no-meeting" };
    const text = invocation.args.texte.trim();
    if (text.length < 3) return { ok: false, problem: "too-short" };
    const id = await rhythm.addAgendaItem(next.id, text, invocation.sender.userId, invocation.sentAt, invocation.eventId);
    return { ok: true, id, meeting: next.id };
  },
  render: (result: Result) =>
    message(
      line(
        result.ok
          ? `Point n°${result.id} ajouté à l'ordre du jour de la réunion n°${result.meeting}.`
          : result.problem === "no-meeting"
            ? "Aucune réunion programmée : !reunion 15/12 14h d'abord."
            : "Précisez le point à ajouter : !agenda ajouter <texte>.",
      ),
    ),
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
