import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";

export const degeler = defineCommand({
  name: "degeler",
  aliases: ["unfreeze"],
  summary: "Rétablit la diffusion vers un salon gelé après vérification (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "salon", description: "clé du salon, ex. gir" }],
  schema: z.object({ salon: z.string() }),
  async execute(
    invocation,
    deps: { frozen: Pick<FrozenRooms, "thaw" | "intruders"> },
  ): Promise<{ ok: boolean; message: Message }> {
    const intruders = await deps.frozen.intruders(invocation.args.salon);
    if (intruders.length > 0) {
      return {
        ok: false,
        message: message(
          line(
            `Le salon « ${invocation.args.salon} » reste gelé : ${intruders.join(", ")} n'y est pas habilité(e) et s'y trouve encore.`,
          ),
          line("Retirez-le(s) du salon, puis recommencez."),
        ),
      };
    }
    const thawed = await deps.frozen.thaw(invocation.args.salon);
    return thawed
      ? {
          ok: true,
          message: message(
            line(`Salon « ${invocation.args.salon} » dégelé : la diffusion reprend pour les nouveaux renseignements.`),
          ),
        }
      : { ok: false, message: message(line(`Le salon « ${invocation.args.salon} » n'est pas gelé.`)) };
  },
  render: (result: { ok: boolean; message: Message }) => result.message,
  verdict: (result: { ok: boolean; message: Message }) => (result.ok ? "ok" : "ko"),
});
