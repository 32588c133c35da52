import type { CommandDeps } from "../commands/index.js";
import { bindArguments, type CommandRegistry } from "../commands/registry.js";
import { type BotNames, type CommandLine, parseCommandLine } from "../core/command-line.js";
import type { Directory, Identity, KnownRoom } from "../core/directory.js";
import { asReply, type Reply } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";
import { errorReference, type Logger } from "../log.js";
import { isRecord, noticeContents, textOf, threadOf, threadRelation } from "../matrix/content.js";
import { contribute } from "../app/contribution.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";
import type { Metrics } from "../metrics.js";
import type { Outcome, ReceiptStore } from "../store/receipts.js";
import type { StorageHealth } from "../store/storage-health.js";
import { handleEdit } from "./edit.js";
import { inputLength, MAX_INPUT_CHARS, tooLong } from "./input-limit.js";
import { respond, respondError } from "./respond.js";
import { handleRedaction } from "./redaction.js";
import { handleThreadMessage } from "./thread.js";

/** Times an event may fail to be answered before it is set aside (dead-lettered). */
export const MAX_ATTEMPTS = 3;

export interface MessageHandlerDeps {
  directory: Directory;
  registry: CommandRegistry<CommandDeps>;
  commandDeps: CommandDeps;
  roomById(roomId: string): KnownRoom | undefined;
  receipts: ReceiptStore;
  storage: Pick<StorageHealth, "noteError">;
  transport: Pick<Transport, "send" | "sendImage" | "sendFile" | "userId">;
  botNames(): BotNames;
  log: Logger;
  metrics: Metrics;
}

/** What one event led to, for the ledger and the metrics. */
interface Handled {
  outcome: Outcome;
  label: string;
}

/**
 * The router for room messages: commands, edits of reports, and thread replies (guided reports,
 * photos, locations, complements). Every event is handled once (ledger), and every failure ends
 * with a short French answer and a reference — the stack goes to the log only.
 */
