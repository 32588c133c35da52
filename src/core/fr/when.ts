/**
 * Parses when an officer observed a fact ("hier 22h", "lundi 6h30", "12/11 23h", "il y a 2h"…) into an
 * exact instant, read in the CROSS time zone, with a French echo the officer can check at a glance.
 * Pure: `now` is injected, all wall-clock maths goes through @date-fns/tz so DST days stay correct.
 *
 * Also understood: "lundi dernier 22h" (the last Monday strictly before today), "mer. 25/11 22h" (the
 * weekday is only checked against the date), the time first ("22h30 hier"), "hier 22.30", "minuit",
 * "il y a une demi-heure", "il y a deux jours", "il y a 1 semaine", "la nuit dernière".
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
/** "il y a deux jours": number words up to ten, for the counts officers spell out. */
const NUMBER_WORDS = new Map(
  ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"].map((w, i) => [w, String(i + 1)]),
).set("une", "1");
/** Full weekday names and their three-letter abbreviations, which are only read before a date ("mer. 25/11"). */
const WEEKDAY_WORD = "dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi|dim|lun|mar|mer|jeu|ven|sam";
/** A time typed before the day ("22h30 hier"): same shapes as in parseClock, without a part of the day. */
const LEADING_CLOCK = /^((?:(?:a|vers) )?(?:\d{1,2}(?: ?(?:h|heures?|:) ?(?:\d{2})?|\.\d{2})|minuit|midi)) (.+)$/;
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
  /** "minuit" is the midnight that ends the day it follows: 00:00 of the next day. */
  nextDay?: boolean;
}
/** What the text says, before choosing among candidate days (most recent first). */
interface Parsed {
  days: Day[];
  clock: Clock | null;
  /** A weekday typed along with a date ("mer 25/11"): checked against the chosen day, 0 = Sunday. */
  weekday?: number;
}
type Picked = { at: Date; precision: "minute" | "day"; day?: Day };
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
  if (/^tout a l ?heure$/.test(norm)) {
    return fail(
      `${quoted} est trop vague : indiquez l'heure, même approximative. ` +
        "Exemples : il y a 2h, il y a une demi-heure, ce matin, vers 14h, hier 22h.",
    );
  }

  const relative = parseRelative(norm, now, zone);
  const parsed = relative ?? parseAbsolute(norm, now, zone);
  if (parsed === null) return fail(`Date non comprise : ${quoted}. ${EXAMPLES}`);
  if (isError(parsed)) return fail(`${quoted} : ${parsed.error}`);
  // Relative forms are never in the future; the others choose among candidate days.
  const picked = "at" in parsed ? parsed : pickCandidate(parsed, now.getTime() + tolerance, zone);
  if (picked === null) return fail(`${quoted} est dans le futur : un fait observé ne peut pas être à venir.`);
  if (isError(picked)) return fail(`${quoted} : ${picked.error}`);
  const checked = "weekday" in parsed && picked.day ? checkWeekday(picked.day, parsed.weekday) : null;
  if (checked) return fail(`${quoted} : ${checked.error}`);

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

/**
 * "maintenant", "il y a 2h", "il y a 1h30", "il y a une demi-heure", "il y a 3 jours", "il y a 1 semaine":
 * offsets from now, no candidate to choose. Number words ("deux") are read as digits.
 */
function parseRelative(norm: string, now: Date, zone: string): Step<Picked> | null {
  const floored = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE);
  if (/^(?:maintenant|now|a l ?instant)$/.test(norm)) return { at: floored, precision: "minute" };
  const ago = /^(?:il ?)?y ?a (.+)$/.exec(norm)?.[1]?.replace(/^[a-z]+(?= )/, (w) => NUMBER_WORDS.get(w) ?? w);
  if (ago === undefined) return null;
  const minutesAgo = (minutes: number): Picked => ({ at: new Date(floored.getTime() - minutes * MINUTE), precision: "minute" });
  if (/^1 demie? ?heure$/.test(ago)) return minutesAgo(30);
  const quarters = /^(\d+) quarts? d ?heure$/.exec(ago);
  if (quarters) return minutesAgo(15 * Number(quarters[1]));
  const m =
    /^(\d+) ?(?:(?:h|heures?)(?: ?(\d{1,2}) ?(?:min|mn|minutes?)?| et (demie?))?|(min|mn|minutes?)|(j|jours?)|(sem|semaines?))$/.exec(
      ago,
    );
  if (!m) return null;
  const n = Number(m[1]);
  // "il y a 3 jours" names a day, not a time: same noon convention as a bare date.
  if (m[5] || m[6]) return { at: noon(toDay(subDays(now, m[6] ? 7 * n : n, { in: tz(zone) })), zone), precision: "day" };
  if (Number(m[2] ?? 0) > 59) return fail("durée impossible (minutes de 0 à 59). Exemple : il y a 1h30.");
  return minutesAgo(m[4] ? n : n * 60 + (m[3] ? 30 : Number(m[2] ?? 0)));
}

