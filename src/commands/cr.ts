import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { line, message } from "../core/message.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type MinutesResult = { ok: false } | { ok: true; title: string };

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
    if (!meeting) return { ok: false };
    const title = `Réunion n°${meeting.id} du ${formatLocal(new Date(meeting.at), tz)}`;
    await rhythm.recordMinutes(meeting.id, invocation.args.texte.trim());
    return { ok: true, title };
  },
  render: (result: MinutesResult) =>
    message(
      line(
        result.ok
          ? `Compte rendu consigné pour la ${result.title.toLowerCase()}. Les actions décidées : !action <service> <échéance> <texte>.`
          : "Aucune réunion tenue pour l'instant : le compte rendu suit une réunion passée.",
      ),
    ),
  verdict: (result: MinutesResult) => (result.ok ? "ok" : "ko"),
});
