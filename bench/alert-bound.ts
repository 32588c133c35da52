/**
 * The best any fan-out could do for `bench/fanout.ts`'s burst at 1 call/s (issue 16): the 5 matches
 * arrive `gap` seconds apart, each owing a room-level alert to its two services' rooms and the
 * coordinator's; one call per second reaches one room and carries every alert waiting for it
 * (grouping). Every order of calls is tried (answers to commands left out, sends instantaneous);
 * the figure is the smallest possible worst delay from a match to one of its alerts.
 * `node --import tsx bench/alert-bound.ts` — writes bench/results/alert-bound.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";

const ROOMS = ["ddsp", "douane", "gir", "sr", "ggd"];
/** The burst's matches (reports 5..9 against 0..4), by the services of their two reports. */
const MATCHES = [
  ["douane", "ddsp"],
  ["gir", "douane"],
  ["sr", "gir"],
  ["ddsp", "sr"],
  ["douane", "ddsp"],
].map((services) => [...services, "ggd"]);

function best(gap: number, calls = 8): { worst: number; order: string[] } {
  let result = { worst: Infinity, order: [] as string[] };
  const order: string[] = [];
  const visit = () => {
    if (order.length === calls) {
      let worst = 0;
      for (const [i, rooms] of MATCHES.entries())
        for (const room of rooms) {
          const at = i * gap;
          const call = order.findIndex((r, t) => r === room && t >= at);
          if (call < 0) return;
          worst = Math.max(worst, call - at);
        }
      if (worst < result.worst) result = { worst: Math.round(worst * 100) / 100, order: [...order] };
      return;
    }
    for (const room of ROOMS) {
      order.push(room);
      visit();
      order.pop();
    }
  };
  visit();
  return result;
}

const results = {
  at: new Date().toISOString(),
  note: "smallest possible worst delay (s) from a match to one of its 15 room-level alerts, 1 call/s, by gap between matches",
  by_gap_s: Object.fromEntries([0.35, 0.5, 1].map((gap) => [gap, best(gap)])),
};
console.log(JSON.stringify(results, null, 2));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/alert-bound.json", `${JSON.stringify(results, null, 2)}\n`);
