import type { Message } from "../core/message.js";
import { type MatrixContent, noticeContent, noticeContents } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";

/**
 * Posts a headline and its detail in the headline's thread (a digest, an agenda). The detail may be
 * long (a week of reports): several messages, each within the event size. Keys derive from `key`,
 * so a re-run posts nothing twice.
 */
export async function postTwoPart(
  transport: Pick<Transport, "send">,
  roomId: string,
  parts: { headline: Message; detail: Message },
  key: string,
  extra: MatrixContent = {},
): Promise<{ roomId: string; root: string }> {
  const root = await transport.send(roomId, "m.room.message", { ...noticeContent(parts.headline), ...extra }, key);
  for (const [i, content] of noticeContents(parts.detail, { eventId: root, threadRootId: root }).entries()) {
    await transport.send(roomId, "m.room.message", content, `${key}:detail${i > 0 ? `:p${i}` : ""}`);
  }
  return { roomId, root };
}
