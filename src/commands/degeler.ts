import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { line, message } from "../core/message.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";

type Result = { room: string } & ({ outcome: "intruders"; intruders: string[] } | { outcome: "thawed" | "not-frozen" });

export const degeler = defineCommand({
  name: "degeler",
  aliases: ["unfreeze"],
  summary: "Rétablit la diffusion vers un salon gelé après vérification (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "salon", description: "clé du salon, ex. gir" }],
  schema: z.object({ salon: z.string() }),
  async execute(invocation, deps: { frozen: Pick<FrozenRooms, "thaw" | "intruders"> }): Promise<Result> {
    const room = invocation.args.salon;
    const intruders = await deps.frozen.intruders(room);
    if (intruders.length > 0) return { room, outcome: "intruders", intruders };
    return { room, outcome: (await deps.frozen.thaw(room)) ? "thawed" : "not-frozen" };
  },
  render: (result: Result) =>
    result.outcome === "intruders"
      ? message(
          line(
            `Le salon « ${result.room} » reste gelé : ${result.intruders.join(", ")} n'y est pas habilité(e) et s'y trouve encore.`,
          ),
          line("Retirez-le(s) du salon, puis recommencez."),
        )
      : result.outcome === "thawed"
        ? message(line(`Salon « ${result.room} » dégelé : la diffusion reprend pour les nouveaux renseignements.`))
        : message(line(`Le salon « ${result.room} » n'est pas gelé.`)),
  verdict: (result: Result) => (result.outcome === "thawed" ? "ok" : "ko"),
});
