import { z } from "zod";
import { type CommandFile, COORDINATOR_ONLY, defineCommand, type Reply } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { escapeMarkdown, line, message, toMarkdown } from "../core/message.js";
import { agendaFor } from "../app/rhythm/agenda-for.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type ExportResult = { ok: false; error: string } | { ok: true; title: string; file: CommandFile };

/** `!cr export`: the last meeting's agenda and minutes as a Markdown file, in the command's thread. */
export const crExport = defineCommand({
  name: "export",
  aliases: ["exporter", "markdown"],
  summary: "Publie l'ordre du jour et le compte rendu de la dernière réunion en Markdown (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [],
  schema: z.object({}),
  async execute(invocation, deps: WithRhythm): Promise<ExportResult> {
    const { rhythm } = deps.rhythm;
    const context = deps.rhythm.context(invocation.sentAt);
    const meeting = await rhythm.lastHeld(invocation.sentAt);
    if (!meeting) return { ok: false, error: "Aucune réunion tenue pour l'instant : rien à exporter." };
    const title = `Réunion n°${meeting.id} du ${formatLocal(new Date(meeting.at), context.timeZone)}`;
    // The agenda as this room may see it: the policy applies to exports too.
    const agenda = await agendaFor(meeting, invocation.roomKey, deps.rhythm, meeting.at);
    const markdown = [
      // Everything users typed (place, agenda items, minutes) is escaped: the file is opened in
      // Markdown viewers that would otherwise run its HTML or follow its links.
      `# ${escapeMarkdown(`${context.cellName} — ${title}`)}`,
      meeting.place ? `Lieu : ${escapeMarkdown(meeting.place)}` : "",
      "## Ordre du jour",
      toMarkdown(agenda.detail),
      "## Compte rendu",
      escapeMarkdown(meeting.minutes ?? "(aucun compte rendu consigné)"),
    ]
      .filter(Boolean)
      .join("\n\n");
    const file = { name: `reunion-${meeting.id}.md`, mimetype: "text/markdown", bytes: Buffer.from(`${markdown}\n`, "utf8") };
    return { ok: true, title, file };
  },
  render: (result: ExportResult): Reply =>
    result.ok
      ? {
          message: message(line(`📄 Export Markdown de la ${result.title.toLowerCase()} joint dans ce fil.`)),
          files: [result.file],
        }
      : { message: message(line(result.error)) },
  verdict: (result: ExportResult) => (result.ok ? "ok" : "ko"),
});
