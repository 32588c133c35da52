import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/capture/when.js";
import { line, message, type Message } from "../core/message.js";
import { parseFutureWhen } from "../core/rhythm/future-date.js";
import type { RhythmDeps } from "../rhythm/deps.js";

type Result = { ok: boolean; message: Message };

/** `!reunion deplacer <n°> <date>`: a scheduled meeting moves; its agenda and reminders follow. */
export const reunionDeplacer = defineCommand({
  name: "deplacer",
  aliases: ["reporter"],
  summary: "Déplace une réunion programmée (coordinateur).",
  details: ["Ex. !reunion deplacer 3 16/12 10h"],
  roles: COORDINATOR_ONLY,
  params: [
    { name: "n°", description: "numéro de la réunion (voir !reunions)" },
    { name: "date", description: "nouvelle date et heure", rest: true },
  ],
  schema: z.object({ "n°": z.string(), date: z.string() }),
  async execute(invocation, deps: { rhythm: Pick<RhythmDeps, "rhythm" | "context"> }): Promise<Result> {
    const { rhythm } = deps.rhythm;
    const tz = deps.rhythm.context(invocation.sentAt).timeZone;
    const number = invocation.args["n°"];
    const meeting = await rhythm.meeting(Number(number));
    if (!meeting || meeting.status !== "scheduled")
      return { ok: false, message: message(line(`Aucune réunion programmée n°${number}. Voir !reunions.`)) };
    const when = parseFutureWhen(invocation.args.date, invocation.sentAt, tz, 14);
    if (!when.ok) return { ok: false, message: message(line(when.error)) };
    await rhythm.moveMeeting(meeting.id, when.at);
    return { ok: true, message: message(line(`Réunion n°${meeting.id} déplacée au ${formatLocal(new Date(when.at), tz)}.`)) };
  },
  render: (result: Result) => result.message,
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
