import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/capture/when.js";
import { escapeMarkdown, line, message, type Message, toMarkdown } from "../core/message.js";
import { agendaFor } from "../rhythm/agenda-for.js";
import type { WithRhythm } from "../rhythm/deps.js";

type MinutesResult = { ok: boolean; message: Message };

export const cr = defineCommand({
  name: "cr",
  aliases: ["compte-rendu", "minutes"],
  summary:
    "Consigne le compte rendu de la dernière réunion (décisions ; les actions avec !action) ; « export » le publie en Markdown (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "texte", description: "décisions prises, ou « export »", rest: true }],
  schema: z.object({ texte: z.string() }),
  async execute(invocation, deps: WithRhythm): Promise<MinutesResult> {
    const { rhythm } = deps.rhythm;
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const meeting = await rhythm.lastHeld(invocation.sentAt);
    if (!meeting)
      return {
        ok: false,
        message: message(line("Aucune réunion tenue pour l'instant : le compte rendu suit une réunion passée.")),
      };
    const title = `Réunion n°${meeting.id} du ${formatLocal(new Date(meeting.at), tz)}`;
    if (invocation.rawArgs.trim().toLowerCase() === "export") {
      const agenda = await agendaFor(meeting, invocation.roomKey, deps.rhythm, meeting.at);
      const markdown = [
        // Everything users typed (place, agenda items, minutes) is escaped: the file is opened in
        // Markdown viewers that would otherwise run its HTML or follow its links.
        `# ${escapeMarkdown(`${deps.rhythm.context(invocation.sentAt).cellName} — ${title}`)}`,
        meeting.place ? `Lieu : ${escapeMarkdown(meeting.place)}` : "",
        "## Ordre du jour",
        toMarkdown(agenda.detail),
        "## Compte rendu",
        escapeMarkdown(meeting.minutes ?? "(aucun compte rendu consigné)"),
      ]
        .filter(Boolean)
        .join("\n\n");
      await deps.rhythm.postFile(
        invocation.roomId,
        invocation.threadRoot,
        `reunion-${meeting.id}.md`,
        `${markdown}\n`,
        `export:${invocation.eventId}`,
      );
      return { ok: true, message: message(line(`📄 Export Markdown de la ${title.toLowerCase()} joint dans ce fil.`)) };
    }
    await rhythm.recordMinutes(meeting.id, invocation.rawArgs.trim());
    return {
      ok: true,
      message: message(
        line(
          `Compte rendu consigné pour la ${title.toLowerCase()}. Les actions décidées : !action <service> <échéance> <texte>.`,
        ),
      ),
    };
  },
  render: (result: MinutesResult) => result.message,
  verdict: (result: MinutesResult) => (result.ok ? "ok" : "ko"),
});
