/**
 * Parses when an officer observed a fact ("hier 22h", "lundi 6h30", "12/11 23h", "il y a 2h"…) into an
 * exact instant, read in the CROSS time zone, with a French echo the officer can check at a glance.
 * Pure: `now` is injected, all wall-clock maths goes through @date-fns/tz so DST days stay correct.
 */
import { TZDate, tz, tzOffset } from "@date-fns/tz";
import { subDays } from "date-fns";

export interface WhenOk {
  ok: true;
  at: Date;
  precision: "minute" | "day";
  echo: string;
}
export interface WhenError {
  ok: false;
  error: string;
}
export interface WhenOptions {
  timeZone?: string;
  maxAgeDays?: number;
  futureToleranceMinutes?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EXAMPLES = "Exemples : hier 22h, lundi 6h30, 12/11 23h, il y a 2h, maintenant.";
const WEEKDAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const MONTHS = [
  "janvier", "février", "mars", "avril", "mai", "juin",
  "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]; // prettier-ignore
/** Accent-free month spellings and abbreviations officers type; index = month - 1. */
const MONTH_RE = [
  "janv?(?:ier)?", "fevr?(?:ier)?", "mars?", "avr(?:il)?", "mai", "juin",
  "juil(?:let)?", "aout", "sept?(?:embre)?", "oct(?:obre)?", "nov(?:embre)?", "dec(?:embre)?",
]; // prettier-ignore
const MONTH_WORD = new RegExp(`^(?:${MONTH_RE.map((m) => `(${m})`).join("|")})$`);
/** Default hour for a part of the day; "nuit" only makes sense as "cette nuit". */
const PERIODS: Record<string, number> = { matin: 8, midi: 12, "apres midi": 15, aprem: 15, soir: 20, nuit: 2 };

/** Where a time appears: alone, after a day ("hier 22h", "hier" alone is fine), after "ce"/"cette". */
type ClockMode = "bare" | "day" | "ce";
/** A local calendar day; month is 1-12. */
interface Day {
  y: number;
  m: number;
  d: number;
}
interface Clock {
  h: number;
  min: number;
  /** Typed by the officer (vs. implied by "soir", "cette nuit"): a non-existent one is refused. */
  typed: boolean;
}
/** What the text says, before choosing among candidate days (most recent first). */
interface Parsed {
  days: Day[];
  clock: Clock | null;
}
type Step<T> = T | WhenError;

const fail = (error: string): WhenError => ({ ok: false, error });
const isError = (x: unknown): x is WhenError => typeof x === "object" && x !== null && "ok" in x;

export function parseWhen(text: string, now: Date, options: WhenOptions = {}): WhenOk | WhenError {
  const zone = options.timeZone ?? "Europe/Paris";
  const maxAgeDays = options.maxAgeDays ?? 365;
  const tolerance = (options.futureToleranceMinutes ?? 10) * MINUTE;
  const quoted = `« ${quote(text)} »`;
  const norm = normalise(text);
  if (norm === "") return fail(`Date manquante. ${EXAMPLES}`);

  const relative = parseRelative(norm, now, zone);
  const parsed = relative ?? parseAbsolute(norm, now, zone);
  if (parsed === null) return fail(`Date non comprise : ${quoted}. ${EXAMPLES}`);
  if (isError(parsed)) return fail(`${quoted} : ${parsed.error}`);
  // Relative forms are never in the future; the others choose among candidate days.
  const picked = "at" in parsed ? parsed : pickCandidate(parsed, now.getTime() + tolerance, zone);
  if (picked === null) return fail(`${quoted} est dans le futur : un fait observé ne peut pas être à venir.`);
  if (isError(picked)) return fail(`${quoted} : ${picked.error}`);

  const at = new Date(picked.at.getTime()); // a plain Date, not the TZDate used for the maths
  // `!(x <= max)` also catches NaN from absurd inputs such as "il y a 99999999999 jours".
  if (!(now.getTime() - at.getTime() <= maxAgeDays * DAY)) {
    return fail(`${quoted} remonte à plus de ${maxAgeDays} jours : vérifiez la date (exemple : 12/11 23h).`);
  }
  return { ok: true, at, precision: picked.precision, echo: formatObserved(at, picked.precision, zone) };
}

/** The echo of an observation: its minute, or its day when the officer gave no time. */
export function formatObserved(at: Date, precision: "minute" | "day", timeZone = "Europe/Paris"): string {
  return precision === "minute" ? formatLocal(at, timeZone) : `${formatDay(at, timeZone)} (heure non précisée)`;
}

/** "mercredi 25 novembre 2026 à 22:00", 24-hour clock, in the given zone. */
export function formatLocal(at: Date, timeZone = "Europe/Paris"): string {
  const local = new TZDate(at.getTime(), timeZone);
  return `${formatDay(at, timeZone)} à ${pad(local.getHours())}:${pad(local.getMinutes())}`;
}

function formatDay(at: Date, zone: string): string {
  const local = new TZDate(at.getTime(), zone);
  const d = local.getDate();
  return `${WEEKDAYS[local.getDay()]} ${d === 1 ? "1er" : d} ${MONTHS[local.getMonth()]} ${local.getFullYear()}`;
}

/**
 * Lower-case, accent-free, single-spaced text. Phones insert NBSPs and curly apostrophes and officers
 * glue words to numbers ("hier22h"), so letters and digits are split apart: patterns then see "22 h".
 */
function normalise(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/['’‘`´]/g, " ")
    .replace(/(\p{L})[-.]/gu, "$1 ") // "avant-hier", "apres-midi", "nov."
    .replace(/(\p{L})(?=\d)|(\d)(?=\p{L})/gu, "$1$2 ")
    .replace(/[\s\u00a0\u202f\u2007]+/g, " ")
    .replace(/[\s,;!?.]+$/, "")
    .trim();
}

/** The text as typed, tidied and cut short so that error messages stay readable on a phone. */
function quote(text: string): string {
  const t = text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

/** "maintenant", "il y a 2h", "il y a 1h30", "il y a 3 jours": offsets from now, no candidate to choose. */
function parseRelative(norm: string, now: Date, zone: string): Step<{ at: Date; precision: "minute" | "day" }> | null {
  const floored = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
  if (/^(?:maintenant|now|a l ?instant)$/.test(norm)) return { at: floored, precision: "minute" };
  const m = /^(?:il ?)?y ?a (\d+) ?(?:(?:h|heures?)(?: ?(\d{1,2}) ?(?:min|mn|minutes?)?)?|(min|mn|minutes?)|(j|jours?))$/.exec(
    norm,
  );
  if (!m) return null;
  const n = Number(m[1]);
  // "il y a 3 jours" names a day, not a time: same noon convention as a bare date.
  if (m[4]) return { at: noon(toDay(subDays(now, n, { in: tz(zone) })), zone), precision: "day" };
  if (Number(m[2] ?? 0) > 59) return fail("durée impossible (minutes de 0 à 59). Exemple : il y a 1h30.");
  const minutes = m[3] ? n : n * 60 + Number(m[2] ?? 0);
  return { at: new Date(floored.getTime() - minutes * MINUTE), precision: "minute" };
}

/** Day words, weekdays and dates, each followed by an optional time; null when nothing matches. */
function parseAbsolute(norm: string, now: Date, zone: string): Step<Parsed> | null {
  const body = norm.replace(/^le /, "");
  const daysBack = (...ks: number[]): Day[] => ks.map((k) => toDay(subDays(now, k, { in: tz(zone) })));
  const today = toDay(new TZDate(now.getTime(), zone));
  let m: RegExpExecArray | null;
  let days: Step<Day[]>;
  let rest: string;
  let mode: ClockMode = "day";
  if ((m = /^(?:aujourd ?hui|auj)(?= |$)/.exec(body))) [days, rest] = [daysBack(0), after(body, m)];
  else if ((m = /^avant ?hier(?= |$)/.exec(body))) [days, rest] = [daysBack(2), after(body, m)];
  else if ((m = /^hier(?= |$)/.exec(body))) [days, rest] = [daysBack(1), after(body, m)];
  else if ((m = /^(?:ce|cet|cette) (?=[a-z])/.exec(body))) {
    rest = after(body, m);
    // Only "ce matin", "cette nuit"…; "cette nuit" is the most recent 02:00, possibly yesterday's.
    [days, mode] = [rest.startsWith("nuit") ? daysBack(0, 1) : daysBack(0), "ce"];
  } else if ((m = /^(dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi)(?= |$)/.exec(body))) {
    // Same weekday today counts only if the time has passed, hence last week's as the fallback.
    const k = (new TZDate(now.getTime(), zone).getDay() - WEEKDAYS.indexOf(m[1] ?? "") + 7) % 7;
    [days, rest] = [daysBack(k, k + 7), after(body, m)];
  } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: t)?(?= |$)/.exec(body))) {
    [days, rest] = [dateCandidates(today, Number(m[3]), Number(m[2]), m[1]), after(body, m)];
  } else if ((m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?= |$)/.exec(body))) {
    [days, rest] = [dateCandidates(today, Number(m[1]), Number(m[2]), m[3]), after(body, m)];
  } else if ((m = /^(1 ?er|\d{1,2}) ?([a-z]+)(?: (\d{4}))?(?= |$)/.exec(body)) && monthOf(m[2])) {
    const d = /er$/.test(m[1] ?? "") ? 1 : Number(m[1]);
    [days, rest] = [dateCandidates(today, d, monthOf(m[2]), m[3]), after(body, m)];
  } else {
    // A bare time: today, or yesterday when today's would be in the future.
    [days, rest, mode] = [daysBack(0, 1), body, "bare"];
  }
  if (isError(days)) return days;
  const clock = parseClock(rest.replace(/^(?:a|vers) /, ""), mode);
  return clock === null || isError(clock) ? clock : { days, clock: clock === "none" ? null : clock };
}

