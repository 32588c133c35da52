import type { Message } from "../core/message.js";
import { noticeContents, reactionContent, type ThreadTarget, threadOf } from "../matrix/content.js";
import type { InboundEvent, Transport } from "../matrix/transport.js";

export type Verdict = "ok" | "ko";

type Command = Pick<InboundEvent, "roomId" | "eventId" | "content">;

/**
 * The room protocol for a command: details as an `m.notice` in the command's thread, then ✅ or ❌
 * on the command. Transaction keys derive from the command's event id, so handling the same event
 * again (after a crash) re-sends nothing new.
 */
export async function respond(
  transport: Pick<Transport, "send">,
  command: Command,
  verdict: Verdict | null,
  details: Message,
  thread: ThreadTarget = threadOf(command.eventId, command.content),
): Promise<void> {
  const mark = verdict === null ? null : verdict === "ok" ? "✅" : "❌";
  await sendAnswer(transport, command, mark, details, thread, { reply: "reply", react: "react" });
}

/**
 * The answer to a command that failed unexpectedly. Its transaction keys differ from the normal
 * answer's: otherwise the homeserver folds one into the other, and a ✅ (or an ❌ "réessayez")
 * stays on a command whose outcome was the opposite.
 */
export async function respondError(
  transport: Pick<Transport, "send">,
  command: Command,
  mark: "❌" | "⚠️",
  details: Message,
  thread: ThreadTarget = threadOf(command.eventId, command.content),
): Promise<void> {
  await sendAnswer(transport, command, mark, details, thread, { reply: "error", react: "error-react" });
}

async function sendAnswer(
  transport: Pick<Transport, "send">,
  command: Command,
  mark: string | null,
  details: Message,
  thread: ThreadTarget,
  keys: { reply: string; react: string },
): Promise<void> {
  // A long answer becomes several messages in the thread, each within the event size limit.
  for (const [i, content] of noticeContents(details, thread).entries()) {
    await transport.send(command.roomId, "m.room.message", content, `${keys.reply}:${command.eventId}${i > 0 ? `:p${i}` : ""}`);
  }
  if (mark === null) return;
  await transport.send(command.roomId, "m.reaction", reactionContent(command.eventId, mark), `${keys.react}:${command.eventId}`);
}
