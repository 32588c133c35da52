import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { consulter, journalConsultation, visibleIn } from "../app/lookups.js";
import { ALL_ROLES, defineCommand } from "../core/command.js";
import { type Entity, normaliseAddress, normalisePerson, normalisePhone, normalisePlate } from "../core/fr/entities.js";
import { bullets, code, em, line, message, type Message, strong } from "../core/message.js";
import type { Vocabulary } from "../core/report/render.js";
import type { StoredReport } from "../store/reports.js";
import { summaryLine } from "./cherche.js";

type FicheResult = { ok: false; error: string } | { ok: true; entity: Entity; reports: StoredReport[]; vocabulary: Vocabulary };

const ICONS: Record<Entity["kind"], string> = { plate: "🚗", phone: "📞", address: "📍", person: "👤" };

export const fiche = defineCommand({
  name: "fiche",
  aliases: ["entite", "profil"],
  summary: "Tout ce que ce salon peut voir sur une plaque, un téléphone, un lieu ou une personne, dans l'ordre chronologique.",
  details: ['Ex. !fiche AB-123-CD · !fiche 06 12 34 56 78 · !fiche personne "X dit Le Gitan" · !fiche lieu "rue de la Gare"'],
  roles: ALL_ROLES,
  params: [{ name: "entité", description: "plaque, téléphone, « personne … » ou « lieu … »", rest: true }],
  schema: z.object({ entité: z.string() }),
  async execute(invocation, deps: { capture: CaptureDeps }): Promise<FicheResult> {
    const { capture } = deps;
    const entity = readEntity(invocation.rawArgs.trim());
    if (!entity) {
      return {
        ok: false,
        error: `Entité non reconnue : « ${invocation.rawArgs.trim()} ». Ex. !fiche AB-123-CD, !fiche 0612345678, !fiche personne "Le Gitan".`,
      };
    }
    const visible = visibleIn(await capture.reports.withEntity(entity.kind, entity.value), invocation.roomKey, capture).sort(
      (a, b) => a.fields.observedAt.localeCompare(b.fields.observedAt),
    );
    await journalConsultation(capture, consulter(invocation), visible, `!fiche ${entity.kind}`);
    return { ok: true, entity, reports: visible, vocabulary: capture.vocabulary };
  },
  render(result: FicheResult): Message {
    if (!result.ok) return message(line(result.error));
    const services = new Set(result.reports.map((r) => r.service));
    return message(
      line(
        `${ICONS[result.entity.kind]} `,
        strong(result.entity.display),
        ` — ${result.reports.length} renseignement${result.reports.length > 1 ? "s" : ""}${services.size > 1 ? `, ${services.size} services` : ""}`,
      ),
      ...(result.reports.length > 0
        ? [bullets(result.reports.map((r) => summaryLine(r, result.vocabulary)))]
        : [line(em("Rien parmi ce que ce salon peut voir."))]),
      line(em("Détail : "), code("!voir <référence>")),
    );
  },
});

function readEntity(text: string): Entity | null {
  const prefixed = /^(personne|individu|nom|lieu|adresse)\s+(.+)$/i.exec(text);
  if (prefixed) {
    const value = (prefixed[2] ?? "").replace(/^["“«‘]\s*|\s*["”»’]$/g, "");
    const result = /^(lieu|adresse)$/i.test(prefixed[1] ?? "") ? normaliseAddress(value) : normalisePerson(value);
    return result.ok ? result.entity : null;
  }
  for (const normalise of [normalisePlate, normalisePhone]) {
    const result = normalise(text);
    if (result.ok) return result.entity;
  }
  return null;
}
