import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import type { RhythmDeps } from "../rhythm/deps.js";

type Result = { ok: boolean; message: Message };

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
    const closed = await deps.rhythm.rhythm.closeAgendaItem(Number(number));
    return closed
      ? { ok: true, message: message(line(`Point n°${number} clos.`)) }
      : { ok: false, message: message(line(`Aucun point ouvert n°${number}.`)) };
  },
  render: (result: Result) => result.message,
  verdict: (result: Result) => (result.ok ? "ok" : "ko"),
});
