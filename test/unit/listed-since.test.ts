import { describe, expect, it } from "vitest";
import { agendaListings } from "../../src/core/rhythm/agenda.js";
import { DIGEST_LISTINGS } from "../../src/core/rhythm/digest.js";
import { byCreation, type Listing, listedSince, MAX_LISTED, tally } from "../../src/core/rhythm/summary.js";
import type { ListedReport, ReportGroup } from "../../src/core/rhythm/types.js";

/**
 * A store reads only the references a message lists (`listedSince`): each group from a time on, at
 * most MAX_LISTED. Whatever the groups, every line the message's listings make must list exactly
 * what it lists from every group's full list of references, with ties in time broken by reference.
 */
describe("the references a message lists, read group by group from a time on", () => {
  let seed = 11;
  const draw = (n: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * n);
  const ARRONDISSEMENTS = ["881", "882", "883", null];
  const TYPES = ["point_de_deal", "go_fast", "guetteur", "rodeo"];

  /** Groups with every reference of the period, oldest first (as `summarise` would list them all). */
  function groups(): (ReportGroup & { all: ListedReport[] })[] {
    const made: (ReportGroup & { all: ListedReport[] })[] = [];
    const communes = 1 + draw(40);
    for (let c = 0; c < communes; c++)
      for (const status of ["active", "cancelled"] as const)
        for (const type of TYPES) {
          if (draw(3) === 0) continue;
          const code = `88${String(c).padStart(3, "0")}`;
          const all = Array.from({ length: 1 + draw(draw(2) === 0 ? 30 : 4) }, (_, i) => ({
            ref: `88-B-${code}-${status[0]}-${type}-${i}`,
            service: "ggd",
            // Few distinct times, so that ties are frequent.
            createdAt: draw(60),
            commune: { code, nom: code },
          })).sort(byCreation);
          made.push({
            status,
            type,
            commune: { code, nom: code },
            arrondissement: ARRONDISSEMENTS[c % ARRONDISSEMENTS.length]!,
            count: all.length,
            last: all[all.length - 1]!.createdAt,
            recent: all.slice(-MAX_LISTED),
            all,
          });
        }
    return made;
  }

  /** What the store returns: each group's MAX_LISTED most recent from its time on, or nothing. */
  function read(all: (ReportGroup & { all: ListedReport[] })[], listings: readonly Listing[]): ReportGroup[] {
    const since = listedSince(all, listings);
    return all.map(({ all: refs, ...g }, i) => ({
      ...g,
      recent: since[i] === undefined ? [] : refs.filter((r) => r.createdAt >= since[i]!).slice(-MAX_LISTED),
    }));
  }

  const cases: [string, readonly Listing[]][] = [
    ["the agenda with the strategy's proposals", agendaListings(true)],
    ["the agenda with its plain heuristics", agendaListings(false)],
    ["the digest", DIGEST_LISTINGS],
  ];
  for (const [name, listings] of cases)
    it(`lists what every reference would for ${name}`, () => {
      let full = 0;
      let kept = 0;
      for (let trial = 0; trial < 200; trial++) {
        const all = groups();
        const trimmed = read(all, listings);
        for (const listing of listings) {
          const key = (g: ReportGroup) => listing(g);
          const expected = tally(all, key);
          const got = tally(trimmed, key);
          expected.delete(null);
          got.delete(null);
          expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [k, t] of expected) expect(got.get(k)!.recent, `${trial} ${k}`).toEqual(t.recent);
        }
        full += all.reduce((n, g) => n + g.recent.length, 0);
        kept += trimmed.reduce((n, g) => n + g.recent.length, 0);
      }
      // Where many groups meet under one key (an arrondissement and type, the retired), most of
      // their references are not read (≈ 54 % read in these trials); by commune, few groups meet.
      expect(kept).toBeLessThan(full * 0.6);
    });

  it("reads a group from the earliest time its keys need, and not at all when no key lists it", () => {
    const at = (last: number, type: string, code = "88001"): Omit<ReportGroup, "recent"> => ({
      status: "active",
      type,
      commune: { code, nom: code },
      arrondissement: "881",
      count: 1,
      last,
    });
    // Thirteen groups of one type: the oldest cannot be among the twelve most recent; by commune,
    // it is alone in its own and read whole.
    const gs = [...Array.from({ length: 13 }, (_, i) => at(100 + i, "go_fast", `88${String(i).padStart(3, "0")}`))];
    const byType: Listing = (g) => g.type;
    expect(listedSince(gs, [byType])).toEqual([undefined, ...Array.from({ length: 12 }, () => 101)]);
    expect(listedSince(gs, [byType, (g) => g.commune.code])).toEqual([-Infinity, ...Array.from({ length: 12 }, () => -Infinity)]);
    expect(listedSince(gs, [() => null])).toEqual(gs.map(() => undefined));
  });
});
