/**
 * What `!carte` and `!tendances` were asked, from the words typed in any order:
 * a period (`30j` by default, `7j`, `mois`, `trimestre`, `depuis 01/09`), fact types, a scale
 * (`commune` by default, `canton`, `arrondissement`) and `comparer`. Pure: `now` is injected.
 */
import { tz } from "@date-fns/tz";
import { startOfQuarter, subDays } from "date-fns";
import { normaliseCommandName } from "../command-line.js";
import { type FactType, matchFactType } from "../report/fact-types.js";
import { parsePeriod } from "../rhythm/period.js";
import type { Period } from "../rhythm/types.js";

export type Scale = "commune" | "canton" | "arrondissement";

export interface TerritoryRequest {
  period: Period;
  types: FactType[];
  scale: Scale;
  compare: boolean;
  /** Words understood loosely, echoed back ("compris : deal → Point de deal"). */
  guessed: string[];
}

export type RequestResult = { ok: true; request: TerritoryRequest } | { ok: false; problems: string[] };

const SCALES: Record<string, Scale> = {
  commune: "commune",
  communes: "commune",
  canton: "canton",
  cantons: "canton",
  arrondissement: "arrondissement",
  arrondissements: "arrondissement",
  arr: "arrondissement",
};
const COMPARE = new Set(["comparer", "compare", "comparaison", "vs", "evolution"]);
const PERIOD_WORD = /^(\d+ ?(?:j|jours?|h|heures?)|semaine|mois|trimestre)$/;

export function parseTerritoryRequest(
  text: string,
  now: number,
  timeZone: string,
  types: readonly FactType[],
  defaultDays = 30,
): RequestResult {
  const words = text.trim() === "" ? [] : text.trim().split(/\s+/);
  const problems: string[] = [];
  const chosen: FactType[] = [];
  const guessed: string[] = [];
  let periodText: string | null = null;
  let scale: Scale = "commune";
  let compare = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    const norm = normaliseCommandName(word);
    const next = normaliseCommandName(words[i + 1] ?? "");
    if (norm === "depuis") {
      periodText = `depuis ${words[i + 1] ?? ""}`.trim();
      i++;
    } else if (/^\d+$/.test(norm) && /^(j|jours?|h|heures?)$/.test(next)) {
      periodText = `${norm}${next}`;
      i++;
    } else if (PERIOD_WORD.test(norm)) {
      periodText = norm;
    } else if (SCALES[norm]) {
      scale = SCALES[norm];
    } else if (COMPARE.has(norm)) {
      compare = true;
    } else {
      const type = matchFactType(word, types);
      if (type.ok) {
        if (!chosen.includes(type.type)) chosen.push(type.type);
        if (type.guessed) guessed.push(`${word} → ${type.type.label}`);
      } else {
        problems.push(
          `« ${word} » n'est ni une période (30j, 7j, mois, trimestre, depuis 01/09), ni une échelle (commune, canton, arrondissement), ni un type de fait.`,
        );
      }
    }
  }
  const period = parseMapPeriod(periodText, now, timeZone, defaultDays);
  if (!period.ok) problems.push(period.error);
  if (problems.length > 0 || !period.ok) return { ok: false, problems };
  return { ok: true, request: { period: period.period, types: chosen, scale, compare, guessed } };
}

function parseMapPeriod(
  text: string | null,
  now: number,
  timeZone: string,
  defaultDays: number,
): { ok: true; period: Period } | { ok: false; error: string } {
  const inZone = { in: tz(timeZone) };
  if (text === null)
    return { ok: true, period: { from: subDays(now, defaultDays, inZone).getTime(), to: now, label: `${defaultDays} jours` } };
  if (text === "trimestre")
    return { ok: true, period: { from: startOfQuarter(now, inZone).getTime(), to: now, label: "trimestre en cours" } };
  const parsed = parsePeriod(text, now, timeZone);
  if (!parsed.ok)
    return { ok: false, error: parsed.error.replace(/Exemples : .*$/, "Exemples : 30j, 7j, mois, trimestre, depuis 01/09.") };
  return parsed;
}
