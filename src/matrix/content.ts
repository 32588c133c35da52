import { fitMessage, splitMessage, toHtml, toPlain, type Message } from "../core/message.js";

/** Where a bot message goes relative to the event it answers. */
export interface ThreadTarget {
  /** The event being answered (gets an m.in_reply_to fallback for clients without threads). */
  eventId: string;
  /** The thread root: the command itself, or the root of the thread it was typed in. */
  threadRootId: string;
}

export type MatrixContent = Record<string, unknown>;

/**
 * The content of every message the bot posts: an `m.notice` (bots do not notify like people),
 * a plain body, an escaped HTML body, and an empty `m.mentions` so that nothing the text echoes
 * (`@room`, a display name) pings anyone.
 */
export function noticeContent(full: Message, thread?: ThreadTarget): MatrixContent {
  // Never over the homeserver's event size: a longer message is cut with a mark (answers that may
  // be long go through `noticeContents`, which splits them instead).
  const msg = fitMessage(full);
  const content: MatrixContent = {
    msgtype: "m.notice",
    body: toPlain(msg),
    format: "org.matrix.custom.html",
    formatted_body: toHtml(msg),
    "m.mentions": {},
  };
  if (thread) {
    content["m.relates_to"] = {
      rel_type: "m.thread",
      event_id: thread.threadRootId,
      is_falling_back: true,
      "m.in_reply_to": { event_id: thread.eventId },
    };
  }
  return content;
}

/** A message that may be long, as the contents of one or more messages (in the same thread). */
export function noticeContents(msg: Message, thread?: ThreadTarget): MatrixContent[] {
  return splitMessage(msg).map((part) => noticeContent(part, thread));
}

/** The relation that puts an event (an image, a file) in a thread, replying to `thread.eventId`. */
export function threadRelation(thread: ThreadTarget): MatrixContent {
  return {
    rel_type: "m.thread",
    event_id: thread.threadRootId,
    is_falling_back: true,
    "m.in_reply_to": { event_id: thread.eventId },
  };
}

export function reactionContent(eventId: string, key: string): MatrixContent {
  return { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } };
}

/** The thread a message belongs to, so answers to a command typed in a thread stay in it. */
export function threadOf(eventId: string, content: Record<string, unknown>): ThreadTarget {
  const relation = content["m.relates_to"];
  if (isRecord(relation) && relation.rel_type === "m.thread" && typeof relation.event_id === "string") {
    return { eventId, threadRootId: relation.event_id };
  }
  return { eventId, threadRootId: eventId };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string field of an event's content, or "" when it is missing or not a string. */
export function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}
