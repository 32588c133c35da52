import { formatObserved } from "../fr/when.js";
import type { Entity } from "../fr/entities.js";
import { bullets, code, em, type Inline, line, message, type Message, strong } from "../message.js";
import { describeDiffusion } from "./diffusion.js";
import type { FactType } from "./fact-types.js";
import { describeGrade } from "./grading.js";
import type { ReportDraft, ReportFields, ReportSource } from "./report.js";

/** Names the renderers need to turn keys into words. */
export interface Vocabulary {
  timeZone: string;
  types: readonly FactType[];
  serviceName(key: string): string;
}

const ENTITY_ICONS: Record<Entity["kind"], string> = { plate: "🚗", phone: "📞", address: "📍", person: "👤" };

/** `référent Nom (affaire-1), complément de 88-2026-40317`. */
export function describeSource(source: ReportSource): string {
  return `référent ${source.name} (${source.matter})${source.complementOf ? `, complément de ${source.complementOf}` : ""}`;
}

/** The lines describing a report's fields, shared by confirmations, `!voir` and dialogue recaps. */
export function describeFields(fields: ReportDraft, vocabulary: Vocabulary): Inline[][] {
  const lines: Inline[][] = [];
  const typeLabel = vocabulary.types.find((t) => t.key === fields.type)?.label ?? fields.type;
  if (typeLabel) lines.push([strong("Type : "), typeLabel]);
  if (fields.commune) {
    lines.push([
      strong("Commune : "),
      `${fields.commune.nom} (${fields.commune.code})`,
      ...(fields.place ? [" — ", fields.place] : []),
    ]);
  } else if (fields.place) lines.push([strong("Lieu : "), fields.place]);
  if (fields.observedAt) {
    lines.push([
      strong("Observé : "),
      formatObserved(new Date(fields.observedAt), fields.observedPrecision ?? "minute", vocabulary.timeZone),
    ]);
  }
  if (fields.source) lines.push([strong("Source : "), describeSource(fields.source)]);
  if (fields.grade) lines.push([strong("Cotation : "), describeGrade(fields.grade)]);
  if (fields.diffusion) lines.push([strong("Diffusion : "), describeDiffusion(fields.diffusion, vocabulary.serviceName)]);
  const details: string[] = [];
  if (fields.substances && fields.substances.length > 0) details.push(`substances : ${fields.substances.join(", ")}`);
  if (fields.peopleCount !== null && fields.peopleCount !== undefined) details.push(`personnes : ${fields.peopleCount}`);
  if (details.length > 0) lines.push([strong("Détails : "), details.join(" · ")]);
  const entities = (fields.entities ?? []).filter((e) => e.kind !== "address");
  if (entities.length > 0) {
    lines.push([strong("Entités : "), entities.map((e) => `${ENTITY_ICONS[e.kind]} ${e.display}`).join(" · ")]);
  }
  if (fields.text) lines.push([strong("Texte : "), fields.text]);
  return lines;
}

export function renderConfirmation(
  ref: string,
  fields: ReportFields,
  notes: readonly string[],
  vocabulary: Vocabulary,
  heading = "Renseignement enregistré",
): Message {
  return message(
    line(strong(`${heading} : `), code(ref)),
    ...describeFields(fields, vocabulary).map((l) => line(...l)),
    ...notes.map((n) => line("⚠️ ", n.replace("{réf}", ref))),
    line(em("Répondez dans ce fil avec une photo ou une position pour l'ajouter ; un texte ajoute un complément.")),
  );
}

/** A report that could not be stored: each problem, the officer's text kept, and what to do next. */
export function renderProblems(
  problems: readonly { message: string }[],
  originalText: string,
  next: Message | null,
  understood: readonly string[] = [],
): Message {
  // What free words already gave is said, so the officer sees it will not be asked again.
  const said = understood.filter((n) => !n.includes("{réf}") && !n.startsWith("cotation non précisée"));
  return message(
    line(strong("Renseignement non enregistré"), " — à corriger :"),
    bullets(problems.map((p) => [p.message])),
    ...(said.length > 0 ? [line("Déjà compris :"), bullets(said.map((n) => [n]))] : []),
    line("Votre saisie, conservée : ", code(originalText)),
    ...(next ? next.blocks : [line("Corrigez et renvoyez la commande, ou tapez ", code("!report"), " pour le mode guidé.")]),
  );
}
