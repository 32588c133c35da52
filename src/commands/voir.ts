import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { consulter, findVisibleReport, journalConsultation } from "../app/lookups.js";
import { ALL_ROLES, defineCommand } from "../core/command.js";
import { bullets, code, line, message, type Message, strong } from "../core/message.js";
import { formatLocal } from "../core/fr/when.js";
import { describeFields } from "../core/report/render.js";
import type { Change } from "../store/reports.js";

const CHANGES: Record<Change, string> = {
  create: "création",
  update: "mise à jour",
  edit: "modification du message",
  complement: "complément",
  attachment: "pièce jointe",
  cancel: "retrait",
};

type ShowResult = { ok: false; error: string } | { ok: true; message: Message };

export const voir = defineCommand({
  name: "voir",
  aliases: ["show", "fiche-rens", "afficher"],
  summary: "Affiche un renseignement et son historique, s'il est diffusé à ce salon.",
  roles: ALL_ROLES,
  params: [{ name: "référence", description: "ex. 88-2026-40317" }],
  schema: z.object({ référence: z.string() }),
  async execute(invocation, deps: { capture: CaptureDeps }): Promise<ShowResult> {
    const { capture } = deps;
    const found = await findVisibleReport(invocation.args.référence, invocation.roomKey, capture);
    if (!found.ok) return found;
    const { report } = found;
    await journalConsultation(capture, consulter(invocation), [report], "!voir");
    const tz = capture.vocabulary.timeZone;
    const [history, attachments] = await Promise.all([
      capture.reports.history(report.id),
      capture.reports.attachments(report.id),
    ]);
    const status = report.status === "cancelled" ? " — RETIRÉ" : "";
    return {
      ok: true,
      message: message(
        line(strong("Renseignement "), code(report.ref), strong(status)),
        line(
          strong("Origine : "),
          capture.vocabulary.serviceName(report.service),
          ` — ${report.author}, ${formatLocal(new Date(report.createdAt), tz)}`,
        ),
        ...describeFields(report.fields, capture.vocabulary).map((l) => line(...l)),
        ...(attachments.length > 0
          ? [
              line(strong("Pièces jointes :")),
              bullets(
                attachments.map((a) => [
                  a.kind === "image" ? "📷 photo" : `📍 position ${a.geoUri ?? ""}`,
                  ` (v${a.version}, ${a.addedBy})`,
                ]),
              ),
            ]
          : []),
        line(strong("Historique :")),
        bullets(
          history.map((v) => [
            `v${v.version} ${CHANGES[v.change]} — ${v.changedBy}, ${formatLocal(new Date(v.changedAt), tz)}`,
            ...(v.note ? [` : ${v.note}`] : []),
          ]),
        ),
      ),
    };
  },
  render: (result: ShowResult) => (result.ok ? result.message : message(line(result.error))),
  verdict: (result: ShowResult) => (result.ok ? "ok" : "ko"),
});
