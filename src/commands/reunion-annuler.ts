import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/capture/when.js";
import { line, message, type Message } from "../core/message.js";
import type { RhythmDeps } from "../rhythm/deps.js";

type Result = { ok: boolean; message: Message };

/** `!reunion annuler <n°>`: a scheduled meeting is cancelled; its reminder and agenda are not posted. */
export const reunionAnnuler = defineCommand({
  name: "annuler",
  aliases: ["supprimer"],
  summary: "Annule une réunion programmée (coordinateur).",
  details: ["Ex. !reunion annuler 3"],
  roles: COORDINATOR_ONLY,
  params: [{ name: "n°", description: "numéro de la réunion (voir !reunions)" }],
  schema: z.object({ "n°": z.string() }),
  async execute(invocation, deps: { rhythm: Pick<RhythmDeps, "rhythm" | "context"> }): Promise<Result> {
    const { rhythm } = deps.rhythm;
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const number = invocation.args["n°"];
    const meeting = await rhythm.meeting(Number(number));
    if (!meeting || meeting.status !== "scheduled")
      return { ok: false, message: message(line(`Aucune réunion programmée n°${number}. Voir !reunions.`)) };
    await rhythm.cancelMeeting(meeting.id);
    return { ok: true, message: message(line(`Réunion n°${meeting.id} du ${formatLocal(new Date(meeting.at), tz)} annulée.`)) };
  },
  render: (result: Result) => result.message,
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
