import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { ALL_ROLES, defineCommand, type Invocation } from "../core/command.js";
import { code, em, line, message, type Message } from "../core/message.js";
import { contribute, type ContributionDeps } from "../app/contribution.js";
import { question, startFix, startGuided } from "../core/report/dialogue.js";
import { parseReportLine } from "../core/report/parse-line.js";
import { isComplete } from "../core/report/report.js";
import { renderProblems } from "../core/report/render.js";
import { confirmationFor, diffusionLine } from "../app/confirm.js";

type ReportResult =
  { kind: "stored"; message: Message } | { kind: "guided"; question: Message } | { kind: "problems"; message: Message };

export const report = defineCommand({
  name: "report",
  aliases: ["rens", "renseignement", "signalement", "signaler", "rapport"],
  summary: "Enregistre un renseignement en une ligne, ou en mode guidé si vous tapez !report seul.",
  details: [
    'Champs (dans n\'importe quel ordre) : type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 diffusion=cross|service|restreint:douane,gir plaque=AB-123-CD tel=0612345678 personne="X dit Le Gitan" substances=cannabis personnes=3 ; le reste de la ligne est le texte libre.',
    "Cotation : fiabilité de la source A (complètement fiable) à E (peu fiable), F (ne peut être jugée) ; crédibilité 1 (confirmée) à 5 (improbable), 6 (ne peut être jugée). Sans cotation : F6.",
    "Diffusion : cross (défaut, tous les services), service (votre service et le coordinateur), restreint:<services>.",
    "Dans le fil de la confirmation : une photo ou une position s'ajoute au renseignement ; un texte ajoute un complément.",
    "Référent : dans le salon de votre affaire, !report <votre information> (ou un simple message) la transmet au coordinateur ; dans le fil d'une fiche, c'est un complément de celle-ci.",
  ],
  // Referents too, but only in their own matter room, as a contribution (see app/contribution.ts).
  roles: ALL_ROLES,
  params: [{ name: "champs", description: "type=… commune=… quand=… puis texte libre", optional: true, rest: true }],
  schema: z.object({ champs: z.string().optional() }),
  async execute(invocation, deps: { capture: CaptureDeps; contribution: ContributionDeps }): Promise<ReportResult> {
    const { capture } = deps;
    const sender = invocation.sender;
    if (sender.kind === "referent") return contributeAsReferent(invocation, sender, deps.contribution);
    const text = invocation.rawArgs.trim();
    const dialogue = { threadRoot: invocation.threadRoot, roomId: invocation.roomId, userId: sender.userId };
    const expiresAt = invocation.sentAt + capture.dialogueTimeoutMs;

    // A re-delivered event already stored is confirmed again, not turned into a dialogue. (A
    // complete line needs no look-up: the store's write recognises its event.)
    const alreadyStored = async (): Promise<ReportResult | undefined> => {
      const existing = await capture.reports.bySourceEvent(invocation.eventId);
      return existing && { kind: "stored", message: confirmationFor(existing, [], invocation.roomKey, capture) };
    };

    if (text === "") {
      const stored = await alreadyStored();
      if (stored) return stored;
      const state = startGuided();
      await capture.dialogues.save({ ...dialogue, state, expiresAt });
      const first = question(state.queue[0] ?? "type", capture.captureContext(new Date(invocation.sentAt)));
      return {
        kind: "guided",
        question: message(line("📝 ", em("Mode guidé : répondez dans ce fil ; « annuler » pour arrêter.")), ...first.blocks),
      };
    }

    const ctx = capture.captureContext(new Date(invocation.sentAt));
    const parsed = parseReportLine(text, ctx);
    if (parsed.problems.length > 0 || !isComplete(parsed.draft)) {
      const stored = await alreadyStored();
      if (stored) return stored;
      const state = startFix(
        parsed.draft,
        parsed.problems.map((p) => p.field),
        text,
        parsed.notes,
      );
      await capture.dialogues.save({ ...dialogue, state, expiresAt });
      const next = state.queue[0]
        ? message(line(em("Ou répondez dans ce fil, je complète :")), ...question(state.queue[0], ctx).blocks)
        : null;
      return { kind: "problems", message: renderProblems(parsed.problems, text, next, parsed.notes) };
    }
    const { report: stored, diffusion: status } = await capture.write.create({
      sourceEventId: invocation.eventId,
      roomId: invocation.roomId,
      roomKey: invocation.roomKey,
      service: sender.service.key,
      author: sender.userId,
      fields: parsed.draft,
      at: invocation.sentAt,
    });
    const confirmation = confirmationFor(stored, parsed.notes, invocation.roomKey, capture);
    return { kind: "stored", message: message(...confirmation.blocks, ...diffusionLine(status).blocks) };
  },
  render: (result: ReportResult) => (result.kind === "guided" ? result.question : result.message),
  verdict: (result: ReportResult) => (result.kind === "problems" ? "ko" : "ok"),
});

/** A referent's `!report …`: a contribution to their matter, nowhere else. */
async function contributeAsReferent(
  invocation: Invocation<unknown>,
  sender: { userId: string; name: string },
  deps: ContributionDeps,
): Promise<ReportResult> {
  const matter = deps.matters.byKey(invocation.roomKey);
  if (!matter || matter.referent !== sender.userId) {
    return {
      kind: "problems",
      message: message(
        line("En tant que référent, vous ne pouvez transmettre une information que dans le salon de votre affaire."),
      ),
    };
  }
  const text = invocation.rawArgs.trim();
  if (text === "") {
    return {
      kind: "problems",
      message: message(line("Écrivez votre information après ", code("!report"), ", ou simplement en message dans ce salon.")),
    };
  }
  const outcome = await contribute(deps, {
    matterKey: invocation.roomKey,
    roomId: invocation.roomId,
    eventId: invocation.eventId,
    relatedTo: invocation.threadRoot !== invocation.eventId ? [invocation.threadRoot] : [],
    text,
    referent: sender,
    at: invocation.sentAt,
  });
  return { kind: outcome.ok ? "stored" : "problems", message: outcome.message };
}