export function createMessageHandler(deps: MessageHandlerDeps) {
  const failures = new Map<string, number>();
  // Events answered while the disk was full, whose ledger entry could not be written: kept here so
  // the batch coming again does not answer them twice.
  const handledWhileFull = new Set<string>();
  const markHandled = async (event: InboundEvent, outcome: Outcome, detail?: string) => {
    try {
      await deps.receipts.markHandled(event, outcome, detail);
    } catch (error) {
      if (!deps.storage.noteError(error)) throw error;
      handledWhileFull.add(event.eventId);
      deps.log.error({ eventId: event.eventId, err: error }, "ledger not written: storage full");
    }
  };
  return async function handleEvent(event: InboundEvent): Promise<void> {
    if (event.sender === deps.transport.userId) return;
    const room = deps.roomById(event.roomId);
    if (!room) return;
    if (event.type === "m.room.redaction") return handleRedactionEvent(event, deps);
    if (event.type !== "m.room.message") return;
    const relation = isRecord(event.content["m.relates_to"]) ? event.content["m.relates_to"] : {};
    const isEdit = relation.rel_type === "m.replace";
    const commandLine =
      !isEdit && event.content.msgtype === "m.text" && typeof event.content.body === "string"
        ? parseCommandLine(event.content.body, deps.botNames())
        : null;
    const inThread = relation.rel_type === "m.thread";
    // In their matter room, a referent's plain message is a contribution (app/contribution.ts).
    const contribution =
      !commandLine &&
      !isEdit &&
      room.kind === "matter" &&
      event.sender === room.referent &&
      event.content.msgtype === "m.text" &&
      typeof event.content.body === "string" &&
      event.content.body.trim() !== "";
    if (!commandLine && !isEdit && !inThread && !contribution) return;
    if (handledWhileFull.has(event.eventId) || (await deps.receipts.isHandled(event.eventId))) {
      deps.metrics.duplicateEvents.inc();
      return;
    }

    const sender = deps.directory.identify(event.sender);
    const context = { eventId: event.eventId, roomId: event.roomId, room: room.key, sender: event.sender };
    const length = inputLength(event);
    if (length > MAX_INPUT_CHARS && (commandLine || isEdit || contribution)) {
      // Refused before anything is parsed or stored: an answer about it could not even be sent.
      deps.log.warn({ ...context, length }, "message too long");
      await respond(deps.transport, event, "ko", tooLong(length));
      await markHandled(event, "invalid", "too long");
      deps.metrics.commands.inc({ command: "too-long", outcome: "invalid" });
      return;
    }
    let handled: Handled | null;
    try {
      if (commandLine) handled = await runCommand(event, room, sender, commandLine, deps);
      else if (isEdit)
        handled = (await handleEdit(event, room.key, sender, { ...deps, capture: deps.commandDeps.capture }))
          ? { outcome: "ok", label: "edit" }
          : null;
      else if (contribution && sender?.kind === "referent")
        handled = await handleContribution(event, room.key, relation, sender, deps);
      else
        handled = (await handleThreadMessage(event, room, sender, { ...deps, capture: deps.commandDeps.capture }))
          ? { outcome: "ok", label: "thread-reply" }
          : null;
    } catch (error) {
      const reference = errorReference();
      const label = commandLine?.name ?? (isEdit ? "edit" : "thread-reply");
      const full = deps.storage.noteError(error);
      deps.log.error({ ...context, command: label, reference, storageFull: full, err: error }, "handling failed");
      try {
        // Never "not recorded" about a report that was: if this event created one before failing,
        // say so (retrying would create a second one).
        const stored = await storedBy(event.eventId, deps);
        await respondError(
          deps.transport,
          event,
          stored ? "⚠️" : "❌",
          full && !stored
            ? message(
                line("💾 Stockage plein : rien n'a été enregistré (réf. ", code(reference), ")."),
                line("Votre message est conservé ici. L'administrateur est alerté ; réessayez quand le service sera rétabli."),
              )
            : stored
              ? message(
                  line(
                    "Renseignement enregistré : ",
                    code(stored.ref),
                    ", mais la suite du traitement a échoué (réf. ",
                    code(reference),
                    ").",
                  ),
                  line("Ne le ressaisissez pas : ", code(`!voir ${stored.ref}`), " pour le consulter."),
                )
              : message(
                  line("Une erreur inattendue m'a empêché de traiter votre message (réf. ", code(reference), ")."),
                  line(
                    "Votre message est conservé. Réessayez dans un instant ; si cela persiste, donnez cette référence à l'administrateur.",
                  ),
                ),
          isEdit && typeof relation.event_id === "string"
            ? { eventId: relation.event_id, threadRootId: relation.event_id }
            : undefined,
        );
      } catch (sendError) {
        // Not even the error could be answered (homeserver down, bot muted in the room): let the
        // sync batch come again, a bounded number of times, then set the event aside so that one
        // broken room never stops the others.
        const attempts = (failures.get(event.eventId) ?? 0) + 1;
        failures.set(event.eventId, attempts);
        if (attempts < MAX_ATTEMPTS) throw sendError;
        failures.delete(event.eventId);
        deps.metrics.deadLetters.inc();
        deps.log.error(
          { ...context, command: label, reference, attempts, err: sendError },
          "event dead-lettered: no answer could be sent",
        );
        await markHandled(event, "error", `dead-letter ${reference}`);
        return;
      }
      failures.delete(event.eventId);
      await markHandled(event, "error", reference);
      deps.metrics.commands.inc({ command: label, outcome: "error" });
      return;
    }
    if (!handled) return;
    await markHandled(event, handled.outcome);
    deps.metrics.commands.inc({ command: handled.label, outcome: handled.outcome });
    deps.log.info({ ...context, command: handled.label, outcome: handled.outcome, via: commandLine?.via }, "message handled");
  };
}

async function runCommand(
  event: InboundEvent,
  room: KnownRoom,
  sender: Identity | null,
  commandLine: CommandLine,
  deps: MessageHandlerDeps,
): Promise<Handled> {
  const answer = async (outcome: Outcome, label: string, verdict: "ok" | "ko", details: Message): Promise<Handled> => {
    await respond(deps.transport, event, verdict, details);
    return { outcome, label };
  };
  if (!sender) {
    deps.log.warn(
      { eventId: event.eventId, roomId: event.roomId, command: commandLine.name },
      "command from a user outside the CROSS",
    );
    return answer(
      "refused",
      "unknown-user",
      "ko",
      message(
        line("Désolé, vous ne faites pas partie des membres de la CROSS connus du bot : je ne peux pas traiter cette commande."),
        line("Si vous devriez y avoir accès, adressez-vous au coordinateur de la cellule."),
      ),
    );
  }
  if (sender.kind === "referent" && !(room.kind === "matter" && room.referent === sender.userId)) {
    // A referent acts only in the room of their own matter: nowhere else, not even for !aide.
    return answer(
      "refused",
      "referent-elsewhere",
      "ko",
      message(line("Désolé, en tant que référent, vous ne pouvez utiliser le bot que dans le salon de votre affaire.")),
    );
  }
  const resolved = deps.registry.resolve(commandLine.name, commandLine.args);
  if (!resolved) {
    const guess = deps.registry.suggest(commandLine.name, sender.kind);
    return answer(
      "invalid",
      "unknown-command",
      "ko",
      message(
        line("Commande inconnue : ", code(`!${commandLine.name}`), "."),
        guess ? line("Vouliez-vous dire ", code(`!${guess}`), " ?") : line("Tapez ", code("!aide"), " pour la liste."),
      ),
    );
  }
  const { command, entry, argText } = resolved;
  if (!command.roles.includes(sender.kind)) {
    return answer(
      "refused",
      command.name,
      "ko",
      message(
        line(
          "La commande ",
          code(`!${command.name}`),
          " n'est pas ouverte à votre rôle. Tapez ",
          code("!aide"),
          " pour les vôtres.",
        ),
      ),
    );
  }
  const bound = bindArguments(command, argText);
  if (!bound.ok) {
    return answer(
      "invalid",
      command.name,
      "ko",
      message(line("Je n'ai pas compris ", code(`!${command.name}`), " :"), ...bound.problems.map((p) => line("• ", p))),
    );
  }
  const thread = threadOf(event.eventId, event.content);
  const result: unknown = await entry.command.execute(
    {
      args: bound.args,
      sender,
      roomKey: room.key,
      roomId: event.roomId,
      eventId: event.eventId,
      threadRoot: thread.threadRootId,
      rawArgs: argText,
      sentAt: event.originServerTs,
    },
    entry.deps(deps.commandDeps),
  );
  const verdict = entry.command.verdict?.(result) ?? "ok";
  const reply = asReply(entry.command.render(result));
  const handled = await answer(verdict === "ok" ? "ok" : "invalid", command.name, verdict, reply.message);
  await postRest(reply, event, thread, deps.transport);
  return handled;
}

