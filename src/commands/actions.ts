import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { bullets, line, message, type Message, strong } from "../core/message.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

export const actions = defineCommand({
  name: "actions",
  aliases: ["suivis"],
  summary: "Liste les actions ouvertes que ce salon peut voir ; filtre : un service ou « en retard ».",
  roles: MEMBER_ROLES,
  params: [{ name: "filtre", description: "service ou « en retard »", optional: true, rest: true }],
  schema: z.object({ filtre: z.string().optional() }),
  async execute(invocation, deps: WithRhythm): Promise<Message> {
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const filter = invocation.rawArgs.trim().toLowerCase();
    const overdueOnly = /^en\s*retard$|^retard$/.test(filter);
    const list = (await deps.rhythm.gather.actions(invocation.roomKey))
      .filter((a) => (overdueOnly ? a.due < invocation.sentAt : filter === "" || a.service === filter))
      .sort((a, b) => a.due - b.due);
    if (list.length === 0) return message(line(overdueOnly ? "Aucune action en retard." : "Aucune action ouverte."));
    return message(
      line(
        strong(`${list.length} action${list.length > 1 ? "s" : ""} ouverte${list.length > 1 ? "s" : ""}`),
        overdueOnly ? " en retard" : "",
      ),
      bullets(
        list.map((a) => [
          `n°${a.id} · ${a.service} · ${a.due < invocation.sentAt ? "⚠️ en retard depuis" : "échéance"} ${formatLocal(new Date(a.due), tz)} · ${a.text}`,
        ]),
      ),
    );
  },
  render: (result: Message) => result,
});