function after(body: string, m: RegExpExecArray): string {
  return body.slice(m[0].length).trim();
}

function monthOf(word: string | undefined): number {
  const m = MONTH_WORD.exec(word ?? "");
  return m ? m.slice(1).findIndex((g) => g !== undefined) + 1 : 0;
}

/**
 * "22h", "22 h 15", "22:15", "soir", "soir 22h" (the explicit clock wins); "none" for an empty rest when
 * a day was given; null when it does not look like a time at all.
 */
function parseClock(rest: string, mode: ClockMode): Step<Clock | "none"> | null {
  if (rest === "") return mode === "day" ? "none" : null;
  const m = /^(?:(matin|midi|apres midi|aprem|soir|nuit)(?: |$))?(?:(?:a|vers) )?(?:(\d{1,2}) ?(?:h|heures?|:) ?(\d{2})?)?$/.exec(
    rest,
  );
  if (!m) return null;
  // "ce"/"cette" needs a part of the day; "nuit" only as "cette nuit" ("hier nuit" is ambiguous);
  // a part of the day alone ("soir") does not say which day.
  const period = m[1];
  const allowed = mode === "ce" ? period !== undefined : mode === "day" ? period !== "nuit" : period === undefined;
  if (!allowed || (period === undefined && m[2] === undefined)) return null;
  if (m[2] === undefined) return { h: PERIODS[m[1] ?? ""] ?? 12, min: 0, typed: false };
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  if (h > 23 || min > 59) return fail("heure impossible (de 0h00 à 23h59). Exemple : 22h15.");
  return { h, min, typed: true };
}

