import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { confirmationFor } from "../app/confirm.js";
import { findVisibleReport, mayChange } from "../app/lookups.js";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { bullets, line, message, type Message } from "../core/message.js";
import { parseFieldsOnto } from "../core/report/parse-line.js";
import { isComplete } from "../core/report/report.js";

type UpdateResult = { ok: false; message: Message } | { ok: true; message: Message };

export const update = defineCommand({
  name: "maj",
  aliases: ["update", "modifier", "corriger"],
  summary: "Modifie des champs d'un renseignement (auteur ou coordinateur) : une nouvelle version, l'historique est gardé.",
  details: ["Ex. !maj 88-2026-40317 commune=golbey cotation=B2 — un texte libre ajouté devient un complément."],
  roles: MEMBER_ROLES,
  params: [
    { name: "référence", description: "ex. 88-2026-40317" },
    { name: "champs", description: "clé=valeur… (comme pour !report)", rest: true },
  ],
  schema: z.object({ référence: z.string(), champs: z.string() }),
  async execute(invocation, deps: { capture: CaptureDeps }): Promise<UpdateResult> {
    const { capture } = deps;
    const found = await findVisibleReport(invocation.args.référence, invocation.roomKey, capture);
    if (!found.ok) return { ok: false, message: message(line(found.error)) };
    const { report } = found;
    if (!mayChange(report, invocation.sender.userId, capture)) {
      return { ok: false, message: message(line(`Seul l'auteur de ${report.ref} ou le coordinateur peut le modifier.`)) };
    }
    if (report.status === "cancelled")
      return { ok: false, message: message(line(`${report.ref} a été retiré : il ne peut plus être modifié.`)) };
    const fieldsText = invocation.rawArgs.trim().slice(invocation.rawArgs.trim().split(/\s+/)[0]?.length ?? 0);
    const parsed = parseFieldsOnto(fieldsText, report.fields, capture.captureContext(new Date(invocation.sentAt)));
    if (parsed.problems.length > 0 || !isComplete(parsed.draft)) {
      return {
        ok: false,
        message: message(line(`${report.ref} n'est pas modifié :`), bullets(parsed.problems.map((p) => [p.message]))),
      };
    }
    const { report: updated } = await capture.write.amend(
      report.id,
      "update",
      parsed.draft,
      invocation.sender.userId,
      invocation.sentAt,
      invocation.eventId,
      [...parsed.given].join(", "),
    );
    return {
      ok: true,
      message: confirmationFor(
        updated,
        parsed.notes,
        invocation.roomKey,
        capture,
        `Renseignement mis à jour (v${updated.version})`,
      ),
    };
  },
  render: (result: UpdateResult) => result.message,
  verdict: (result: UpdateResult) => (result.ok ? "ok" : "ko"),
});
