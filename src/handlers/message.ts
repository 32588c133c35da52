import type { CommandDeps } from "../commands/index.js";
import { bindArguments, type CommandRegistry } from "../commands/registry.js";
import type { RoomConfig } from "../config/schema.js";
import { type BotNames, parseCommandLine } from "../core/command-line.js";
import type { Directory } from "../core/directory.js";
import { code, line, message, type Message } from "../core/message.js";
import { errorReference, type Logger } from "../log.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";
import type { Metrics } from "../metrics.js";
import type { Outcome, ReceiptStore } from "../store/receipts.js";
import { respond } from "./respond.js";

export interface MessageHandlerDeps {
  directory: Directory;
  registry: CommandRegistry;
  commandDeps: CommandDeps;
  roomById(roomId: string): RoomConfig | undefined;
  receipts: ReceiptStore;
  transport: Pick<Transport, "send" | "userId">;
  botNames(): BotNames;
  log: Logger;
  metrics: Metrics;
}

/**
 * Turns a room message into a command run: recognise, identify the sender, check the arguments,
 * execute, answer. Every path ends with an answer in the room and a line in the ledger.
 */
export function createMessageHandler(deps: MessageHandlerDeps) {
  return async function handleEvent(event: InboundEvent): Promise<void> {
    if (event.sender === deps.transport.userId) return;
    const room = deps.roomById(event.roomId);
    if (!room) return;
    if (event.type !== "m.room.message" || event.content.msgtype !== "m.text") return;
    if (typeof event.content.body !== "string") return;
    const relation = event.content["m.relates_to"] as { rel_type?: unknown } | undefined;
    if (relation?.rel_type === "m.replace") return; // edits: handled with reports (capture issue)

    const commandLine = parseCommandLine(event.content.body, deps.botNames());
    if (!commandLine) return;
    if (await deps.receipts.isHandled(event.eventId)) {
      deps.metrics.duplicateEvents.inc();
      return;
    }

    const context = { eventId: event.eventId, roomId: event.roomId, room: room.key, sender: event.sender };
    const finish = async (outcome: Outcome, commandName: string, verdict: "ok" | "ko", answer: Message, detail?: string) => {
      await respond(deps.transport, event, verdict, answer);
      await deps.receipts.markHandled(event, outcome, detail ?? null);
      deps.metrics.commands.inc({ command: commandName, outcome });
      deps.log.info({ ...context, command: commandName, outcome, via: commandLine.via }, "command handled");
    };

    const sender = deps.directory.identify(event.sender);
    if (!sender) {
      deps.log.warn({ ...context, command: commandLine.name }, "command from a user outside the CROSS");
      return finish(
        "refused",
        "unknown-user",
        "ko",
        message(
          line("Désolé, vous ne faites pas partie des membres de la CROSS connus du bot : je ne peux pas traiter cette commande."),
          line("Si vous devriez y avoir accès, adressez-vous au coordinateur de la cellule."),
        ),
      );
    }

    const command = deps.registry.find(commandLine.name);
    if (!command) {
      const guess = deps.registry.suggest(commandLine.name, sender.kind);
      return finish(
        "invalid",
        "unknown-command",
        "ko",
        message(
          line("Commande inconnue : ", code(`!${commandLine.name}`), "."),
          guess ? line("Vouliez-vous dire ", code(`!${guess}`), " ?") : line("Tapez ", code("!aide"), " pour la liste."),
        ),
      );
    }
    if (!command.roles.includes(sender.kind)) {
      return finish(
        "refused",
        command.name,
        "ko",
        message(line("La commande ", code(`!${command.name}`), " n'est pas ouverte à votre rôle. Tapez ", code("!aide"), " pour les vôtres.")),
      );
    }
    const bound = bindArguments(command, commandLine.args);
    if (!bound.ok) {
      return finish(
        "invalid",
        command.name,
        "ko",
        message(line("Je n'ai pas compris ", code(`!${command.name}`), " :"), ...bound.problems.map((p) => line("• ", p))),
      );
    }

    try {
      const result: unknown = await command.execute(
        { args: bound.args, sender, roomKey: room.key, sentAt: event.originServerTs },
        deps.commandDeps,
      );
      return await finish("ok", command.name, "ok", command.render(result));
    } catch (error) {
      const reference = errorReference();
      deps.log.error({ ...context, command: command.name, reference, err: error }, "command failed");
      return finish(
        "error",
        command.name,
        "ko",
        message(
          line("Une erreur inattendue m'a empêché de traiter ", code(`!${command.name}`), " (réf. ", code(reference), ")."),
          line("Votre message est conservé. Réessayez dans un instant ; si cela persiste, donnez cette référence à l'administrateur."),
        ),
        reference,
      );
    }
  };
}

