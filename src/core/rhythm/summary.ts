/**
 * A period's reports summarised as an agenda reads them (`PeriodSummary`): grouped by status,
 * commune and type, counted in full, the most recent listed. The store makes the same summary in
 * SQL without loading the period (`ReportStore.periodSummary`: `periodGroups`, then the
 * `periodListed` the gatherer asks for, in one snapshot); this is the reference it is tested
 * against, and what builders use when they are given reports.
 */
import type {
  ListedReport,
  NotableList,
  NotableReport,
  PeriodSummary,
  RecurringEntity,
  ReportGroup,
  RhythmFields,
  RhythmReport,
} from "./types.js";

/**
 * How many references one line lists: a line of a digest or an agenda stays readable on a phone
 * (and the message small) however many reports a busy period holds; `!cherche` lists the rest.
 */
export const MAX_LISTED = 12;

/**
 * How many notable reports a digest lists: its "À signaler" is what the meeting reads first, so a
 * screen or two on a phone; the count says how many more there are.
 */
export const MAX_NOTABLE = 20;

/** Oldest first, so that references read in the order they were given; equal times by reference. */
export function byCreation(a: { createdAt: number; ref: string }, b: { createdAt: number; ref: string }): number {
  return a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/** The most recent `MAX_LISTED` of `lists` together, oldest first (each list holds its own most recent). */
export function mostRecent(...lists: ListedReport[][]): ListedReport[] {
  // Kept as it goes, at most MAX_LISTED: a tally of a busy period merges thousands of references
  // (an arrondissement's groups across 506 communes), and sorting them all to keep twelve showed.
  const kept: ListedReport[] = [];
  for (const list of lists)
    for (const r of list) {
      if (kept.length === MAX_LISTED && byCreation(r, kept[0]!) <= 0) continue;
      let i = kept.length;
      while (i > 0 && byCreation(kept[i - 1]!, r) > 0) i--;
      kept.splice(i, 0, r);
      if (kept.length > MAX_LISTED) kept.shift();
    }
  return kept;
}

/**
 * Cotation A/B with credibility 1/2: reliable source, information confirmed or probably true. The
 * store selects the same in SQL (`ReportStore.periodNotable`).
 */
function isWellGraded(grade: RhythmFields["grade"]): boolean {
  return (grade.reliability === "A" || grade.reliability === "B") && grade.credibility <= 2;
}

/** The active reports among `reports` that are well graded or named in `matched`: counted, the most recent listed. */
export function notableOf(reports: readonly RhythmReport[], matched: ReadonlySet<string>, max = MAX_NOTABLE): NotableList {
  const all = [...reports]
    .filter((r) => r.status === "active" && (isWellGraded(r.fields.grade) || matched.has(r.ref)))
    .sort(byCreation)
    .map((r): NotableReport => ({ ...listed(r), type: r.fields.type, grade: r.fields.grade }));
  return { count: all.length, recent: all.slice(-max) };
}

/** Groups of reports merged under one key (a commune, a type, an arrondissement): their total, the most recent. */
export interface Tally {
  count: number;
  recent: ListedReport[];
  /** The group of the most recent report (`byCreation`: on a tie in time, the last reference): what names a commune's tally. */
  latest: ReportGroup;
}

/** Whether `a`'s most recent report came after `b`'s, in `byCreation`'s order. */
function later(a: ReportGroup, b: ReportGroup): boolean {
  const newest = (g: ReportGroup) => ({ createdAt: g.last, ref: g.recent[g.recent.length - 1]?.ref ?? "" });
  return byCreation(newest(a), newest(b)) > 0;
}

export function tally<K>(groups: readonly ReportGroup[], key: (g: ReportGroup) => K): Map<K, Tally> {
  const tallies = new Map<K, Tally & { lists: ListedReport[][] }>();
  for (const g of groups) {
    const k = key(g);
    const t = tallies.get(k) ?? { count: 0, recent: [], latest: g, lists: [] };
    t.count += g.count;
    t.lists.push(g.recent);
    if (later(g, t.latest)) t.latest = g;
    tallies.set(k, t);
  }
  return new Map([...tallies].map(([k, { lists, ...t }]) => [k, { ...t, recent: mostRecent(...lists) }]));
}

/**
 * What a message lists of a period's groups: the key a group is tallied under for one of its lists
 * (an arrondissement and type, a commune…; null: in none of them), each key's line showing the
 * `MAX_LISTED` most recent references of its groups together (`tally(groups, key).recent`).
 */
export type Listing = (g: Omit<ReportGroup, "recent">) => string | null;

/** The key of the retired reports' line: no type or commune key can be it (keys hold no NUL). */
export const RETIRED = "\u0000retired";

/**
 * For each group (same order), the creation time from which its references may be among those a
 * message lists, or undefined when none can be: so that a store reads only those. Under one key,
 * the `max` groups whose last reports are the most recent hold between them at least `max`
 * references from the `max`-th of those last reports on: no reference older than that is listed,
 * and no group whose last report is older has one listed. With `max` groups or fewer, all of them
 * may. A group under several keys is read from the earliest of their times.
 */
export function listedSince(
  groups: readonly Omit<ReportGroup, "recent">[],
  listings: readonly Listing[],
  max = MAX_LISTED,
): (number | undefined)[] {
  const since: (number | undefined)[] = groups.map(() => undefined);
  for (const listing of listings) {
    const byKey = new Map<string, number[]>();
    groups.forEach((g, i) => {
      const key = listing(g);
      if (key === null) return;
      const members = byKey.get(key);
      if (members) members.push(i);
      else byKey.set(key, [i]);
    });
    for (const members of byKey.values()) {
      const lasts = members.map((i) => groups[i]!.last).sort((a, b) => b - a);
      const from = lasts.length > max ? lasts[max - 1]! : -Infinity;
      for (const i of members) if (groups[i]!.last >= from) since[i] = Math.min(since[i] ?? Infinity, from);
    }
  }
  return since;
}

/** Largest first; ties in alphabetical order of their names, so the order never looks random. */
export function ranked<K>(tallies: Map<K, Tally>, name: (key: K, t: Tally) => string): [K, Tally][] {
  return [...tallies].sort(([ka, a], [kb, b]) => b.count - a.count || name(ka, a).localeCompare(name(kb, b), "fr"));
}

/** By arrondissement code (881, 882, 883), unknown last. */
export function byArrondissement(groups: readonly ReportGroup[]): [string | null, Tally][] {
  return [...tally(groups, (g) => g.arrondissement)].sort(([a], [b]) => (a ?? "999").localeCompare(b ?? "999"));
}

export const total = (groups: readonly ReportGroup[]): number => groups.reduce((n, g) => n + g.count, 0);

const listed = (r: RhythmReport): ListedReport => ({
  ref: r.ref,
  service: r.service,
  createdAt: r.createdAt,
  commune: r.fields.commune,
});

export function summarise(reports: readonly RhythmReport[]): PeriodSummary {
  const groups = new Map<string, ReportGroup & { all: ListedReport[] }>();
  const entities = new Map<string, RecurringEntity & { all: ListedReport[]; serviceSet: Set<string> }>();
  for (const r of [...reports].sort(byCreation)) {
    const key = `${r.status}\u0000${r.fields.commune.code}\u0000${r.fields.type}`;
    const group = groups.get(key) ?? {
      status: r.status,
      type: r.fields.type,
      commune: r.fields.commune,
      arrondissement: r.arrondissement,
      count: 0,
      last: r.createdAt,
      recent: [],
      all: [],
    };
    // Named as its most recent report names the commune.
    group.commune = r.fields.commune;
    group.last = r.createdAt;
    group.count++;
    group.all.push(listed(r));
    groups.set(key, group);
    if (r.status !== "active") continue;
    for (const e of new Map(r.fields.entities.map((e) => [`${e.kind}:${e.value}`, e])).values()) {
      const entityKey = `${e.kind}:${e.value}`;
      const entry = entities.get(entityKey) ?? {
        kind: e.kind,
        value: e.value,
        display: e.display,
        count: 0,
        services: 0,
        recent: [],
        all: [],
        serviceSet: new Set<string>(),
      };
      entry.count++;
      entry.all.push(listed(r));
      entry.serviceSet.add(r.service);
      entities.set(entityKey, entry);
    }
  }
  return {
    groups: [...groups.values()].map(({ all, ...group }) => ({ ...group, recent: mostRecent(all) })),
    entities: [...entities.values()]
      .filter((e) => e.count >= 2)
      .map(({ all, serviceSet, ...e }) => ({ ...e, services: serviceSet.size, recent: mostRecent(all) })),
  };
}
