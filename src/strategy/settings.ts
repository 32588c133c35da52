import type { ConfigFile } from "../config/schema.js";
import { DEFAULT_HARM, DEFAULT_LEVERS, type StrategySettings } from "../core/strategy/score.js";

/** The configured weights and levers over the documented defaults. */
export function strategySettings(config: Pick<ConfigFile, "strategy">): StrategySettings {
  return {
    harm: { ...DEFAULT_HARM, ...config.strategy.harm },
    halfLifeDays: config.strategy.half_life_days,
    levers: { ...DEFAULT_LEVERS, ...config.strategy.levers },
  };
}
