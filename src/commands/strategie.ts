import { z } from "zod";
import { ALL_ROLES, defineCommand } from "../core/command.js";
import { bullets, code, em, line, message, type Message, strong, type Block } from "../core/message.js";
import type { Proposal } from "../core/strategy/score.js";
import { parseTerritoryRequest } from "../core/territory/request.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import type { StrategyResult } from "../strategy/service.js";
import { problemsText } from "./carte.js";
import { formatScore, placeLabel, shortDate, type StrategyCommandDeps } from "./strategie-shared.js";

type StrategieResult =
  | { kind: "list"; result: StrategyResult; shown: Proposal[]; timeZone: string; halfLifeDays: number }
  | { kind: "problems"; problems: string[] };

/** Default period scored, and number of proposals shown. */
export const STRATEGY_DAYS = 90;
export const STRATEGY_SHOWN = 5;
const MAX_SHOWN = 20;

export const strategie = defineCommand({
  name: "strategie",
  aliases: ["strategy"],
  summary: "Stratégie locale : où agir, pourquoi (chiffres à l'appui), avec quels leviers.",
  details: [
    `Période : ${STRATEGY_DAYS}j (défaut), 30j, mois, trimestre, depuis 01/09 ; nombre de propositions (${STRATEGY_SHOWN} par défaut) ; types facultatifs. Ex. !strategie 30j 10`,
    "Score = gravité du type × fiabilité de la cotation × ancienneté (demi-vie configurable), sur ce que ce salon peut voir.",
  ],
  roles: ALL_ROLES,
  params: [{ name: "options", description: "période, nombre, types", optional: true, rest: true }],
  schema: z.object({ options: z.string().optional() }),
  async execute(invocation, deps: StrategyCommandDeps & { rhythm: RhythmDeps }): Promise<StrategieResult> {
    const { timeZone, types, service, store, halfLifeDays } = deps.strategy;
    const words = invocation.rawArgs.trim() === "" ? [] : invocation.rawArgs.trim().split(/\s+/);
    // A bare number not followed by a unit is how many proposals to show.
    let shown = STRATEGY_SHOWN;
    const rest: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i] ?? "";
      const next = words[i + 1] ?? "";
      if (/^\d+$/.test(word) && !/^(j|jours?|h|heures?)$/i.test(next) && words[i - 1]?.toLowerCase() !== "depuis") {
        const n = Number(word);
        if (n < 1 || n > MAX_SHOWN)
          return { kind: "problems", problems: [`Nombre de propositions : de 1 à ${MAX_SHOWN} (ex. !strategie 10).`] };
        shown = n;
      } else rest.push(word);
    }
    const parsed = parseTerritoryRequest(rest.join(" "), invocation.sentAt, timeZone, types, STRATEGY_DAYS);
    if (!parsed.ok) return { kind: "problems", problems: parsed.problems };
    if (parsed.request.scale !== "commune" || parsed.request.compare)
      return {
        kind: "problems",
        problems: ["!strategie classe les communes et compare déjà à la période précédente : retirez l'échelle et « comparer »."],
      };
    const { period } = parsed.request;
    const result = await service.proposals(invocation.roomKey, period, parsed.request.types, invocation.sentAt);
    const top = result.proposals.slice(0, shown);
    await store.saveShown(
      invocation.roomKey,
      invocation.sentAt,
      top.map((p) => ({
        rank: p.rank,
        commune: p.commune,
        nom: p.nom,
        place: p.place?.display ?? null,
        score: p.score,
        current: p.current,
        previous: p.previous,
        because: p.because,
        levers: p.levers,
        types: parsed.request.types.map((t) => t.key),
        periodFrom: period.from,
        periodTo: period.to,
        periodLabel: period.label,
      })),
    );
    return { kind: "list", result, shown: top, timeZone, halfLifeDays };
  },
  render: (r: StrategieResult): Message =>
    r.kind === "list" ? strategyText(r.result, r.shown, r.timeZone, r.halfLifeDays) : problemsText("strategie", r.problems),
  verdict: (r: StrategieResult) => (r.kind === "list" ? "ok" : "ko"),
});

/** One proposal, phone-sized: where and score, the « parce que » lines, the last fact, the levers. */
export function proposalBlocks(p: Proposal, timeZone: string): Block[] {
  const tags = p.flags.length > 0 ? ` · ${p.flags.map((f) => f.label).join(" · ")}` : "";
  return [
    line(strong(`${p.rank}. ${placeLabel(p.nom, p.place?.display ?? null)}`), ` — score ${formatScore(p.score)}${tags}`),
    bullets(p.because.map((b) => [`parce que ${b}`])),
    line(
      em(`Dernier fait le ${shortDate(p.lastFact, timeZone)}`),
      ...(p.levers.length > 0 ? [" · Leviers : ", p.levers.join(" ; ")] : []),
    ),
  ];
}

export function strategyText(result: StrategyResult, shown: Proposal[], timeZone: string, halfLifeDays: number): Message {
  const head = line(
    strong(`🧭 Stratégie locale — ${result.period.label}`),
    ` : ${result.proposals.length} commune${result.proposals.length > 1 ? "s" : ""} concernée${result.proposals.length > 1 ? "s" : ""}, ${result.total} fait${result.total > 1 ? "s" : ""} que ce salon peut voir.`,
  );
  if (shown.length === 0)
    return message(
      head,
      line("Aucun fait sur la période : pas de proposition. Essayez une période plus longue, ex. !strategie trimestre."),
    );
  return message(
    head,
    ...shown.flatMap((p) => proposalBlocks(p, timeZone)),
    line(em(`Score : gravité × fiabilité (cotation) × ancienneté (demi-vie ${halfLifeDays} j).`)),
    line("Adopter : ", code("!strategie adopter <n°> <service> <échéance>"), "."),
  );
}