/**
 * An explicit year gives one day. Without one, the nearest such date: "28/12" typed on 3 January is last
 * year's, but "28/11" typed on 26 November is a slip to refuse as future, not a fact from last year.
 * Then earlier years, for 29/02.
 */
function dateCandidates(today: Day, d: number, m: number, year: string | undefined): Step<Day[]> {
  const invalid = fail("date impossible. Exemple : 12/11 23h.");
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(2024, m)) return invalid;
  if (year !== undefined) {
    const y = year.length === 2 ? 2000 + Number(year) : Number(year);
    return d > daysInMonth(y, m) ? invalid : [{ y, m, d }];
  }
  const ahead = dayNumber({ y: today.y, m, d }) - dayNumber(today);
  const back = dayNumber(today) - dayNumber({ y: today.y - 1, m, d });
  if (ahead > 0 && ahead < back && d <= daysInMonth(today.y, m)) return [{ y: today.y, m, d }];
  const years = Array.from({ length: 9 }, (_, i) => today.y - i);
  return years.filter((y) => d <= daysInMonth(y, m)).map((y) => ({ y, m, d }));
}

/** Days since the epoch of a calendar day: plain calendar arithmetic, no time zone involved. */
function dayNumber(day: Day): number {
  return Date.UTC(day.y, day.m - 1, day.d) / DAY;
}

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * The most recent candidate that is not in the future. A day without a time counts as past once it has
 * begun ("12/11" typed on the 12th at 9:00 means today, even though its noon echo is later).
 */
function pickCandidate(p: Parsed, latest: number, zone: string): Step<{ at: Date; precision: "minute" | "day" }> | null {
  for (const day of p.days) {
    if (day.y < 1970) break; // Date's two-digit-year quirks; far older than any maxAgeDays anyway.
    if (p.clock === null) {
      if (localInstant(day, 0, 0, zone).at.getTime() <= latest) return { at: noon(day, zone), precision: "day" };
      continue;
    }
    const { at, skipped } = localInstant(day, p.clock.h, p.clock.min, zone);
    if (at.getTime() > latest) continue;
    if (skipped && p.clock.typed) {
      const when = `${WEEKDAYS[at.getDay()]} ${day.d} ${MONTHS[day.m - 1]} ${day.y}`;
      return fail(
        `${pad(p.clock.h)}:${pad(p.clock.min)} n'existe pas le ${when} (passage à l'heure d'été). ` +
          `Indiquez par exemple ${pad(at.getHours())}:${pad(at.getMinutes())}.`,
      );
    }
    return { at, precision: "minute" };
  }
  return null;
}

/**
 * The instant of a wall-clock time. In the spring gap date-fns/tz moves forward (02:30 → 03:30) and we
 * flag it as skipped; in the autumn overlap it returns the second 02:30, and we prefer the first one,
 * found one offset change earlier.
 */
function localInstant(day: Day, h: number, min: number, zone: string): { at: TZDate; skipped: boolean } {
  const at = new TZDate(day.y, day.m - 1, day.d, h, min, zone);
  if (at.getHours() !== h || at.getMinutes() !== min) return { at, skipped: true };
  const shift = tzOffset(zone, new Date(at.getTime() - 6 * HOUR)) - tzOffset(zone, at);
  if (shift > 0) {
    const first = new TZDate(at.getTime() - shift * MINUTE, zone);
    if (first.getHours() === h && first.getMinutes() === min) return { at: first, skipped: false };
  }
  return { at, skipped: false };
}

function noon(day: Day, zone: string): Date {
  return localInstant(day, 12, 0, zone).at;
}

function toDay(date: Date): Day {
  return { y: date.getFullYear(), m: date.getMonth() + 1, d: date.getDate() };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
