import { z } from "zod";
import { MEMBER_ROLES, defineCommand, type Reply } from "../core/command.js";
import { bullets, em, line, message, type Message, strong } from "../core/message.js";
import { MIN_FACTS } from "../core/territory/compare.js";
import { parseTerritoryRequest } from "../core/territory/request.js";
import type { TrendsData } from "../core/territory/types.js";
import { periodSpan, renderTrends } from "../territory/render.js";
import { problemsText, type TerritoryCommandDeps } from "./carte.js";

type TrendsResult = { ok: false; problems: string[] } | { ok: true; data: TrendsData };

export const tendances = defineCommand({
  name: "tendances",
  aliases: ["trends", "tendance"],
  summary: "Tendances : renseignements par semaine et par type, communes en hausse ou en baisse (image et résumé).",
  details: ["Période : 30j (défaut), 7j, mois, trimestre, depuis 01/09 ; types facultatifs. Ex. !tendances trimestre deal"],
  // Not for referents: a matter room sees its grants only, never a map of the département.
  roles: MEMBER_ROLES,
  params: [{ name: "options", description: "période, types", optional: true, rest: true }],
  schema: z.object({ options: z.string().optional() }),
  async execute(invocation, deps: TerritoryCommandDeps): Promise<TrendsResult> {
    const { timeZone, types } = deps.territoryContext;
    const parsed = parseTerritoryRequest(invocation.rawArgs, invocation.sentAt, timeZone, types);
    if (!parsed.ok) return { ok: false, problems: parsed.problems };
    if (parsed.request.scale !== "commune" || parsed.request.compare)
      return {
        ok: false,
        problems: ["!tendances compare déjà à la période précédente, par commune : retirez l'échelle et « comparer »."],
      };
    return { ok: true, data: await deps.territory.trends(invocation.roomKey, parsed.request.period, parsed.request.types) };
  },
  render: (result: TrendsResult): Reply =>
    result.ok
      ? { message: trendsText(result.data), images: [renderTrends(result.data)] }
      : { message: problemsText("tendances", result.problems) },
  verdict: (result: TrendsResult) => (result.ok ? "ok" : "ko"),
});

export function trendsText(data: TrendsData): Message {
  const types = data.typeLabels.length > 0 ? data.typeLabels.join(", ") : "tous types";
  const perType = data.types
    .map((t) => ({ label: t.label, n: data.weeks.reduce((sum, w) => sum + (w.counts[t.key] ?? 0), 0) }))
    .filter((t) => t.n > 0)
    .sort((a, b) => b.n - a.n);
  const up = data.changes.filter((c) => c.trend === "hausse");
  const down = data.changes.filter((c) => c.trend === "baisse");
  const few = data.changes.filter((c) => c.trend === "trop peu de faits").length;
  return message(
    line(strong(`📈 Tendances — ${data.period.label}`), ` (${periodSpan(data.period, data.timeZone)}), ${types}.`),
    line(
      `Ce salon voit ${data.total} renseignement${data.total > 1 ? "s" : ""} sur la période (période précédente : ${data.previousTotal}).`,
    ),
    ...(perType.length > 0 ? [line(strong("Par type : "), perType.map((t) => `${t.label} ${t.n}`).join(" · "))] : []),
    ...(up.length > 0 ? [line(strong("En hausse :")), bullets(up.map((c) => [`${c.nom} : ${c.previous} → ${c.current}`]))] : []),
    ...(down.length > 0
      ? [line(strong("En baisse :")), bullets(down.map((c) => [`${c.nom} : ${c.previous} → ${c.current}`]))]
      : []),
    ...(up.length + down.length === 0
      ? [line("Aucune commune en hausse ou en baisse significative (test exact, FDR 5 %).")]
      : []),
    ...(few > 0 ? [line(`${few} commune${few > 1 ? "s" : ""} : trop peu de faits pour conclure (moins de ${MIN_FACTS}).`)] : []),
    line(em("Graphique en image dans ce fil.")),
  );
}
