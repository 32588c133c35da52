import { STRATEGY_DAYS } from "../../commands/strategie.js";
import type { FactType } from "../../core/report/fact-types.js";
import type { AgendaStrategy } from "../../core/rhythm/agenda.js";
import { parseTerritoryRequest } from "../../core/territory/request.js";
import type { Strategy } from "../../strategy/service.js";

/**
 * The strategy section of an agenda: what `!strategie` proposes in the room over its default
 * period (local days, computed the same way: the same ranking), and the assessments of adopted ones.
 */
export function agendaStrategy(deps: { strategy: Strategy; timeZone: string; types: readonly FactType[] }) {
  return async (roomKey: string, now: number): Promise<AgendaStrategy> => {
    const parsed = parseTerritoryRequest("", now, deps.timeZone, deps.types, STRATEGY_DAYS);
    if (!parsed.ok) throw new Error(parsed.problems.join(" "));
    const { period } = parsed.request;
    const result = await deps.strategy.proposals(roomKey, period, [], now);
    return {
      periodLabel: period.label,
      proposals: result.proposals,
      assessments: await deps.strategy.assessments(roomKey, now),
    };
  };
}
