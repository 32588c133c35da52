/**
 * The tip as the triage room sees it: a card (unverified, cotation F6) with the hints, the pending
 * list, and the messages of the triage. Built as structure (src/core/message.ts): everything the
 * citizen typed is escaped there, once. Pure.
 */
import { type Block, code, em, line, message, type Message, strong, type Inline } from "../message.js";
import type { Hints } from "./hints.js";
import type { TipFields } from "./wire.js";

export type TipStatus = "pending" | "accepted" | "rejected" | "duplicate";

export interface TipView {
  number: number;
  receivedAt: number;
  status: TipStatus;
  pow: boolean;
  fields: TipFields;
  photo: boolean;
  position: { latitude: number; longitude: number } | null;
}

export interface CardContext {
  timeZone: string;
  typeLabel(key: string): string;
}

export const tipLabel = (n: number) => `n° ${n}`;

export function renderCard(tip: TipView, hints: Hints, ctx: CardContext): Message {
  const f = tip.fields;
  const facts: Inline[] = [strong(ctx.typeLabel(f.kind)), " · ", f.communeNom];
  if (f.place) facts.push(" · ", f.place);
  const details: string[] = [];
  if (f.when) details.push(`Quand : ${f.when}`);
  if (f.people !== null) details.push(`Personnes : ${f.people}`);
  if (f.vehicles) details.push(`Véhicules : ${f.vehicles}`);
  const blocks: Block[] = [
    line("📨 ", strong(`Signalement citoyen ${tipLabel(tip.number)}`), " — ", em("non vérifié"), " (cotation ", code("F6"), ")"),
    line(...facts),
    ...(details.length > 0 ? [line(details.join(" · "))] : []),
    ...f.description
      .split("\n")
      .filter(Boolean)
      .map((l) => ({ quote: [l] })),
  ];
  if (f.contact) blocks.push(line("Contact proposé : ", f.contact));
  if (tip.photo)
    blocks.push(
      line(
        tip.position ? "📷 Photo jointe (position gardée à la demande de l'auteur)" : "📷 Photo jointe (métadonnées retirées)",
      ),
    );
  if (tip.position) blocks.push(line(`📍 Position de la photo : ${tip.position.latitude}, ${tip.position.longitude}`));
  if (!tip.pow) blocks.push(line("⚠️ Envoyé sans JavaScript (sans preuve de travail) : prudence."));
  blocks.push(...renderHints(hints));
  blocks.push(line("Reçu le ", formatWhen(tip.receivedAt, ctx.timeZone), "."));
  blocks.push(
    line(
      "Décider : ",
      code(`!tri accepter ${tip.number} [champs…]`),
      " · ",
      code(`!tri rejeter ${tip.number} <motif>`),
      " · ",
      code(`!tri doublon ${tip.number} <réf>`),
      " · ",
      code(`!tri question ${tip.number} <texte>`),
    ),
  );
  return message(...blocks);
}

export function renderHints(hints: Hints): Block[] {
  const blocks: Block[] = [];
  if (hints.duplicateOf !== null)
    blocks.push(line("🔁 ", strong(`Doublon probable du signalement ${tipLabel(hints.duplicateOf)}`)));
  if (hints.reports.length > 0) {
    blocks.push(line("🔎 Renseignements connus : ", hints.reports.map((r) => `${r.ref} (${r.why})`).join(", ")));
  }
  if (hints.sameplace.length > 0) {
    blocks.push(line("📌 Autres signalements sur ce lieu : ", hints.sameplace.map(tipLabel).join(", ")));
  }
  if (blocks.length === 0) blocks.push(line(em("Aucun renseignement ni signalement connu sur ce lieu.")));
  return blocks;
}

export function renderPending(tips: readonly TipView[], ctx: CardContext, total: number): Message {
  if (tips.length === 0) return message(line("✅ Aucun signalement citoyen en attente de tri."));
  return message(
    line(strong(`📨 Signalements citoyens à trier : ${total}`), total > tips.length ? ` (les ${tips.length} plus anciens)` : ""),
    ...tips.map((tip) => {
      const where = [tip.fields.communeNom, tip.fields.place].filter(Boolean).join(", ");
      const excerpt = tip.fields.description.replace(/\s+/g, " ");
      return line(
        code(tipLabel(tip.number)),
        ` ${formatWhen(tip.receivedAt, ctx.timeZone)} · ${ctx.typeLabel(tip.fields.kind)} · ${where} — `,
        em(excerpt.length > 80 ? `${excerpt.slice(0, 79)}…` : excerpt),
      );
    }),
    line("Le détail est dans la carte de chaque signalement ; ", code("!tri accepter <n°>"), " pour en faire un renseignement."),
  );
}

/** The citizen's answer, posted in the tip's thread. */
export function renderAnswer(tipNumber: number, text: string): Message {
  return message(
    line("💬 ", strong(`Réponse de l'auteur du signalement ${tipLabel(tipNumber)}`), " (non vérifiée) :"),
    ...text
      .split("\n")
      .filter(Boolean)
      .map((l) => ({ quote: [l] })),
  );
}

export function renderReminder(tips: readonly TipView[], ctx: CardContext): Message {
  return message(
    line(
      "⏰ ",
      strong(`${tips.length} signalement${tips.length > 1 ? "s" : ""} citoyen${tips.length > 1 ? "s" : ""} en attente de tri`),
      " :",
    ),
    ...tips.map((t) =>
      line("• ", code(tipLabel(t.number)), ` reçu le ${formatWhen(t.receivedAt, ctx.timeZone)} · ${t.fields.communeNom}`),
    ),
    line("Dans le salon de tri : ", code("!tri"), " pour la liste."),
  );
}

export function formatWhen(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("fr-FR", {
    timeZone,
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(ms);
}
