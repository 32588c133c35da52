import type { CaptureDeps } from "../app/capture-deps.js";
import { confirmationFor, diffusionLine } from "../app/confirm.js";
import type { CommandRegistry } from "../commands/registry.js";
import { type BotNames, parseCommandLine } from "../core/command-line.js";
import type { Identity } from "../core/directory.js";
import { bullets, code, line, message } from "../core/message.js";
import { startFix } from "../core/report/dialogue.js";
import { parseReportLine } from "../core/report/parse-line.js";
import { isComplete, type ReportFields } from "../core/report/report.js";
import { extractEntities } from "../core/fr/entities.js";
import { mergeEntities } from "../core/report/fields.js";
import { renderProblems } from "../core/report/render.js";
import type { Logger } from "../log.js";
import { isRecord, textOf } from "../matrix/content.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";
import { respond } from "./respond.js";

export interface EditDeps {
  capture: CaptureDeps;
  registry: Pick<CommandRegistry, "find">;
  botNames(): BotNames;
  transport: Pick<Transport, "send">;
  log: Logger;
}

/**
 * An edit (`m.replace`) of a `!report` message amends that report — only from its author, as the
 * spec requires; anyone else's edit is ignored. An edit that fixes a report the bot had refused
 * stores it. Relative dates ("hier") keep meaning what they meant when the message was first sent.
 */
export async function handleEdit(
  event: InboundEvent,
  roomKey: string,
  sender: Identity | null,
  deps: EditDeps,
): Promise<boolean> {
  const relation = event.content["m.relates_to"];
  const replacement = event.content["m.new_content"];
  if (!isRecord(relation) || typeof relation.event_id !== "string" || !isRecord(replacement)) return false;
  const original = relation.event_id;
  const { capture } = deps;
  const thread = { eventId: original, threadRootId: original };

  const report = await capture.reports.bySourceEvent(original);
  const dialogue = report ? undefined : await capture.dialogues.get(original);
  if (!report && !dialogue) return false;
  const author = report?.author ?? dialogue?.userId;
  if (report && sender?.kind === "referent" && event.sender === author) {
    // A referent's contribution is the coordinator's to grade and correct: it is not amended.
    await respond(
      deps.transport,
      event,
      null,
      message(line("Votre contribution ", code(report.ref), " reste inchangée : ajoutez une précision dans son fil.")),
      thread,
    );
    return true;
  }
  if (event.sender !== author || !sender || sender.kind === "referent") {
    deps.log.warn({ eventId: event.eventId, original }, "edit of a report by someone other than its author: ignored");
    return true;
  }
  const commandLine = parseCommandLine(textOf(replacement.body), deps.botNames());
  if (!commandLine || deps.registry.find(commandLine.name)?.name !== "report") return false;
  const baseTime = report?.createdAt ?? event.originServerTs;
  const parsed = parseReportLine(commandLine.args, capture.captureContext(new Date(baseTime)));

  if (parsed.problems.length > 0 || !isComplete(parsed.draft)) {
    if (dialogue) {
      await capture.dialogues.save({
        ...dialogue,
        state: startFix(
          parsed.draft,
          parsed.problems.map((p) => p.field),
          commandLine.args,
        ),
      });
      await respond(deps.transport, event, null, renderProblems(parsed.problems, commandLine.args, null), thread);
    } else {
      await respond(
        deps.transport,
        event,
        null,
        message(
          line("Modification non prise en compte, ", code(report?.ref ?? ""), " reste inchangé :"),
          bullets(parsed.problems.map((p) => [p.message])),
        ),
        thread,
      );
    }
    return true;
  }
  if (report) {
    const fields = keepComplements(parsed.draft, report.fields);
    const { report: amended } = await capture.write.amend(
      report.id,
      "edit",
      fields,
      event.sender,
      event.originServerTs,
      event.eventId,
      "message modifié",
    );
    await respond(
      deps.transport,
      event,
      null,
      confirmationFor(amended, parsed.notes, roomKey, capture, `Renseignement modifié (v${amended.version})`),
      thread,
    );
    return true;
  }
  const { report: created, diffusion } = await capture.write.create({
    sourceEventId: original,
    roomId: event.roomId,
    roomKey,
    service: sender.service.key,
    author: sender.userId,
    fields: parsed.draft,
    at: event.originServerTs,
  });
  await capture.dialogues.remove(original);
  const confirmation = confirmationFor(created, parsed.notes, roomKey, capture);
  await respond(deps.transport, event, null, message(...confirmation.blocks, ...diffusionLine(diffusion).blocks), thread);
  return true;
}

/** The edited line replaces what the line said; complements added in the thread since are kept. */
function keepComplements(edited: ReportFields, previous: ReportFields): ReportFields {
  const complements = previous.text.split(" — ").filter((part) => part.startsWith("[complément]"));
  if (complements.length === 0) return edited;
  return {
    ...edited,
    text: [edited.text, ...complements].filter(Boolean).join(" — "),
    entities: mergeEntities(edited.entities, extractEntities(complements.join(" "))),
  };
}
