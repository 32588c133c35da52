import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { bullets, line, message, type Message, strong } from "../core/message.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

export const reunions = defineCommand({
  name: "reunions",
  aliases: ["meetings"],
  summary: "Liste les prochaines réunions de la cellule (et la dernière tenue).",
  roles: MEMBER_ROLES,
  params: [],
  schema: z.object({}),
  async execute(invocation, deps: WithRhythm): Promise<Message> {
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const [upcoming, last] = await Promise.all([
      deps.rhythm.rhythm.upcoming(invocation.sentAt),
      deps.rhythm.rhythm.lastHeld(invocation.sentAt),
    ]);
    const describe = (m: { id: number; at: number; place: string | null }) => [
      `n°${m.id} — ${formatLocal(new Date(m.at), tz)}${m.place ? `, ${m.place}` : ""}`,
    ];
    return message(
      line(strong("Prochaines réunions")),
      upcoming.length > 0 ? bullets(upcoming.map(describe)) : line("Aucune réunion programmée (!reunion 15/12 14h)."),
      ...(last ? [line(strong("Dernière réunion : "), describe(last)[0] ?? "")] : []),
    );
  },
  render: (result: Message) => result,
});
