import type { Invocation } from "../core/command.js";
import { code, line, message } from "../core/message.js";
import { cleanText } from "../core/tips/form.js";
import { tipRef } from "../jobs/tips-queue.js";
import type { DecisionResult } from "./tri-shared.js";
import { alreadyDecided, findTip, type TriDeps, triVerb } from "./tri-shared.js";

const MAX_QUESTION = 1000;

/** `!tri question <n°> <texte>`: the citizen reads it with their receipt; the answer comes back in the tip's thread. */
export async function question(rest: string, invocation: Invocation<unknown>, deps: { tips: TriDeps }): Promise<DecisionResult> {
  const [number, ...words] = rest.split(/\s+/);
  const found = await findTip(number, deps.tips.store);
  if (!found.ok) return { ok: false, message: message(line(found.error)) };
  const text = cleanText(words.join(" "));
  if (text.length < 3) {
    return {
      ok: false,
      message: message(
        line("Écrivez la question, ex. ", code(`!tri question ${found.tip.number} À quelle heure les avez-vous vus ?`)),
      ),
    };
  }
  if (text.length > MAX_QUESTION)
    return { ok: false, message: message(line(`Question trop longue : ${MAX_QUESTION} caractères au plus.`)) };
  if (found.tip.status !== "pending")
    return { ok: false, message: message(line(alreadyDecided(found.tip), " Plus de question possible.")) };
  const created = await deps.tips.store.addQuestion(
    found.tip.id,
    text,
    invocation.sender.userId,
    invocation.sentAt,
    invocation.eventId,
  );
  if (created) {
    await deps.tips.journal({
      at: invocation.sentAt,
      actor: invocation.sender.userId,
      action: "communicate",
      ref: tipRef(found.tip.number),
      room: invocation.roomKey,
      detail: "question posée à l'auteur du signalement",
    });
    deps.tips.kick();
  }
  return {
    ok: true,
    message: message(
      line(`Question enregistrée pour le signalement n° ${found.tip.number}.`),
      line("L'auteur la verra avec son code de suivi ; sa réponse arrivera dans le fil du signalement."),
    ),
  };
}

export const triQuestion = triVerb(
  {
    name: "question",
    aliases: ["demander"],
    summary: "Pose une question à l'auteur du signalement (il la lit avec son code de suivi).",
    params: [
      { name: "n°", description: "numéro du signalement" },
      { name: "texte", description: "la question", rest: true },
    ],
  },
  question,
);
