import { TZDate } from "@date-fns/tz";
import type { FactType } from "../core/report/fact-types.js";
import type { Strategy } from "../strategy/service.js";
import type { StrategyStore } from "../store/strategy.js";

/** What `!strategie` and `!strategie adopter` need. */
export interface StrategyCommandDeps {
  strategy: {
    service: Strategy;
    store: StrategyStore;
    timeZone: string;
    types: readonly FactType[];
    halfLifeDays: number;
  };
}

/** "28/11" in the cell's time zone: phone-sized. */
export function shortDate(at: number, timeZone: string): string {
  const local = new TZDate(at, timeZone);
  return `${String(local.getDate()).padStart(2, "0")}/${String(local.getMonth() + 1).padStart(2, "0")}`;
}

/** "12,3": one decimal, French style. */
export const formatScore = (score: number) => (Math.round(score * 10) / 10).toFixed(1).replace(".", ",");

/** "Épinal" or "rue de la Gare (Épinal)". */
export const placeLabel = (nom: string, place: string | null) => (place ? `${place} (${nom})` : nom);
