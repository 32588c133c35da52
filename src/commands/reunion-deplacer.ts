import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { line, message } from "../core/message.js";
import { parseFutureWhen } from "../core/rhythm/future-date.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type Result =
  { ok: false; unknown: string } | { ok: false; dateError: string } | { ok: true; id: number; at: number; timeZone: string };

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
    const timeZone = deps.rhythm.context(invocation.sentAt).timeZone;
    const number = invocation.args["n°"];
    const meeting = await rhythm.meeting(Number(number));
    if (!meeting || meeting.status !== "scheduled") return { ok: false, unknown: number };
    const when = parseFutureWhen(invocation.args.date, invocation.sentAt, timeZone, 14);
    if (!when.ok) return { ok: false, dateError: when.error };
    await rhythm.moveMeeting(meeting.id, when.at);
    return { ok: true, id: meeting.id, at: when.at, timeZone };
  },
  render: (result: Result) =>
    result.ok
      ? message(line(`Réunion n°${result.id} déplacée au ${formatLocal(new Date(result.at), result.timeZone)}.`))
      : "unknown" in result
        ? message(line(`Aucune réunion programmée n°${result.unknown}. Voir !reunions.`))
        : message(line(result.dateError)),
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