/** What follows the answer in the command's thread: more messages, then files, then images. */
async function postRest(
  reply: Reply,
  event: InboundEvent,
  thread: ReturnType<typeof threadOf>,
  transport: MessageHandlerDeps["transport"],
): Promise<void> {
  for (const [i, more] of (reply.more ?? []).entries()) {
    for (const [j, content] of noticeContents(more, thread).entries()) {
      await transport.send(event.roomId, "m.room.message", content, `reply:${event.eventId}:${i + 2}${j > 0 ? `:p${j}` : ""}`);
    }
  }
  const relation = { "m.relates_to": threadRelation(thread) };
  for (const [i, file] of (reply.files ?? []).entries()) {
    // The transaction key of the export used to be `export:<event>`: kept, so a command answered
    // before an upgrade is not exported twice.
    await transport.sendFile(
      event.roomId,
      { ...file, bytes: asBuffer(file.bytes) },
      relation,
      `export:${event.eventId}${i ? `:${i + 1}` : ""}`,
    );
  }
  for (const [i, image] of (reply.images ?? []).entries()) {
    await transport.sendImage(
      event.roomId,
      { ...image, bytes: asBuffer(image.bytes) },
      relation,
      `image:${event.eventId}:${i + 1}`,
    );
  }
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A referent's plain message in their matter room: stored as a contribution, confirmed in its thread. */
async function handleContribution(
  event: InboundEvent,
  roomKey: string,
  relation: Record<string, unknown>,
  sender: { userId: string; name: string },
  deps: MessageHandlerDeps,
): Promise<Handled> {
  const related = [
    relation.rel_type === "m.thread" ? relation.event_id : undefined,
    isRecord(relation["m.in_reply_to"]) ? relation["m.in_reply_to"].event_id : undefined,
  ].filter((id): id is string => typeof id === "string");
  const outcome = await contribute(deps.commandDeps.contribution, {
    matterKey: roomKey,
    roomId: event.roomId,
    eventId: event.eventId,
    relatedTo: [...new Set(related)],
    text: textOf(event.content.body).trim(),
    referent: sender,
    at: event.originServerTs,
  });
  await respond(deps.transport, event, outcome.ok ? "ok" : "ko", outcome.message);
  return { outcome: outcome.ok ? "ok" : "invalid", label: "contribution" };
}

/** A redaction of a `!report` message withdraws the report and takes its copies back (once, audited). */
async function handleRedactionEvent(event: InboundEvent, deps: MessageHandlerDeps): Promise<void> {
  if (!event.redacts || (await deps.receipts.isHandled(event.eventId))) return;
  const sender = deps.directory.identify(event.sender);
  const context = { eventId: event.eventId, roomId: event.roomId, redacts: event.redacts };
  try {
    if (!(await handleRedaction(event, event.redacts, sender, { ...deps, capture: deps.commandDeps.capture }))) return;
  } catch (error) {
    // Like any other event: never let one redaction hold the sync loop.
    deps.log.error({ ...context, err: error }, "handling a redaction failed");
    await deps.receipts.markHandled(event, "error", "redaction");
    return;
  }
  await deps.receipts.markHandled(event, "ok");
  deps.log.info(context, "report message redacted");
}

/** The report this event created, if any (looked up after a failure; a failing lookup counts as none). */
async function storedBy(eventId: string, deps: MessageHandlerDeps) {
  try {
    return await deps.commandDeps.capture.reports.bySourceEvent(eventId);
  } catch {
    return undefined;
  }
}
