import { z } from "zod";
import { defineCommand, MEMBER_ROLES, type Reply } from "../core/command.js";
import { line, message } from "../core/message.js";
import type { TwoPart } from "../core/rhythm/types.js";
import type { Message } from "../core/message.js";
import { agendaFor } from "../app/rhythm/agenda-for.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type AgendaResult = { ok: false; error: string } | { ok: true; agenda: TwoPart<Message> };

/** `!agenda`: the next meeting's agenda, built from the previous one, as this room may see it. */
export const agenda = defineCommand({
  name: "agenda",
  aliases: ["odj", "ordre-du-jour"],
  summary: "Ordre du jour de la prochaine réunion, construit depuis la précédente.",
  roles: MEMBER_ROLES,
  params: [],
  schema: z.object({}),
  async execute(invocation, deps: WithRhythm): Promise<AgendaResult> {
    const next = (await deps.rhythm.rhythm.upcoming(invocation.sentAt, 1))[0];
    if (!next) return { ok: false, error: "Aucune réunion programmée : le coordinateur la fixe avec !reunion 15/12 14h." };
    return { ok: true, agenda: await agendaFor(next, invocation.roomKey, deps.rhythm, invocation.sentAt) };
  },
  render: (result: AgendaResult): Reply =>
    result.ok ? { message: result.agenda.headline, more: [result.agenda.detail] } : { message: message(line(result.error)) },
  verdict: (result: AgendaResult) => (result.ok ? "ok" : "ko"),
});
