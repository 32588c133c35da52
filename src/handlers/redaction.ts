import type { CaptureDeps } from "../app/capture-deps.js";
import type { Identity } from "../core/directory.js";
import { code, line, message } from "../core/message.js";
import { REDACTION_NOTE } from "../core/report/report.js";
import type { Logger } from "../log.js";
import { noticeContent } from "../matrix/content.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";

export interface RedactionDeps {
  capture: CaptureDeps;
  transport: Pick<Transport, "send">;
  log: Logger;
}

/**
 * The `!report` message was deleted: the report is withdrawn — kept, marked, journaled — and the
 * cards other rooms received are redacted by the diffusion worker. Deletion by someone other than
 * the author or the coordinator (a room moderator) still withdraws it, the safe direction, and is logged.
 */
export async function handleRedaction(
  event: InboundEvent,
  redacted: string,
  sender: Identity | null,
  deps: RedactionDeps,
): Promise<boolean> {
  const { capture } = deps;
  const report = await capture.reports.bySourceEvent(redacted);
  if (!report || report.roomId !== event.roomId) return false;
  if (!sender || (sender.userId !== report.author && sender.kind !== "coordinator")) {
    deps.log.warn(
      { eventId: event.eventId, ref: report.ref },
      "report message redacted by someone other than its author or the coordinator",
    );
  }
  if (report.status === "cancelled") return true;
  await capture.write.withdraw(report, event.sender, event.originServerTs, event.eventId, REDACTION_NOTE);
  await deps.transport.send(
    event.roomId,
    "m.room.message",
    noticeContent(
      message(
        line("🗑️ ", code(report.ref), " retiré : son message a été supprimé ; ses copies dans les autres salons le sont aussi."),
      ),
    ),
    `redacted:${event.eventId}`,
  );
  return true;
}
