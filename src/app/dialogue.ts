import { answer, question } from "../core/report/dialogue.js";
import { em, line, message, type Message } from "../core/message.js";
import type { StoredDialogue } from "../store/dialogues.js";
import type { CaptureDeps } from "./capture-deps.js";
import { confirmationFor, diffusionLine } from "./confirm.js";

export interface DialogueTurn {
  verdict: "ok" | "ko";
  message: Message;
}

/**
 * One answer in a guided-report thread: the pure dialogue decides, this stores the state or the
 * report. The report's key is the thread root (the `!report` command), so a re-delivered answer
 * creates nothing twice.
 */
export async function takeDialogueAnswer(
  dialogue: StoredDialogue,
  text: string,
  at: number,
  author: { userId: string; service: string; roomKey: string },
  capture: CaptureDeps,
): Promise<DialogueTurn> {
  const ctx = capture.captureContext(new Date(at));
  const outcome = answer(dialogue.state, text, ctx);
  if (outcome.kind === "cancelled") {
    await capture.dialogues.remove(dialogue.threadRoot);
    return { verdict: "ok", message: message(line("Saisie annulée : rien n'a été enregistré.")) };
  }
  if (outcome.kind === "continue") {
    const step = outcome.state.queue[0];
    await capture.dialogues.save({ ...dialogue, state: outcome.state, expiresAt: at + capture.dialogueTimeoutMs }, at);
    const ask = step ? question(step, ctx) : message();
    return {
      verdict: outcome.error ? "ko" : "ok",
      message: outcome.error ? message(line("⚠️ ", outcome.error), ...ask.blocks) : ask,
    };
  }
  const { report, diffusion: status } = await capture.write.create({
    sourceEventId: dialogue.threadRoot,
    roomId: dialogue.roomId,
    roomKey: author.roomKey,
    service: author.service,
    author: author.userId,
    fields: outcome.fields,
    at,
  });
  await capture.dialogues.remove(dialogue.threadRoot);
  const confirmation = confirmationFor(report, outcome.notes, author.roomKey, capture);
  return { verdict: "ok", message: message(...confirmation.blocks, ...diffusionLine(status).blocks) };
}

export function expiryNotice(dialogue: StoredDialogue, minutes: number): Message {
  const kept = dialogue.state.originalText;
  return message(
    line("⌛ ", em(`Mode guidé fermé après ${minutes} min sans réponse : rien n'a été enregistré.`)),
    ...(kept ? [line("Votre saisie : ", kept)] : []),
    line("Tapez !report pour recommencer."),
  );
}
