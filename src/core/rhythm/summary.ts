/**
 * A period's reports summarised as an agenda reads them (`PeriodSummary`): grouped by status,
 * commune and type, counted in full, the most recent listed. The store makes the same summary in
 * SQL without loading the period (`ReportStore.periodSummary`); this is the reference it is tested
 * against, and what builders use when they are given reports.
 */
import type { ListedReport, PeriodSummary, RecurringEntity, ReportGroup, RhythmReport } from "./types.js";

/**
 * How many references one line lists: a line of a digest or an agenda stays readable on a phone
 * (and the message small) however many reports a busy period holds; `!cherche` lists the rest.
 */
export const MAX_LISTED = 12;

/** Oldest first, so that references read in the order they were given; equal times by reference. */
export function byCreation(a: { createdAt: number; ref: string }, b: { createdAt: number; ref: string }): number {
  return a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/** The most recent `MAX_LISTED` of `lists` together, oldest first (each list holds its own most recent). */
export function mostRecent(...lists: ListedReport[][]): ListedReport[] {
  const all = lists.flat().sort(byCreation);
  return all.length > MAX_LISTED ? all.slice(-MAX_LISTED) : all;
}

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
      recent: [],
      all: [],
    };
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
