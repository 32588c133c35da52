import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { line, message, type Message } from "../core/message.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type MinutesResult = { ok: boolean; message: Message };

export const cr = defineCommand({
  name: "cr",
  aliases: ["compte-rendu", "minutes"],
  summary: "Consigne le compte rendu de la dernière réunion (décisions ; les actions avec !action) (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "texte", description: "décisions prises", rest: true }],
  schema: z.object({ texte: z.string() }),
  async execute(invocation, deps: { rhythm: Pick<RhythmDeps, "rhythm" | "context"> }): Promise<MinutesResult> {
    const { rhythm } = deps.rhythm;
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const meeting = await rhythm.lastHeld(invocation.sentAt);
    if (!meeting)
      return {
        ok: false,
        message: message(line("Aucune réunion tenue pour l'instant : le compte rendu suit une réunion passée.")),
      };
    const title = `Réunion n°${meeting.id} du ${formatLocal(new Date(meeting.at), tz)}`;
    await rhythm.recordMinutes(meeting.id, invocation.args.texte.trim());
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
