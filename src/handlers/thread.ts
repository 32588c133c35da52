import type { CaptureDeps } from "../app/capture-deps.js";
import { takeDialogueAnswer } from "../app/dialogue.js";
import type { KnownRoom } from "../core/directory.js";
import type { Identity } from "../core/directory.js";
import { extractEntities } from "../core/fr/entities.js";
import { code, line, message } from "../core/message.js";
import { mergeEntities } from "../core/report/fields.js";
import type { Logger } from "../log.js";
import { isRecord, textOf } from "../matrix/content.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";
import type { NewAttachment, StoredReport } from "../store/reports.js";
import { MAX_INPUT_CHARS, tooLong } from "./input-limit.js";
import { respond } from "./respond.js";

export interface ThreadDeps {
  capture: CaptureDeps;
  transport: Pick<Transport, "send">;
  log: Logger;
}

/**
 * A message in a thread that is not a command: an answer to a guided report, or a photo, a
 * location or a complement for the report the thread belongs to. Returns false when the thread is
 * not the bot's business.
 */
export async function handleThreadMessage(
  event: InboundEvent,
  room: KnownRoom,
  sender: Identity | null,
  deps: ThreadDeps,
): Promise<boolean> {
  const relation = event.content["m.relates_to"];
  if (!isRecord(relation) || relation.rel_type !== "m.thread" || typeof relation.event_id !== "string") return false;
  const root = relation.event_id;
  const { capture } = deps;

  const length = typeof event.content.body === "string" ? [...event.content.body].length : 0;
  if (length > MAX_INPUT_CHARS && ((await capture.dialogues.get(root)) || (await capture.reports.bySourceEvent(root)))) {
    await respond(deps.transport, event, "ko", tooLong(length));
    return true;
  }
  const dialogue = await capture.dialogues.get(root);
  if (
    dialogue &&
    dialogue.userId === event.sender &&
    event.content.msgtype === "m.text" &&
    sender &&
    sender.kind !== "referent"
  ) {
    const turn = await takeDialogueAnswer(
      dialogue,
      textOf(event.content.body),
      event.originServerTs,
      {
        userId: sender.userId,
        service: sender.service.key,
        roomKey: room.key,
      },
      capture,
    );
    await respond(deps.transport, event, turn.verdict, turn.message);
    return true;
  }

  const report = await capture.reports.bySourceEvent(root);
  if (!report || report.roomId !== event.roomId) return false;
  if (!sender || sender.kind === "referent") {
    deps.log.warn(
      { eventId: event.eventId, roomId: event.roomId },
      "reply in a report thread from someone not allowed to add to it",
    );
    return true;
  }
  if (report.status === "cancelled") {
    await respond(deps.transport, event, "ko", message(line(code(report.ref), " a été retiré : rien n'y est ajouté.")));
    return true;
  }
  const addition = readAddition(event, report);
  if (!addition) return false;
  // Only the report's own service or the coordinator adds to it, and never into a report this
  // room may not see (a `service` report confirmed in the coordination room, for instance).
  const roomSees = capture.roomMaySee({ service: report.service, diffusion: report.fields.diffusion, ref: report.ref }, room.key);
  if (!roomSees || (sender.kind !== "coordinator" && sender.service.key !== report.service)) {
    deps.log.warn({ eventId: event.eventId, roomId: event.roomId, sender: event.sender }, "thread addition refused");
    await respond(
      deps.transport,
      event,
      "ko",
      message(line("Seuls le service auteur et le coordinateur peuvent compléter ce renseignement : rien n'a été ajouté.")),
    );
    return true;
  }
  const { report: updated } = await capture.write.amend(
    report.id,
    addition.change,
    addition.fields,
    event.sender,
    event.originServerTs,
    event.eventId,
    addition.note,
    addition.attachment,
  );
  await respond(
    deps.transport,
    event,
    "ok",
    message(line(addition.label, " ajouté(e) à ", code(updated.ref), ` (version ${updated.version}).`)),
  );
  return true;
}

type Addition = {
  change: "attachment" | "complement";
  fields: StoredReport["fields"];
  note: string;
  label: string;
  attachment?: NewAttachment;
};

function readAddition(event: InboundEvent, report: StoredReport): Addition | null {
  const { content } = event;
  if (content.msgtype === "m.image") {
    // Clear rooms give `url`; encrypted rooms give `file.url` (the key stays in the event).
    const url =
      typeof content.url === "string"
        ? content.url
        : isRecord(content.file) && typeof content.file.url === "string"
          ? content.file.url
          : null;
    if (!url?.startsWith("mxc://")) return null;
    return {
      change: "attachment",
      fields: report.fields,
      note: "photo",
      label: "📷 Photo",
      attachment: {
        kind: "image",
        mxcUrl: url,
        description: typeof content.body === "string" ? content.body.slice(0, 200) : null,
      },
    };
  }
  if (content.msgtype === "m.location") {
    const geo = parseGeoUri(typeof content.geo_uri === "string" ? content.geo_uri : "");
    if (!geo) return null;
    return {
      change: "attachment",
      fields: report.fields,
      note: `position ${geo.uri}`,
      label: "📍 Position",
      attachment: { kind: "location", geoUri: geo.uri, latitude: geo.latitude, longitude: geo.longitude },
    };
  }
  if (content.msgtype === "m.text" && typeof content.body === "string" && content.body.trim()) {
    const text = content.body.trim();
    const fields = {
      ...report.fields,
      text: [report.fields.text, `[complément] ${text}`].filter(Boolean).join(" — "),
      entities: mergeEntities(report.fields.entities, extractEntities(text)),
    };
    return { change: "complement", fields, note: "complément", label: "📝 Complément" };
  }
  return null;
}

/** `geo:48.1724,6.4491;u=10` (RFC 5870) → coordinates, or null when malformed or out of range. */
export function parseGeoUri(uri: string): { uri: string; latitude: number; longitude: number } | null {
  const match = /^geo:(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)(?:,[-\d.]+)?(?:;.*)?$/.exec(uri.trim());
  if (!match) return null;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  return { uri: uri.trim(), latitude, longitude };
}
