import { line, message, type Message } from "../core/message.js";
import { isRecord } from "../matrix/content.js";
import type { InboundEvent } from "../matrix/transport.js";

/** The longest message the bot reads (a report line, a complement, an edit); longer is refused, unread. */
export const MAX_INPUT_CHARS = 4000;

export function tooLong(length: number): Message {
  return message(
    line(`Message trop long (${length} caractères ; ${MAX_INPUT_CHARS} au plus) : rien n'a été enregistré.`),
    line("Scindez-le : le renseignement d'abord, puis des compléments en réponse dans son fil."),
  );
}

export function inputLength(event: InboundEvent): number {
  const newContent = isRecord(event.content["m.new_content"]) ? event.content["m.new_content"] : {};
  const body = typeof newContent.body === "string" ? newContent.body : event.content.body;
  return typeof body === "string" ? [...body].length : 0;
}
