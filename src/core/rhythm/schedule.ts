/**
 * When the scheduled digests run. Cron expressions are read in the cell's time zone by cron-parser,
 * the library BullMQ's repeatable jobs use, so what we announce is what BullMQ will do.
 *
 * DST in Europe/Paris, as cron-parser 4.9 resolves it (and as the tests pin down):
 * - a time that exists every day (`0 7 * * *`) runs once per local day at 07:00; the UTC instant moves
 *   by an hour across each change;
 * - spring forward (last Sunday of March, 02:00 → 03:00): a time in the gap (`30 2 * * *`) runs once,
 *   at the equivalent instant after the jump (03:30 CEST) — it is not skipped;
 * - fall back (last Sunday of October, 03:00 → 02:00): a time in the repeated hour runs once, at its
 *   first occurrence (02:30 CEST), not again an hour later.
 * We do not second-guess the library (an interval such as `0 * * * *` rightly runs in both copies of
 * the repeated hour, and BullMQ will); the tests pin the behaviour above so an upgrade cannot change it
 * silently.
 */
// cron-parser is CommonJS without named exports Node can detect: import the default, as
// BullMQ's compiled CommonJS does with require().
import cronParser from "cron-parser";

/** The next `count` runs strictly after `after` (ms), as instants (ms). Throws on an invalid expression. */
export function nextRuns(cron: string, timeZone: string, after: number, count: number): number[] {
  const expression = cronParser.parseExpression(cron, { tz: timeZone, currentDate: new Date(after) });
  const runs: number[] = [];
  // Bounded, so that a library quirk returning the same instant again cannot spin forever.
  for (let tries = 0; runs.length < count && tries < count + 100; tries++) {
    const at = expression.next().getTime();
    // Strictly increasing, whatever happens around a DST change: a run is never announced twice.
    if (at > (runs.at(-1) ?? after)) runs.push(at);
  }
  return runs;
}

/** A run is late when it starts more than `graceMs` after its scheduled instant (bot restarted, queue stalled). */
export function isLate(scheduledFor: number, now: number, graceMs: number): boolean {
  return now - scheduledFor > graceMs;
}
