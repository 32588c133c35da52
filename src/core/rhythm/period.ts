/**
 * The period a digest covers, from the `!digest` argument: `24h` (default), `48h`, `7j`, `7 jours`,
 * `semaine`, `mois`, `depuis 12/11`, `depuis hier`, `depuis lundi`. Pure: `now` is injected and every
 * calendar boundary (midnight, Monday, the 1st, "7 days ago") is computed in the cell's time zone
 * with @date-fns/tz, so that DST days are neither 23 nor 25 hours off.
 */
import { TZDate, tz } from "@date-fns/tz";
import { startOfDay, startOfMonth, startOfWeek, subDays } from "date-fns";
import { parseWhen } from "../fr/when.js";
import type { Period } from "./types.js";

export type PeriodResult = { ok: true; period: Period } | { ok: false; error: string };

const HOUR = 3_600_000;
const MAX_DAYS = 366;
const MAX_HOURS = 24 * 31;
const EXAMPLES = "Exemples : !digest (24 h), !digest 48h, !digest 7j, !digest semaine, !digest mois, !digest depuis 12/11.";
const SINCE_EXAMPLES = "Exemples : depuis 12/11, depuis 12/11/2026, depuis hier, depuis lundi.";

const fail = (error: string): PeriodResult => ({ ok: false, error });
const ok = (from: number, to: number, label: string): PeriodResult => ({ ok: true, period: { from, to, label } });

export function parsePeriod(text: string, now: number, timeZone: string): PeriodResult {
  const norm = normalise(text);
  const inZone = { in: tz(timeZone) };
  if (norm === "") return ok(now - 24 * HOUR, now, "24 h");
  if (/^(?:cette |la )?semaine(?: en cours)?$/.test(norm)) {
    return ok(startOfWeek(now, { ...inZone, weekStartsOn: 1 }).getTime(), now, "semaine en cours");
  }
  if (/^(?:ce |le )?mois(?: en cours)?$/.test(norm)) return ok(startOfMonth(now, inZone).getTime(), now, "mois en cours");
  const since = /^depuis(?: (.*))?$/.exec(norm);
  if (since)
    return parseSince(
      text
        .trim()
        .replace(/^depuis/i, "")
        .trim(),
      now,
      timeZone,
    );
  const hours = /^(\d+) ?(?:h|heures?)$/.exec(norm);
  if (hours) {
    const n = Number(hours[1]);
    if (n < 1 || n > MAX_HOURS)
      return fail(`Durée impossible : « ${text.trim()} ». De 1 à ${MAX_HOURS} heures (ex. 48h), ou en jours (ex. 7j).`);
    // A number of hours is a duration, not a calendar span: plain arithmetic is what is meant.
    return ok(now - n * HOUR, now, `${n} h`);
  }
  const days = /^(\d+) ?(?:j|jours?)$/.exec(norm);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > MAX_DAYS) return fail(`Durée impossible : « ${text.trim()} ». De 1 à ${MAX_DAYS} jours (ex. 7j).`);
    // "7 jours" on a phone means the same clock time 7 local days ago, even across a DST change.
    return ok(subDays(now, n, inZone).getTime(), now, n === 1 ? "1 jour" : `${n} jours`);
  }
  return fail(`Période non comprise : « ${quote(text)} ». ${EXAMPLES}`);
}

/** The period of the same length just before: the baseline for trends ("↑ +2"). */
export function previousPeriod(period: Period): Period {
  const length = period.to - period.from;
  return { from: period.from - length, to: period.from, label: "période précédente" };
}

/**
 * `depuis <date>`: the capture parser already reads "12/11", "hier", "lundi" as the most recent such
 * day; a day means from its local midnight, an explicit time ("depuis hier 18h") from that minute.
 */
function parseSince(dateText: string, now: number, timeZone: string): PeriodResult {
  if (dateText === "") return fail(`Date manquante après « depuis ». ${SINCE_EXAMPLES}`);
  // No age limit in the parser: we check it here, with a message that fits a digest, not a report.
  const when = parseWhen(dateText, new Date(now), { timeZone, maxAgeDays: 100 * MAX_DAYS, futureToleranceMinutes: 0 });
  if (!when.ok) return fail(`Date non comprise ou à venir : « ${quote(dateText)} ». ${SINCE_EXAMPLES}`);
  const from = when.precision === "day" ? startOfDay(when.at, { in: tz(timeZone) }).getTime() : when.at.getTime();
  if (now - from > MAX_DAYS * 24 * HOUR)
    return fail(`« ${quote(dateText)} » remonte à plus d'un an : choisissez une date plus récente.`);
  return ok(from, now, `depuis le ${sinceLabel(from, when.precision, now, timeZone)}`);
}

/** "12/11", "12/11/2025" for another year, "25/11 à 18:00" when a time was given. */
function sinceLabel(from: number, precision: "minute" | "day", now: number, timeZone: string): string {
  const local = new TZDate(from, timeZone);
  const year = local.getFullYear() === new TZDate(now, timeZone).getFullYear() ? "" : `/${local.getFullYear()}`;
  const day = `${pad(local.getDate())}/${pad(local.getMonth() + 1)}${year}`;
  return precision === "day" ? day : `${day} à ${pad(local.getHours())}:${pad(local.getMinutes())}`;
}

function normalise(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\s\u00a0\u202f]+/g, " ")
    .trim();
}

function quote(text: string): string {
  const t = text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
