import type { Classified } from "../core/policy.js";
import type { FactType } from "../core/report/fact-types.js";
import { previousPeriod } from "../core/rhythm/period.js";
import type { Period } from "../core/rhythm/types.js";
import type { Assessment, Proposal, StrategySettings } from "../core/strategy/score.js";
import { rankProposals } from "../core/strategy/score.js";
import { repeatedPlaces } from "../core/territory/hotspots.js";
import type { RhythmStore } from "../store/rhythm.js";
import type { StrategyStore } from "../store/strategy.js";
import type { TerritoryStore } from "../store/territory.js";
import { type TerritoryFrame, vosgesFrame } from "../territory/frame.js";
import { diffusionOf } from "../territory/service.js";

export interface StrategyDeps {
  territory: TerritoryStore;
  store: StrategyStore;
  rhythm: Pick<RhythmStore, "action">;
  /** THE diffusion policy, bound to the configuration and frozen rooms (CaptureDeps.roomMaySee). */
  roomMaySee(report: Classified, roomKey: string): boolean;
  /** Whether a room may see an action (CaptureDeps.roomMaySeeAction). */
  roomMaySeeAction(action: { service: string; report: Classified | null }, roomKey: string): boolean;
  types: readonly FactType[];
  settings: StrategySettings;
  frame?: TerritoryFrame;
}

export interface StrategyResult {
  period: Period;
  previous: Period;
  proposals: Proposal[];
  /** Facts of the period the room may see (the total `!carte` shows). */
  total: number;
}

const DAY = 86_400_000;

/**
 * Proposals and assessments for one room, from the facts THAT room may see: the distinct diffusion
 * classes of the window go through the policy one by one (as the territory does), and SQL reads
 * only the classes it allowed.
 */
export function strategy(deps: StrategyDeps) {
  const frame = () => deps.frame ?? vosgesFrame();

  async function allowed(roomKey: string, from: number, to: number): Promise<string[]> {
    const classes = await deps.territory.classes({ from, to });
    return classes
      .filter((c) => {
        const diffusion = diffusionOf(c);
        return diffusion !== null && deps.roomMaySee({ service: c.service, diffusion }, roomKey);
      })
      .map((c) => c.key);
  }

  async function count(roomKey: string, commune: string, types: readonly string[], from: number, to: number) {
    if (to <= from) return 0;
    const facts = await deps.store.facts({ from, to }, await allowed(roomKey, from, to), types);
    return facts.filter((f) => f.commune === commune).length;
  }

  return {
    async proposals(roomKey: string, period: Period, types: readonly FactType[], now: number): Promise<StrategyResult> {
      const previous = previousPeriod(period);
      const classes = await allowed(roomKey, previous.from, period.to);
      const typeKeys = types.map((t) => t.key);
      const [groups, placeRows] = await Promise.all([
        deps.store.factGroups(period, previous, classes, typeKeys, now, deps.settings.halfLifeDays),
        deps.territory.places(period, { classes, types: typeKeys }, 2),
      ]);
      const places = repeatedPlaces(placeRows);
      const f = frame();
      const names = new Map(f.communes.map((c) => [c.code, c.nom]));
      const neighbours = new Map(f.communes.map((c) => [c.code, c.neighbours]));
      const proposals = rankProposals({
        now,
        period,
        previous,
        groups,
        places,
        communeName: (code) => names.get(code) ?? code,
        neighbours: (code) => neighbours.get(code) ?? [],
        typeLabel: (key) => deps.types.find((t) => t.key === key)?.label ?? key,
        settings: deps.settings,
      });
      const total = groups.reduce((n, g) => n + (g.side === "current" ? g.n : 0), 0);
      return { period, previous, proposals, total };
    },

    /**
     * Before/after of the adopted proposals whose action the room may see: the same window length
     * on both sides of the adoption, counted from what the room may see. The before figure kept at
     * adoption is shown in the room that adopted it; another room gets its own count.
     */
    async assessments(roomKey: string, now: number): Promise<Assessment[]> {
      const result: Assessment[] = [];
      for (const a of await deps.store.adopted()) {
        if (a.adoptedAt > now) continue;
        const action = await deps.rhythm.action(a.actionId);
        if (!action || !deps.roomMaySeeAction({ service: action.service, report: null }, roomKey)) continue;
        const end = Math.min(now, a.adoptedAt + a.spanMs);
        const before =
          a.roomKey === roomKey ? a.before : await count(roomKey, a.commune, a.types, a.adoptedAt - a.spanMs, a.adoptedAt);
        result.push({
          id: a.id,
          nom: a.nom,
          place: a.place,
          service: a.service,
          actionId: a.actionId,
          adoptedAt: a.adoptedAt,
          due: action.due,
          before,
          // Observation times are stored to the minute: a fact of the adoption's minute counts after.
          after: await count(roomKey, a.commune, a.types, a.adoptedAt - (a.adoptedAt % 60_000), end + 1),
          elapsedDays: Math.floor((end - a.adoptedAt) / DAY),
          spanDays: Math.round(a.spanMs / DAY),
          actionDone: action.status === "done",
        });
      }
      return result;
    },
  };
}

export type Strategy = ReturnType<typeof strategy>;