/**
 * Day words, weekdays and dates, each followed by an optional time; null when nothing matches.
 * A time typed first ("22h30 hier", "23h le 12/11") is moved after the day and read again, once. What
 * follows the time must name a day by itself, so that "22h le" (free text after the field, in a one-line
 * report) is not read as "le 22h", nor "22h hier 23h" as anything.
 */
function parseAbsolute(norm: string, now: Date, zone: string): Step<Parsed> | null {
  const read = parseDayThenTime(norm, now, zone);
  if (read !== null && !isError(read)) return read;
  const m = LEADING_CLOCK.exec(norm);
  const day = m ? parseDayThenTime(m[2] ?? "", now, zone) : null;
  if (!m || day === null || (!isError(day) && day.clock?.typed)) return read;
  const swapped = parseDayThenTime(`${m[2] ?? ""} ${m[1] ?? ""}`, now, zone);
  return read === null || (swapped !== null && !isError(swapped)) ? swapped : read;
}

function parseDayThenTime(norm: string, now: Date, zone: string): Step<Parsed> | null {
  // "la nuit dernière" is "cette nuit": the most recent 02:00.
  const body = norm.replace(/^le /, "").replace(/^(?:la )?nuit derniere(?= |$)/, "cette nuit");
  const daysBack = (...ks: number[]): Day[] => ks.map((k) => toDay(subDays(now, k, { in: tz(zone) })));
  const today = toDay(new TZDate(now.getTime(), zone));
  let m: RegExpExecArray | null;
  let days: Step<Day[]>;
  let rest: string;
  let mode: ClockMode = "day";
  let weekday: number | undefined;
  if ((m = /^(?:aujourd ?hui|auj)(?= |$)/.exec(body))) [days, rest] = [daysBack(0), after(body, m)];
  else if ((m = /^avant ?hier(?= |$)/.exec(body))) [days, rest] = [daysBack(2), after(body, m)];
  else if ((m = /^hier(?= |$)/.exec(body))) [days, rest] = [daysBack(1), after(body, m)];
  else if ((m = /^(?:ce|cet|cette) (?=[a-z])/.exec(body))) {
    rest = after(body, m);
    // Only "ce matin", "cette nuit"…; "cette nuit" is the most recent 02:00, possibly yesterday's.
    [days, mode] = [rest.startsWith("nuit") ? daysBack(0, 1) : daysBack(0), "ce"];
  } else if ((m = new RegExp(`^(${WEEKDAY_WORD})(?: (dernier|passe))?(?= |$)`).exec(body))) {
    const wanted = weekdayOf(m[1]);
    const dated = m[2] === undefined ? parseDate(after(body, m), today) : null;
    // "mardi 22.30" is a time, not an impossible 22/30.
    const clock = dated && isError(dated.days) ? parseClock(after(body, m), "day") : null;
    if (dated && (clock === null || isError(clock))) {
      // "mer 25/11": the date decides, the weekday is only checked once the year is known.
      [days, rest, weekday] = [dated.days, dated.rest, wanted];
    } else {
      // "sam" alone or "sam 22h" could be a name typed after the date ("quand=22h Sam et…").
      if ((m[1] ?? "").length === 3) return null;
      // "lundi dernier" is strictly before today; "lundi" may be today if the time has passed,
      // hence last week's as the fallback.
      const k = (new TZDate(now.getTime(), zone).getDay() - wanted + 7) % 7;
      [days, rest] = [m[2] === undefined ? daysBack(k, k + 7) : daysBack(k === 0 ? 7 : k), after(body, m)];
    }
  } else {
    const dated = parseDate(body, today);
    // Otherwise a bare time: today, or yesterday when today's would be in the future.
    [days, rest, mode] = dated ? [dated.days, dated.rest, "day"] : [daysBack(0, 1), body, "bare"];
  }
  if (isError(days)) return days;
  const clock = parseClock(rest.replace(/^(?:a|vers) /, ""), mode);
  if (clock === null || isError(clock)) return clock;
  return { days, clock: clock === "none" ? null : clock, ...(weekday === undefined ? {} : { weekday }) };
}

/** "2026-11-12", "12/11", "12.11.26", "12 nov", "1er décembre 2025" at the start of the text. */
function parseDate(body: string, today: Day): { days: Step<Day[]>; rest: string } | null {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: t)?(?= |$)/.exec(body))) {
    return { days: dateCandidates(today, Number(m[3]), Number(m[2]), m[1]), rest: after(body, m) };
  }
  if ((m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?= |$)/.exec(body))) {
    return { days: dateCandidates(today, Number(m[1]), Number(m[2]), m[3]), rest: after(body, m) };
  }
  if ((m = /^(1 ?er|\d{1,2}) ?([a-z]+)(?: (\d{4}))?(?= |$)/.exec(body)) && monthOf(m[2])) {
    const d = /er$/.test(m[1] ?? "") ? 1 : Number(m[1]);
    return { days: dateCandidates(today, d, monthOf(m[2]), m[3]), rest: after(body, m) };
  }
  return null;
}

