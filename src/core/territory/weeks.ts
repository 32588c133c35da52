import { tz } from "@date-fns/tz";
import { addWeeks, startOfWeek } from "date-fns";

/**
 * Groups hourly counts (`YYYY-MM-DDTHH`, UTC) into local weeks starting on Monday in the cell's time
 * zone, every week of the period present (an empty week shows as zero, not as a gap).
 */
export function weeklyCounts(
  hours: readonly { observedAt: string; type: string; n: number }[],
  from: number,
  to: number,
  timeZone: string,
): { start: number; counts: Record<string, number> }[] {
  const inZone = { in: tz(timeZone), weekStartsOn: 1 as const };
  const weeks: { start: number; counts: Record<string, number> }[] = [];
  for (let start = startOfWeek(from, inZone).getTime(); start < to; start = addWeeks(start, 1, inZone).getTime()) {
    weeks.push({ start, counts: {} });
  }
  const byStart = new Map(weeks.map((w) => [w.start, w]));
  // Time-zone arithmetic is the slow part: once per distinct hour, not per (hour, type).
  const weekOf = new Map<string, number>();
  for (const h of hours) {
    let week = weekOf.get(h.observedAt);
    if (week === undefined) {
      week = startOfWeek(Date.parse(`${h.observedAt}:00:00.000Z`), inZone).getTime();
      weekOf.set(h.observedAt, week);
    }
    const bucket = byStart.get(week);
    if (bucket) bucket.counts[h.type] = (bucket.counts[h.type] ?? 0) + h.n;
  }
  return weeks;
}
