import { z } from "zod";
import type { CaptureDeps } from "../app/capture-deps.js";
import { consulter, journalConsultation, visibleIn } from "../app/lookups.js";
import { ALL_ROLES, defineCommand } from "../core/command.js";
import { formatObserved } from "../core/fr/when.js";
import { bullets, code, em, type Inline, line, message, type Message } from "../core/message.js";
import { gradeCode } from "../core/report/grading.js";
import type { Vocabulary } from "../core/report/render.js";
import { parseSearch } from "../core/report/search-query.js";
import type { StoredReport } from "../store/reports.js";

const SHOWN = 10;

type SearchResult =
  { ok: false; problems: string[] } | { ok: true; reports: StoredReport[]; total: number; vocabulary: Vocabulary };

export const cherche = defineCommand({
  name: "cherche",
  aliases: ["search", "chercher", "recherche"],
  summary: "Cherche dans les renseignements que ce salon peut voir (texte, plaque, téléphone), du plus récent au plus ancien.",
  details: ["Filtres : commune:epinal type:deal depuis:7j (ou depuis:12/11) service:ddsp. Ex. !cherche AB123CD depuis:30j"],
  roles: ALL_ROLES,
  params: [{ name: "termes", description: "mots, plaque, téléphone, filtres", rest: true }],
  schema: z.object({ termes: z.string() }),
  async execute(invocation, deps: { capture: CaptureDeps }): Promise<SearchResult> {
    const { capture } = deps;
    const query = parseSearch(invocation.rawArgs, capture.captureContext(new Date(invocation.sentAt)));
    if (query.problems.length > 0) return { ok: false, problems: query.problems };
    const visible = visibleIn(await capture.reports.search(query), invocation.roomKey, capture);
    const shown = visible.slice(0, SHOWN);
    await journalConsultation(capture, consulter(invocation), shown, "!cherche");
    return { ok: true, reports: shown, total: visible.length, vocabulary: capture.vocabulary };
  },
  render(result: SearchResult): Message {
    if (!result.ok) return message(line("Recherche non comprise :"), bullets(result.problems.map((p) => [p])));
    if (result.total === 0) return message(line("🔎 Aucun renseignement trouvé parmi ceux que ce salon peut voir."));
    return message(
      line(
        `🔎 ${result.total} renseignement${result.total > 1 ? "s" : ""}${result.total > SHOWN ? ` (les ${SHOWN} plus récents)` : ""} :`,
      ),
      bullets(result.reports.map((r) => summaryLine(r, result.vocabulary))),
      ...(result.total > SHOWN ? [line(em("Affinez avec commune:, type:, depuis:, service:."))] : []),
      line(em("Détail : "), code("!voir <référence>")),
    );
  },
  verdict: (result: SearchResult) => (result.ok ? "ok" : "ko"),
});

/** One report on one phone line. */
export function summaryLine(report: StoredReport, vocabulary: Vocabulary): Inline[] {
  const f = report.fields;
  const type = vocabulary.types.find((t) => t.key === f.type)?.label ?? f.type;
  return [
    code(report.ref),
    ` ${type} · ${f.commune.nom} · ${formatObserved(new Date(f.observedAt), f.observedPrecision, vocabulary.timeZone)} · ${report.service} · ${gradeCode(f.grade)}`,
    ...(report.status === "cancelled" ? [" · retiré"] : []),
  ];
}
