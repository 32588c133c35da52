import { describe, expect, it } from "vitest";
import { byCreation, MAX_LISTED, mostRecent } from "../../src/core/rhythm/summary.js";
import type { ListedReport } from "../../src/core/rhythm/types.js";

/**
 * A digest's or an agenda's line lists the most recent references of many groups merged (a commune,
 * an arrondissement): `mostRecent` keeps them as it goes instead of sorting them all, and must list
 * exactly what sorting all of them would, oldest first, ties by reference.
 */
describe("the most recent references of merged groups", () => {
  it("are the last MAX_LISTED of all of them sorted, whatever the lists", () => {
    let seed = 7;
    const draw = (n: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * n);
    for (let trial = 0; trial < 300; trial++) {
      const lists: ListedReport[][] = Array.from({ length: draw(8) }, (_, l) =>
        Array.from({ length: draw(20) }, (_, i) => ({
          ref: `88-B-${l}${i}`,
          service: "ggd",
          // Few distinct times: ties are broken by reference.
          createdAt: draw(30),
          commune: { code: "88160", nom: "Épinal" },
        })).sort(byCreation),
      );
      expect(mostRecent(...lists)).toEqual(lists.flat().sort(byCreation).slice(-MAX_LISTED));
    }
  });
});
