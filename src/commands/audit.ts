import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { findVisibleReport } from "../app/lookups.js";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { referencesIn } from "../core/report/report.js";
import { bullets, code, line, message, type Message, strong } from "../core/message.js";
import type { AuditAction, AuditJournal } from "../store/audit.js";

const ACTIONS: Record<AuditAction, string> = {
  collect: "collecte",
  modify: "modification",
  cancel: "retrait",
  consult: "consultation",
  communicate: "communication",
  match: "rapprochement",
  purge: "suppression (conservation échue)",
};

type AuditResult = { ok: false; error: string } | { ok: true; message: Message };

export const audit = defineCommand({
  name: "audit",
  aliases: ["journal", "tracabilite"],
  summary: "Journal d'un renseignement : collecte, modifications, consultations, communications (coordinateur).",
  roles: COORDINATOR_ONLY,
  params: [{ name: "référence", description: "ex. 88-2026-40317" }],
  schema: z.object({ référence: z.string() }),
  async execute(
    invocation,
    deps: { audit: Pick<AuditJournal, "forRef" | "verify">; capture: CaptureDeps },
  ): Promise<AuditResult> {
    // Even the journal goes through the policy: the room must be entitled to the report.
    const found = await findVisibleReport(invocation.args.référence, invocation.roomKey, deps.capture);
    if (!found.ok) return { ok: false, error: found.error };
    const ref = found.report.ref;
    await deps.capture.journal({
      at: invocation.sentAt,
      actor: invocation.sender.userId,
      action: "consult",
      ref,
      room: invocation.roomKey,
      detail: "!audit",
    });
    const [all, chain] = await Promise.all([deps.audit.forRef(ref, 60), deps.audit.verify()]);
    // Each line passes the policy on its own: an entry about a match, or about a room, names other
    // reports (a `service` report matched by this one) that this room may not even know exist.
    const visible = new Map<string, boolean>([[ref, true]]);
    const entries = [];
    for (const entry of all) {
      let shown = true;
      for (const other of referencesIn(`${entry.ref ?? ""} ${entry.detail}`)) {
        if (!visible.has(other)) visible.set(other, (await findVisibleReport(other, invocation.roomKey, deps.capture)).ok);
        if (!visible.get(other)) shown = false;
      }
      if (shown) entries.push(entry);
    }
    const tz = deps.capture.vocabulary.timeZone;
    return {
      ok: true,
      message: message(
        line(strong("Journal de "), code(ref), ` — ${entries.length} entrée${entries.length > 1 ? "s" : ""}`),
        bullets(
          entries.map((e) => [
            `${formatLocal(new Date(e.at), tz)} · ${ACTIONS[e.action]} · ${e.actor}${e.room ? ` · salon ${e.room}` : ""} · ${e.detail}`,
          ]),
        ),
        chain.ok
          ? line("🔒 Chaîne d'intégrité vérifiée (", String(chain.entries), " entrées).")
          : line(
              "⚠️ ",
              strong("Chaîne d'intégrité rompue"),
              ` à l'entrée ${chain.brokenAt} : ${chain.reason}. Prévenez l'administrateur.`,
            ),
      ),
    };
  },
  render: (result: AuditResult) => (result.ok ? result.message : message(line(result.error))),
  verdict: (result: AuditResult) => (result.ok ? "ok" : "ko"),
});
