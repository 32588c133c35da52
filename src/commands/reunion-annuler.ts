import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { line, message } from "../core/message.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type Result = { ok: false; number: string } | { ok: true; id: number; at: number; timeZone: string };

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
    const number = invocation.args["n°"];
    const meeting = await rhythm.meeting(Number(number));
    if (!meeting || meeting.status !== "scheduled") return { ok: false, number };
    await rhythm.cancelMeeting(meeting.id);
    return { ok: true, id: meeting.id, at: meeting.at, timeZone: deps.rhythm.context(invocation.sentAt).timeZone };
  },
  render: (result: Result) =>
    result.ok
      ? message(line(`Réunion n°${result.id} du ${formatLocal(new Date(result.at), result.timeZone)} annulée.`))
      : message(line(`Aucune réunion programmée n°${result.number}. Voir !reunions.`)),
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
