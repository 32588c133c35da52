import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import type { TwoPart } from "../core/rhythm/types.js";
import { agendaFor } from "../rhythm/agenda-for.js";
import type { WithRhythm } from "../rhythm/deps.js";

type AgendaResult = { ok: false; error: string } | { ok: true; note: Message } | { ok: true; agenda: TwoPart<Message> };

export const agenda = defineCommand({
  name: "agenda",
  aliases: ["odj", "ordre-du-jour"],
  summary:
    "Ordre du jour de la prochaine réunion, construit depuis la précédente ; « ajouter <texte> » ou « clore <n°> » (coordinateur).",
  roles: MEMBER_ROLES,
  params: [{ name: "texte", description: "ajouter <texte> | clore <n°>", optional: true, rest: true }],
  schema: z.object({ texte: z.string().optional() }),
  async execute(invocation, deps: WithRhythm): Promise<AgendaResult> {
    const { rhythm } = deps.rhythm;
    const [verb = "", ...rest] = invocation.rawArgs.trim().split(/\s+/);
    const isCoordinator = invocation.sender.kind === "coordinator";
    const next = (await rhythm.upcoming(invocation.sentAt, 1))[0];
    if (verb === "ajouter" || verb === "clore") {
      if (!isCoordinator) return { ok: false, error: "Seul le coordinateur modifie l'ordre du jour." };
      if (verb === "clore") {
        const closed = await rhythm.closeAgendaItem(Number(rest[0]));
        return closed
          ? { ok: true, note: message(line(`Point n°${rest[0] ?? ""} clos.`)) }
          : { ok: false, error: `Aucun point ouvert n°${rest[0] ?? "?"}.` };
      }
      if (!next) return { ok: false, error: "Aucune réunion programmée : !reunion 15/12 14h d'abord." };
      const text = rest.join(" ").trim();
      if (text.length < 3) return { ok: false, error: "Précisez le point à ajouter : !agenda ajouter <texte>." };
      const id = await rhythm.addAgendaItem(next.id, text, invocation.sender.userId, invocation.sentAt, invocation.eventId);
      return { ok: true, note: message(line(`Point n°${id} ajouté à l'ordre du jour de la réunion n°${next.id}.`)) };
    }
    if (verb !== "") return { ok: false, error: `« ${verb} » : tapez !agenda, !agenda ajouter <texte> ou !agenda clore <n°>.` };
    if (!next) return { ok: false, error: "Aucune réunion programmée : le coordinateur la fixe avec !reunion 15/12 14h." };
    return { ok: true, agenda: await agendaFor(next, invocation.roomKey, deps.rhythm, invocation.sentAt) };
  },
  render: (result: AgendaResult) =>
    !result.ok ? message(line(result.error)) : "note" in result ? result.note : result.agenda.headline,
  renderMore: (result: AgendaResult) => (result.ok && "agenda" in result ? [result.agenda.detail] : []),
  verdict: (result: AgendaResult) => (result.ok ? "ok" : "ko"),
});
