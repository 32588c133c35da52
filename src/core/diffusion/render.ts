import type { Entity } from "../fr/entities.js";
import { formatObserved } from "../fr/when.js";
import { type Block, code, em, line, message, type Message, strong } from "../message.js";
import { describeDiffusion } from "../report/diffusion.js";
import { gradeCode, UNGRADED } from "../report/grading.js";
import type { ReportFields } from "../report/report.js";
import { describeSource, type Vocabulary } from "../report/render.js";

export interface CardReport {
  ref: string;
  service: string;
  status: "active" | "cancelled";
  fields: ReportFields;
}

const ICONS: Record<Entity["kind"], string> = { plate: "🚗", phone: "📞", address: "📍", person: "👤" };
const SUMMARY_LENGTH = 160;

/** The compact card a room receives: one glance on a phone, the detail with !voir. */
export function renderCard(report: CardReport, vocabulary: Vocabulary): Message {
  const f = report.fields;
  const type = vocabulary.types.find((t) => t.key === f.type)?.label ?? f.type;
  const entities = f.entities.filter((e) => e.kind !== "address");
  const summary = f.text.length > SUMMARY_LENGTH ? `${f.text.slice(0, SUMMARY_LENGTH - 1)}…` : f.text;
  return message(
    line("📌 ", code(report.ref), " ", strong(type), ` — ${f.commune.nom}${f.place ? `, ${f.place}` : ""}`),
    line(
      `${formatObserved(new Date(f.observedAt), f.observedPrecision, vocabulary.timeZone)} · cotation ${gradeCode(f.grade)} · ${vocabulary.serviceName(report.service)}`,
    ),
    ...(summary ? [line(summary)] : []),
    ...(entities.length > 0 ? [line(entities.map((e) => `${ICONS[e.kind]} ${e.display}`).join(" · "))] : []),
    ...(f.source ? [sourceLine(report.ref, f)] : []),
    line(em(`Diffusion ${describeDiffusion(f.diffusion, vocabulary.serviceName)} · détail : `), code(`!voir ${report.ref}`)),
  );
}

/** A referent's contribution: who, from which matter, and — until graded — what the coordinator does. */
function sourceLine(ref: string, f: ReportFields): Block {
  const ungraded = gradeCode(f.grade) === gradeCode(UNGRADED);
  return line(
    `🧾 Contribution : ${f.source ? describeSource(f.source) : ""}`,
    ...(ungraded ? [" · à coter : ", code(`!maj ${ref} cotation=B2`)] : []),
  );
}

/**
 * Several cards for one room in one message (the fan-out coalesces them when they wait behind the
 * budget): each card keeps its own lines, starting with its 📌 reference, and the message is the
 * thread root of every one of them — their later updates come in its thread, each naming its report.
 */
export function renderCardGroup(reports: readonly CardReport[], vocabulary: Vocabulary): Message {
  const blocks = [
    line(
      "🗂 ",
      strong(`${reports.length} renseignements`),
      " ",
      em("(envoyés ensemble ; leurs mises à jour suivent dans ce fil)"),
    ),
  ];
  for (const report of reports) blocks.push(line(""), ...renderCard(report, vocabulary).blocks);
  return { blocks };
}