/** 0 for "dimanche" or "dim", 1 for "lundi" or "lun"… */
function weekdayOf(word: string | undefined): number {
  return WEEKDAYS.findIndex((w) => w.startsWith(word ?? "-"));
}

/** "mardi 25/11" when the 25th is a Wednesday: say so rather than guess which of the two is wrong. */
function checkWeekday(day: Day, wanted: number | undefined): WhenError | null {
  const actual = new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();
  if (wanted === undefined || actual === wanted) return null;
  const date = `${pad(day.d)}/${pad(day.m)}/${day.y}`;
  return fail(`le ${date} est un ${WEEKDAYS[actual]}, pas un ${WEEKDAYS[wanted]}. Corrigez le jour ou la date.`);
}

function after(body: string, m: RegExpExecArray): string {
  return body.slice(m[0].length).trim();
}

function monthOf(word: string | undefined): number {
  const m = MONTH_WORD.exec(word ?? "");
  return m ? m.slice(1).findIndex((g) => g !== undefined) + 1 : 0;
}

/**
 * "22h", "22 h 15", "22:15", "22.15", "soir", "soir 22h" (the explicit clock wins), "midi", "minuit";
 * "none" for an empty rest when a day was given; null when it does not look like a time at all.
 *
 * "minuit" after a day is the midnight that ends it: "hier minuit" (like "hier soir à minuit") is today
 * 00:00, not the midnight at the start of yesterday, which nobody calls "hier minuit". A bare "minuit" is
 * the most recent one, so today 00:00 as well.
 */
function parseClock(rest: string, mode: ClockMode): Step<Clock | "none"> | null {
  if (rest === "") return mode === "day" ? "none" : null;
  const m =
    /^(?:(matin|midi|apres midi|aprem|soir|nuit)(?: |$))?(?:(?:a|vers) )?(?:(\d{1,2})(?: ?(?:h|heures?|:) ?(\d{2})?|\.(\d{2}))|(minuit))?$/.exec(
      rest,
    );
  if (!m) return null;
  // "ce"/"cette" needs a part of the day; "nuit" only as "cette nuit" ("hier nuit" is ambiguous);
  // a part of the day alone ("soir") does not say which day, but "midi" is a time.
  const period = m[1];
  const explicit = m[2] !== undefined || m[5] !== undefined;
  const allowed =
    mode === "ce"
      ? period !== undefined
      : mode === "day"
        ? period !== "nuit"
        : period === undefined || (period === "midi" && !explicit);
  if (!allowed || (period === undefined && !explicit)) return null;
  if (m[5] !== undefined) return { h: 0, min: 0, typed: true, nextDay: true };
  if (m[2] === undefined) return { h: PERIODS[m[1] ?? ""] ?? 12, min: 0, typed: false };
  const h = Number(m[2]);
  const min = Number(m[3] ?? m[4] ?? 0);
  if (h > 23 || min > 59) return fail("heure impossible (de 0h00 à 23h59). Exemple : 22h15.");
  return { h, min, typed: true };
}

/**
 * An explicit year gives one day. Without one, the nearest such date: "28/12" typed on 3 January is last
 * year's, but "28/11" typed on 26 November is a slip to refuse as future, not a fact from last year; so
 * is "26/11 23h" typed on 26 November at 21:00, rather than read as 26/11 of last year.
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
  if (ahead >= 0 && ahead < back && d <= daysInMonth(today.y, m)) return [{ y: today.y, m, d }];
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
function pickCandidate(p: Parsed, latest: number, zone: string): Step<Picked> | null {
  for (const day of p.days) {
    if (day.y < 1970) break; // Date's two-digit-year quirks; far older than any maxAgeDays anyway.
    if (p.clock === null) {
      if (localInstant(day, 0, 0, zone).at.getTime() <= latest) return { at: noon(day, zone), precision: "day", day };
      continue;
    }
    const clockDay = p.clock.nextDay ? addOneDay(day) : day;
    const { at, skipped } = localInstant(clockDay, p.clock.h, p.clock.min, zone);
    if (at.getTime() > latest) continue;
    if (skipped && p.clock.typed) {
      const when = `${WEEKDAYS[at.getDay()]} ${clockDay.d} ${MONTHS[clockDay.m - 1]} ${clockDay.y}`;
      return fail(
        `${pad(p.clock.h)}:${pad(p.clock.min)} n'existe pas le ${when} (passage à l'heure d'été). ` +
          `Indiquez par exemple ${pad(at.getHours())}:${pad(at.getMinutes())}.`,
      );
    }
    return { at, precision: "minute", day };
  }
  return null;
}

/** The next calendar day: plain calendar arithmetic, no time zone involved. */
function addOneDay(day: Day): Day {
  const next = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  return { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() };
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
