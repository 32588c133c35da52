import { TZDate } from "@date-fns/tz";
import { addDays } from "date-fns";

export type FutureWhen = { ok: true; at: number; hasTime: boolean } | { ok: false; error: string };

const WEEKDAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const EXAMPLES = "Exemples : 15/12 14h, 15/12/2026 9h30, demain 10h, mardi 14h, dans 7 jours.";

/**
 * A date in the future, as the coordinator types a meeting or a due date: `15/12 14h`,
 * `15/12/2026 9h30`, `demain 10h`, `mardi 14h` (the next one), `dans 7 jours`, `dans 2 semaines`.
 * Without a time, `defaultHour` (local) is used. Calendar maths in the cell's time zone.
 */
export function parseFutureWhen(text: string, now: number, timeZone: string, defaultHour = 9): FutureWhen {
  const value = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u00a0\u202f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const today = new TZDate(now, timeZone);
  const time = /(?:^|\s)(?:a\s)?(\d{1,2})\s*(?:h|:)\s*(\d{2})?$/.exec(value);
  const hour = time ? Number(time[1]) : defaultHour;
  const minute = time?.[2] ? Number(time[2]) : 0;
  if (hour > 23 || minute > 59) return { ok: false, error: `Heure impossible dans « ${text} ». ${EXAMPLES}` };
  const datePart = time ? value.slice(0, time.index).trim() : value;
  const day = resolveDay(datePart, today);
  if (!day) return { ok: false, error: `Date non comprise : « ${text} ». ${EXAMPLES}` };
  const at = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute, 0, timeZone).getTime();
  if (Number.isNaN(at)) return { ok: false, error: `Date impossible : « ${text} ». ${EXAMPLES}` };
  if (at <= now) return { ok: false, error: `« ${text} » est déjà passé : donnez une date à venir. ${EXAMPLES}` };
  if (at > now + 2 * 366 * 86_400_000) return { ok: false, error: `« ${text} » est à plus de deux ans : vérifiez l'année.` };
  return { ok: true, at, hasTime: time !== null };
}

function resolveDay(part: string, today: TZDate): TZDate | null {
  if (part === "" || part === "aujourd'hui" || part === "auj") return today;
  if (part === "demain") return addDays<TZDate>(today, 1);
  if (part === "apres-demain" || part === "apres demain") return addDays<TZDate>(today, 2);
  const inDays = /^dans (\d{1,3}) (jours?|j|semaines?|sem)$/.exec(part);
  if (inDays) return addDays<TZDate>(today, Number(inDays[1]) * (inDays[2]?.startsWith("s") ? 7 : 1));
  const weekday = WEEKDAYS.indexOf(part.replace(/^(ce |le )/, "").replace(/ prochain$/, ""));
  if (weekday >= 0) return addDays<TZDate>(today, (weekday - today.getDay() + 7) % 7 || 7);
  const date = /^(?:le )?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(part);
  if (!date) return null;
  const dayOfMonth = Number(date[1]);
  const month = Number(date[2]) - 1;
  let year = date[3] ? Number(date[3].length === 2 ? `20${date[3]}` : date[3]) : today.getFullYear();
  const candidate = (y: number) => new TZDate(y, month, dayOfMonth, 23, 59, 0, today.timeZone ?? "Europe/Paris");
  if (month < 0 || month > 11 || dayOfMonth < 1 || candidate(year).getDate() !== dayOfMonth) return null;
  // A day without a year that has already passed this year means next year.
  if (!date[3] && candidate(year).getTime() < today.getTime()) year += 1;
  return new TZDate(year, month, dayOfMonth, 0, 0, 0, today.timeZone ?? "Europe/Paris");
}