/** What changed between two versions, in a line or two, for the card's thread. */
export function renderUpdate(
  ref: string,
  version: number,
  change: string,
  note: string | null,
  before: ReportFields,
  after: ReportFields,
  vocabulary: Vocabulary,
): Message {
  const changes: string[] = [];
  const label = (key: string) => vocabulary.types.find((t) => t.key === key)?.label ?? key;
  if (before.type !== after.type) changes.push(`type : ${label(before.type)} → ${label(after.type)}`);
  if (before.commune.code !== after.commune.code) changes.push(`commune : ${before.commune.nom} → ${after.commune.nom}`);
  if ((before.place ?? "") !== (after.place ?? "")) changes.push(`lieu : ${after.place ?? "—"}`);
  if (before.observedAt !== after.observedAt) {
    changes.push(`observé : ${formatObserved(new Date(after.observedAt), after.observedPrecision, vocabulary.timeZone)}`);
  }
  if (gradeCode(before.grade) !== gradeCode(after.grade))
    changes.push(`cotation : ${gradeCode(before.grade)} → ${gradeCode(after.grade)}`);
  const added = after.entities.filter(
    (e) => e.kind !== "address" && !before.entities.some((b) => b.kind === e.kind && b.value === e.value),
  );
  if (added.length > 0) changes.push(`entités ajoutées : ${added.map((e) => `${ICONS[e.kind]} ${e.display}`).join(", ")}`);
  if (after.text !== before.text && after.text.startsWith(before.text))
    changes.push(`complément : ${after.text.slice(before.text.length).replace(/^ — /, "")}`);
  else if (after.text !== before.text) changes.push(`texte : ${after.text}`);
  const headline: Record<string, string> = {
    update: "mis à jour",
    edit: "modifié par son auteur",
    complement: "complété",
    attachment: note?.startsWith("position") ? "position ajoutée" : "photo ajoutée",
    cancel: "RETIRÉ",
  };
  return message(
    line(
      "🔄 ",
      code(ref),
      ` v${version} — ${headline[change] ?? change}`,
      change === "cancel" && note ? ` (motif : ${note})` : "",
    ),
    ...changes.map((c) => line("• ", c)),
  );
}

export function renderWithdrawn(ref: string): Message {
  return message(
    line("🚫 ", code(ref), " n'est plus diffusé à ce salon (diffusion restreinte par son auteur ou le coordinateur)."),
  );
}

/** A cross-reference, for a room entitled to both reports. */
export function renderMatch(
  mine: CardReport,
  other: CardReport,
  entity: { kind: string; display: string },
  vocabulary: Vocabulary,
): Message {
  const crossService = mine.service !== other.service;
  return message(
    line("🔗 ", strong("Rapprochement"), " : ", code(mine.ref), " ↔ ", code(other.ref)),
    line(
      `${ICONS[entity.kind as Entity["kind"]] ?? "•"} ${entity.display} — ${vocabulary.serviceName(mine.service)} / ${vocabulary.serviceName(other.service)}`,
    ),
    ...(crossService
      ? [
          line(
            em("Corroboration entre services : l'auteur ou le coordinateur peut relever la crédibilité (ex. "),
            code(`!maj ${mine.ref} cotation=…`),
            em(")."),
          ),
        ]
      : []),
  );
}

/**
 * A match told quietly, in the thread of the room's card of the new report: a room entitled to both
 * reports whose service is neither's (the services concerned and the coordinator got the alert).
 */
export function renderMatchNote(
  report: CardReport,
  other: CardReport,
  entity: { kind: string; display: string },
  vocabulary: Vocabulary,
): Message {
  return message(
    line("🔗 ", strong("Rapprochement"), " : ", code(report.ref), " ↔ ", code(other.ref)),
    line(
      `${ICONS[entity.kind as Entity["kind"]] ?? "•"} ${entity.display} — ${vocabulary.serviceName(report.service)} / ${vocabulary.serviceName(other.service)}`,
    ),
    line(em("Pour information : les services concernés et le coordinateur sont alertés.")),
  );
}

/**
 * Several match alerts for one room in one message (the fan-out groups them when they wait behind
 * the budget): each keeps its own lines, starting with its 🔗, readable one by one on a phone.
 */
export function renderAlertGroup(alerts: readonly Message[]): Message {
  const blocks = [line("🔗 ", strong(`${alerts.length} rapprochements`), " ", em("(envoyés ensemble)"))];
  for (const alert of alerts) blocks.push(line(""), ...alert.blocks);
  return { blocks };
}

/**
 * Blind deconfliction: the room may see its own report but not the other one. It learns that a
 * match exists and that the coordinator knows — nothing of the other report.
 */
export function renderBlindMatch(mine: CardReport, entity: { kind: string; display: string }): Message {
  return message(
    line(
      "🔗 ",
      strong("Rapprochement"),
      " : votre renseignement ",
      code(mine.ref),
      " partage une entité avec un renseignement détenu par un autre service.",
    ),
    line(
      `${ICONS[entity.kind as Entity["kind"]] ?? "•"} ${entity.display} (de votre renseignement). Le coordinateur est informé et peut vous mettre en relation.`,
    ),
  );
}
