import { code, line, message, type Message, numbered } from "../message.js";
import { applyField, type CaptureContext, type FieldName } from "./fields.js";
import { parseFieldsOnto, withDefaultsAndEntities } from "./parse-line.js";
import { isComplete, type ReportDraft, type ReportFields } from "./report.js";

/** The questions of the guided report, in order. `details` gathers vehicles, phones, persons, substances. */
export type Step = "type" | "commune" | "place" | "when" | "grade" | "diffusion" | "details" | "text";

const ALL_STEPS: readonly Step[] = ["type", "commune", "place", "when", "grade", "diffusion", "details", "text"];
const REQUIRED: ReadonlySet<Step> = new Set(["type", "commune", "when"]);

export interface DialogueState {
  /** `guided`: every question; `fix`: only what a one-line report got wrong or left out. */
  mode: "guided" | "fix";
  queue: Step[];
  draft: ReportDraft;
  originalText: string | null;
  /** What the one-line report understood from free words: said again in the final confirmation. */
  notes?: string[];
  /** Steps that "passer" may not skip here: a diffusion the line mentioned but could not be read. */
  mustAnswer?: Step[];
}

export type DialogueOutcome =
  | { kind: "cancelled" }
  | { kind: "continue"; state: DialogueState; error?: string }
  | { kind: "complete"; fields: ReportFields; notes: string[] };

export function startGuided(): DialogueState {
  return { mode: "guided", queue: [...ALL_STEPS], draft: {}, originalText: null };
}

/** After a one-line report with problems: ask only for the fields that are wrong or missing. */
export function startFix(
  draft: ReportDraft,
  badFields: readonly (FieldName | "inconnu")[],
  originalText: string,
  notes: readonly string[] = [],
): DialogueState {
  const missing = ALL_STEPS.filter((step) => REQUIRED.has(step) && draftValue(draft, step) === undefined);
  const bad = badFields.map(stepOf).filter((s): s is Step => s !== null);
  const queue = ALL_STEPS.filter((step) => missing.includes(step) || bad.includes(step));
  // A diffusion refused is asked until answered: skipping it must never fall back to the widest level.
  const mustAnswer: Step[] = bad.includes("diffusion") ? ["diffusion"] : [];
  return {
    mode: "fix",
    queue,
    draft: withoutFields(draft, bad),
    originalText,
    ...(notes.length > 0 ? { notes: [...notes] } : {}),
    ...(mustAnswer.length > 0 ? { mustAnswer } : {}),
  };
}

export function question(step: Step, ctx: Pick<CaptureContext, "types">): Message {
  const skip = REQUIRED.has(step) ? [] : [line("« passer » pour ignorer, « annuler » pour arrêter.")];
  switch (step) {
    case "type":
      return message(line("Quel type de fait ? Répondez par le numéro :"), numbered(ctx.types.map((t) => [t.label])));
    case "commune":
      return message(line("Dans quelle commune ? (ex. Épinal, st die, Remiremont)"));
    case "place":
      return message(line("Où précisément ? (rue, quartier, lieu-dit)"), ...skip);
    case "when":
      return message(line("Quand ? (ex. maintenant, hier 22h, lundi 6h30, 12/11 23h, il y a 2h)"));
    case "grade":
      return message(
        line("Cotation ? Une lettre A–F (fiabilité de la source) et un chiffre 1–6 (crédibilité), ex. ", code("B2"), "."),
        line("« passer » : F6, non jugée."),
      );
    case "diffusion":
      return message(
        line("Diffusion ?"),
        numbered([
          ["CROSS — tous les services (défaut)"],
          ["Service — votre service et le coordinateur"],
          ["Restreinte — ex. ", code("3 douane,gir")],
        ]),
        ...skip,
      );
    case "details":
      return message(
        line("Véhicules, téléphones, personnes, substances ? ex. ", code("plaque=AB-123-CD tel=0612345678 personnes=3")),
        ...skip,
      );
    case "text":
      return message(line("Un texte libre pour décrire le fait ?"), ...skip);
  }
}

