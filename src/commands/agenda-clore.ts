import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { line, message } from "../core/message.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

type Result = { closed: boolean; number: string };

/** `!agenda clore <n°>`: a point of the agenda is dealt with; it leaves the next agendas. */
export const agendaClore = defineCommand({
  name: "clore",
  aliases: ["fermer", "close"],
  summary: "Clôt un point de l'ordre du jour (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "n°", description: "numéro du point" }],
  schema: z.object({ "n°": z.string() }),
  async execute(invocation, deps: { rhythm: Pick<RhythmDeps, "rhythm"> }): Promise<Result> {
    const number = invocation.args["n°"];
    return { closed: await deps.rhythm.rhythm.closeAgendaItem(Number(number)), number };
  },
  render: (result: Result) =>
    message(line(result.closed ? `Point n°${result.number} clos.` : `Aucun point ouvert n°${result.number}.`)),
  verdict: (result: Result) => (result.closed ? "ok" : "ko"),
});
