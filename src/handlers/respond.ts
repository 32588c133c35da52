import type { Message } from "../core/message.js";
import { noticeContent, reactionContent, type ThreadTarget, threadOf } from "../matrix/content.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";

export type Verdict = "ok" | "ko";

/**
 * The room protocol for a command: details as an `m.notice` in the command's thread, then ✅ or ❌
 * on the command. Transaction keys derive from the command's event id, so handling the same event
 * again (after a crash) re-sends nothing new.
 */
export async function respond(
  transport: Pick<Transport, "send">,
  command: Pick<InboundEvent, "roomId" | "eventId" | "content">,
  verdict: Verdict | null,
  details: Message,
  thread: ThreadTarget = threadOf(command.eventId, command.content),
): Promise<void> {
  await transport.send(command.roomId, "m.room.message", noticeContent(details, thread), `reply:${command.eventId}`);
  if (verdict === null) return;
  await transport.send(
    command.roomId,
    "m.reaction",
    reactionContent(command.eventId, verdict === "ok" ? "✅" : "❌"),
    `react:${command.eventId}`,
  );
}