/** Takes one answer in the thread. Pure: the caller stores the state and sends the messages. */
export function answer(state: DialogueState, text: string, ctx: CaptureContext): DialogueOutcome {
  const reply = text.trim();
  const word = reply.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  if (["annuler", "stop", "cancel", "abandon"].includes(word)) return { kind: "cancelled" };
  const step = state.queue[0];
  if (!step) return finish(state);

  if (["passer", "-", "skip", "suivant", "rien", "non"].includes(word)) {
    if (REQUIRED.has(step) || state.mustAnswer?.includes(step))
      return { kind: "continue", state, error: "Cette information est obligatoire." };
    return next({ ...state, queue: state.queue.slice(1) });
  }
  if (/[\p{L}_]+\s*=/u.test(reply)) {
    // Fields typed directly ("commune=epinal quand=hier"): apply them all, drop the questions they answer.
    const parsed = parseFieldsOnto(reply, state.draft, ctx);
    const answered = [...parsed.given].map(stepOf);
    const queue = state.queue.filter((s) => !answered.includes(s) && !(s === "details" && answered.includes("details")));
    const moved = { ...state, draft: parsed.draft, queue: parsed.problems.length > 0 ? state.queue : queue };
    if (parsed.problems.length > 0)
      return {
        kind: "continue",
        state: { ...moved, draft: parsed.draft },
        error: parsed.problems.map((p) => p.message).join(" "),
      };
    return next(moved);
  }
  const result = applyStep(step, reply, state.draft, ctx);
  if (!result.ok) return { kind: "continue", state, error: result.error };
  return next({ ...state, draft: result.draft, queue: state.queue.slice(1) });
}

function applyStep(step: Step, reply: string, draft: ReportDraft, ctx: CaptureContext) {
  if (step === "diffusion") {
    const choice = /^([123])\s*[:,]?\s*(.*)$/.exec(reply);
    if (choice) {
      const value = choice[1] === "1" ? "cross" : choice[1] === "2" ? "service" : `restreint:${choice[2] ?? ""}`;
      return applyField("diffusion", value, draft, ctx);
    }
  }
  if (step === "details") {
    const parsed = parseFieldsOnto(reply, draft, ctx);
    return parsed.problems.length > 0
      ? { ok: false as const, error: parsed.problems.map((p) => p.message).join(" ") }
      : { ok: true as const, draft: parsed.draft };
  }
  return applyField(step === "when" ? "when" : step, reply, draft, ctx);
}

function next(state: DialogueState): DialogueOutcome {
  return state.queue.length > 0 ? { kind: "continue", state } : finish(state);
}

function finish(state: DialogueState): DialogueOutcome {
  const notes: string[] = [...(state.notes ?? [])];
  const draft = withDefaultsAndEntities(state.draft, new Set(state.mode === "guided" ? ["grade"] : []), notes);
  if (!isComplete(draft)) {
    const missing = ALL_STEPS.filter((s) => REQUIRED.has(s) && draftValue(draft, s) === undefined);
    return { kind: "continue", state: { ...state, draft, queue: missing } };
  }
  return { kind: "complete", fields: draft, notes };
}

function stepOf(field: FieldName | "inconnu"): Step | null {
  if (field === "inconnu") return null;
  if (field === "plate" || field === "phone" || field === "person" || field === "substances" || field === "people")
    return "details";
  return field;
}

function draftValue(draft: ReportDraft, step: Step): unknown {
  return step === "when" ? draft.observedAt : step === "details" || step === "text" ? undefined : draft[step];
}

function withoutFields(draft: ReportDraft, steps: readonly Step[]): ReportDraft {
  const copy: ReportDraft = { ...draft };
  if (steps.includes("type")) delete copy.type;
  if (steps.includes("commune")) delete copy.commune;
  if (steps.includes("when")) delete copy.observedAt;
  if (steps.includes("diffusion")) delete copy.diffusion;
  return copy;
}
