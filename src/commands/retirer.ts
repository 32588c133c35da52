import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { findVisibleReport, mayChange } from "../app/lookups.js";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { code, line, message } from "../core/message.js";

type CancelResult = { ok: false; error: string } | { ok: true; ref: string; reason: string; already: boolean };

export const retirer = defineCommand({
  name: "retirer",
  aliases: ["cancel", "annuler-rens", "retrait"],
  summary: "Retire un renseignement (auteur ou coordinateur), avec le motif : il reste conservé et marqué retiré.",
  roles: MEMBER_ROLES,
  params: [
    { name: "référence", description: "ex. 88-2026-40317" },
    { name: "motif", description: "la raison du retrait", rest: true },
  ],
  schema: z.object({ référence: z.string(), motif: z.string().min(3, "précisez le motif du retrait") }),
  async execute(invocation, deps: { capture: CaptureDeps }): Promise<CancelResult> {
    const { capture } = deps;
    const found = await findVisibleReport(invocation.args.référence, invocation.roomKey, capture);
    if (!found.ok) return found;
    const { report } = found;
    if (!mayChange(report, invocation.sender.userId, capture)) {
      return { ok: false, error: `Seul l'auteur de ${report.ref} ou le coordinateur peut le retirer.` };
    }
    if (report.status === "cancelled") return { ok: true, ref: report.ref, reason: invocation.args.motif, already: true };
    await capture.write.withdraw(report, invocation.sender.userId, invocation.sentAt, invocation.eventId, invocation.args.motif);
    return { ok: true, ref: report.ref, reason: invocation.args.motif, already: false };
  },
  render: (result: CancelResult) =>
    result.ok
      ? message(
          line(
            result.already ? "Déjà retiré : " : "Retiré : ",
            code(result.ref),
            ` — motif : ${result.reason}. Il reste conservé et consultable (!voir).`,
          ),
        )
      : message(line(result.error)),
  verdict: (result: CancelResult) => (result.ok ? "ok" : "ko"),
});
