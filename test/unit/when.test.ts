import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import { formatLocal, formatObserved, parseWhen } from "../../src/core/fr/when.js";

/** Thursday 26 November 2026, 21:07 in Paris (UTC+1). */
const THU = new Date("2026-11-26T20:07:00Z");
/** Monday 23 November 2026, 09:00 in Paris. */
const MON_MORNING = new Date("2026-11-23T08:00:00Z");
/** Sunday 3 January 2027, 11:00 in Paris: year-less dates of December are last year's. */
const JAN = new Date("2027-01-03T10:00:00Z");
/** Saturday 5 December 2026, 10:00 in Paris. */
const DEC = new Date("2026-12-05T09:00:00Z");
/** Friday 10 March 2028, 11:00 in Paris (2028 is a leap year). */
const LEAP = new Date("2028-03-10T10:00:00Z");
/** Spring forward: Sunday 29 March 2026, 02:00 CET → 03:00 CEST. */
const SPRING_NEXT_DAY = new Date("2026-03-30T10:00:00Z"); // Monday 12:00 CEST
const SPRING_SAME_DAY = new Date("2026-03-29T08:00:00Z"); // Sunday 10:00 CEST
const SPRING_EARLY = new Date("2026-03-29T02:00:00Z"); // Sunday 04:00 CEST
/** Fall back: Sunday 25 October 2026, 03:00 CEST → 02:00 CET; 02:00-02:59 happens twice. */
const AUTUMN_NEXT_DAY = new Date("2026-10-26T10:00:00Z"); // Monday 11:00 CET
const AUTUMN_SAME_DAY = new Date("2026-10-25T09:00:00Z"); // Sunday 10:00 CET
const AUTUMN_LATER = new Date("2026-10-27T10:00:00Z"); // Tuesday 11:00 CET

type Ok = [text: string, now: Date, at: string, echo: string];

const minute: Ok[] = [
  // Now and relative offsets
  ["maintenant", THU, "2026-11-26T20:07:00.000Z", "jeudi 26 novembre 2026 à 21:07"],
  ["à l'instant", THU, "2026-11-26T20:07:00.000Z", "jeudi 26 novembre 2026 à 21:07"],
  ["A l’instant", THU, "2026-11-26T20:07:00.000Z", "jeudi 26 novembre 2026 à 21:07"],
  ["now", THU, "2026-11-26T20:07:00.000Z", "jeudi 26 novembre 2026 à 21:07"],
  ["Maintenant.", new Date("2026-11-26T20:07:42.500Z"), "2026-11-26T20:07:00.000Z", "jeudi 26 novembre 2026 à 21:07"],
  ["il y a 2h", THU, "2026-11-26T18:07:00.000Z", "jeudi 26 novembre 2026 à 19:07"],
  ["il y a 2 h", THU, "2026-11-26T18:07:00.000Z", "jeudi 26 novembre 2026 à 19:07"],
  ["il y a 2 heures", THU, "2026-11-26T18:07:00.000Z", "jeudi 26 novembre 2026 à 19:07"],
  ["il y a 30 min", THU, "2026-11-26T19:37:00.000Z", "jeudi 26 novembre 2026 à 20:37"],
  ["il y a 45mn", THU, "2026-11-26T19:22:00.000Z", "jeudi 26 novembre 2026 à 20:22"],
  ["il y a 1h30", THU, "2026-11-26T18:37:00.000Z", "jeudi 26 novembre 2026 à 19:37"],
  ["ilya 1h", THU, "2026-11-26T19:07:00.000Z", "jeudi 26 novembre 2026 à 20:07"],
  ["il y a 22h", THU, "2026-11-25T22:07:00.000Z", "mercredi 25 novembre 2026 à 23:07"],
  // Spelled-out counts, quarters and halves of an hour
  ["il y a une heure", THU, "2026-11-26T19:07:00.000Z", "jeudi 26 novembre 2026 à 20:07"],
  ["il y a deux heures", THU, "2026-11-26T18:07:00.000Z", "jeudi 26 novembre 2026 à 19:07"],
  ["il y a dix minutes", THU, "2026-11-26T19:57:00.000Z", "jeudi 26 novembre 2026 à 20:57"],
  ["il y a un quart d'heure", THU, "2026-11-26T19:52:00.000Z", "jeudi 26 novembre 2026 à 20:52"],
  ["il y a un quart d’heure", THU, "2026-11-26T19:52:00.000Z", "jeudi 26 novembre 2026 à 20:52"],
  ["il y a trois quarts d'heure", THU, "2026-11-26T19:22:00.000Z", "jeudi 26 novembre 2026 à 20:22"],
  ["il y a une demi-heure", THU, "2026-11-26T19:37:00.000Z", "jeudi 26 novembre 2026 à 20:37"],
  ["il y a une demie heure", THU, "2026-11-26T19:37:00.000Z", "jeudi 26 novembre 2026 à 20:37"],
  ["il y a une heure et demie", THU, "2026-11-26T18:37:00.000Z", "jeudi 26 novembre 2026 à 19:37"],
  ["il y a 2h et demie", THU, "2026-11-26T17:37:00.000Z", "jeudi 26 novembre 2026 à 18:37"],
  // Today and parts of the day
  ["aujourd'hui 14h", THU, "2026-11-26T13:00:00.000Z", "jeudi 26 novembre 2026 à 14:00"],
  ["aujourd’hui à 14h", THU, "2026-11-26T13:00:00.000Z", "jeudi 26 novembre 2026 à 14:00"],
  ["auj 14h30", THU, "2026-11-26T13:30:00.000Z", "jeudi 26 novembre 2026 à 14:30"],
  ["ce matin", THU, "2026-11-26T07:00:00.000Z", "jeudi 26 novembre 2026 à 08:00"],
  ["ce midi", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 à 12:00"],
  ["cet après-midi", THU, "2026-11-26T14:00:00.000Z", "jeudi 26 novembre 2026 à 15:00"],
  ["cet apres-midi", THU, "2026-11-26T14:00:00.000Z", "jeudi 26 novembre 2026 à 15:00"],
  ["cet aprem", THU, "2026-11-26T14:00:00.000Z", "jeudi 26 novembre 2026 à 15:00"],
  ["ce soir", THU, "2026-11-26T19:00:00.000Z", "jeudi 26 novembre 2026 à 20:00"],
  ["cette nuit", THU, "2026-11-26T01:00:00.000Z", "jeudi 26 novembre 2026 à 02:00"],
  ["cette nuit", new Date("2026-11-26T00:30:00Z"), "2026-11-25T01:00:00.000Z", "mercredi 25 novembre 2026 à 02:00"],
  ["cette nuit 3h", THU, "2026-11-26T02:00:00.000Z", "jeudi 26 novembre 2026 à 03:00"],
  // "la nuit dernière" is "cette nuit"
  ["la nuit dernière", THU, "2026-11-26T01:00:00.000Z", "jeudi 26 novembre 2026 à 02:00"],
  ["La nuit derniere", new Date("2026-11-26T00:30:00Z"), "2026-11-25T01:00:00.000Z", "mercredi 25 novembre 2026 à 02:00"],
  ["la nuit dernière vers 3h", THU, "2026-11-26T02:00:00.000Z", "jeudi 26 novembre 2026 à 03:00"],
  ["nuit dernière 4h30", THU, "2026-11-26T03:30:00.000Z", "jeudi 26 novembre 2026 à 04:30"],
  // Yesterday, the day before
  ["hier 22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["Hier 22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["HIER 22H", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["hier\u00a022h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["hier\u202f22\u00a0h\u202f15", THU, "2026-11-25T21:15:00.000Z", "mercredi 25 novembre 2026 à 22:15"],
  ["  hier   22h  ", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["hier22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["hier à 22:30", THU, "2026-11-25T21:30:00.000Z", "mercredi 25 novembre 2026 à 22:30"],
  ["hier soir", THU, "2026-11-25T19:00:00.000Z", "mercredi 25 novembre 2026 à 20:00"],
  ["hier soir vers 23h", THU, "2026-11-25T22:00:00.000Z", "mercredi 25 novembre 2026 à 23:00"],
  ["hier matin", THU, "2026-11-25T07:00:00.000Z", "mercredi 25 novembre 2026 à 08:00"],
  ["avant-hier 6h", THU, "2026-11-24T05:00:00.000Z", "mardi 24 novembre 2026 à 06:00"],
  ["AVANT HIER 6H", THU, "2026-11-24T05:00:00.000Z", "mardi 24 novembre 2026 à 06:00"],
  ["hier 22.30", THU, "2026-11-25T21:30:00.000Z", "mercredi 25 novembre 2026 à 22:30"],
  ["hier à 6.05", THU, "2026-11-25T05:05:00.000Z", "mercredi 25 novembre 2026 à 06:05"],
  ["12/11 22.30", THU, "2026-11-12T21:30:00.000Z", "jeudi 12 novembre 2026 à 22:30"],
  ["hier midi", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 à 12:00"],
  // "minuit" after a day is the midnight that ends it: "hier minuit" is today 00:00.
  ["hier minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["hier à minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["hier soir vers minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["avant-hier minuit", THU, "2026-11-24T23:00:00.000Z", "mercredi 25 novembre 2026 à 00:00"],
  ["cette nuit à minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["lundi minuit", THU, "2026-11-23T23:00:00.000Z", "mardi 24 novembre 2026 à 00:00"],
  ["30/11 minuit", DEC, "2026-11-30T23:00:00.000Z", "mardi 1er décembre 2026 à 00:00"],
  ["31/12 minuit", JAN, "2026-12-31T23:00:00.000Z", "vendredi 1er janvier 2027 à 00:00"],
  // The time first
  ["22h30 hier", THU, "2026-11-25T21:30:00.000Z", "mercredi 25 novembre 2026 à 22:30"],
  ["22h hier soir", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["22.30 hier", THU, "2026-11-25T21:30:00.000Z", "mercredi 25 novembre 2026 à 22:30"],
  ["vers 6h avant-hier", THU, "2026-11-24T05:00:00.000Z", "mardi 24 novembre 2026 à 06:00"],
  ["minuit hier", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["23h le 12/11", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["6h lundi dernier", THU, "2026-11-23T05:00:00.000Z", "lundi 23 novembre 2026 à 06:00"],
  ["22h mer. 25/11", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  // Bare times: today, or yesterday when today's is still to come
  ["22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["22h15", THU, "2026-11-25T21:15:00.000Z", "mercredi 25 novembre 2026 à 22:15"],
  ["22:15", THU, "2026-11-25T21:15:00.000Z", "mercredi 25 novembre 2026 à 22:15"],
  ["6h30", THU, "2026-11-26T05:30:00.000Z", "jeudi 26 novembre 2026 à 06:30"],
  ["0h05", THU, "2026-11-25T23:05:00.000Z", "jeudi 26 novembre 2026 à 00:05"],
  ["21h15", THU, "2026-11-26T20:15:00.000Z", "jeudi 26 novembre 2026 à 21:15"], // within the 10-minute tolerance
  ["21h20", THU, "2026-11-25T20:20:00.000Z", "mercredi 25 novembre 2026 à 21:20"],
  ["vers 20 h", THU, "2026-11-26T19:00:00.000Z", "jeudi 26 novembre 2026 à 20:00"],
  ["minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  ["vers minuit", new Date("2026-11-26T23:30:00Z"), "2026-11-26T23:00:00.000Z", "vendredi 27 novembre 2026 à 00:00"],
  ["midi", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 à 12:00"],
  ["à midi", MON_MORNING, "2026-11-22T11:00:00.000Z", "dimanche 22 novembre 2026 à 12:00"],
  // Weekdays: the most recent one not in the future
  ["lundi 6h30", THU, "2026-11-23T05:30:00.000Z", "lundi 23 novembre 2026 à 06:30"],
  ["mardi soir", THU, "2026-11-24T19:00:00.000Z", "mardi 24 novembre 2026 à 20:00"],
  ["jeudi 14h", THU, "2026-11-26T13:00:00.000Z", "jeudi 26 novembre 2026 à 14:00"],
  ["jeudi 22h", THU, "2026-11-19T21:00:00.000Z", "jeudi 19 novembre 2026 à 22:00"],
  ["vendredi 23h", THU, "2026-11-20T22:00:00.000Z", "vendredi 20 novembre 2026 à 23:00"],
  ["lundi 10h", MON_MORNING, "2026-11-16T09:00:00.000Z", "lundi 16 novembre 2026 à 10:00"],
  // "… dernier": strictly before today, whatever the time
  ["lundi dernier 22h", THU, "2026-11-23T21:00:00.000Z", "lundi 23 novembre 2026 à 22:00"],
  ["mardi dernier soir", THU, "2026-11-24T19:00:00.000Z", "mardi 24 novembre 2026 à 20:00"],
  ["mercredi dernier à 23h", THU, "2026-11-25T22:00:00.000Z", "mercredi 25 novembre 2026 à 23:00"],
  ["jeudi dernier 14h", THU, "2026-11-19T13:00:00.000Z", "jeudi 19 novembre 2026 à 14:00"],
  ["lundi dernier 8h", MON_MORNING, "2026-11-16T07:00:00.000Z", "lundi 16 novembre 2026 à 08:00"],
  ["lundi 8h", MON_MORNING, "2026-11-23T07:00:00.000Z", "lundi 23 novembre 2026 à 08:00"],
  ["Lundi passé 6h30", THU, "2026-11-23T05:30:00.000Z", "lundi 23 novembre 2026 à 06:30"],
  ["le lundi dernier 22h", THU, "2026-11-23T21:00:00.000Z", "lundi 23 novembre 2026 à 22:00"],
  // A weekday with a date: the date decides, the weekday is checked
  ["mercredi 25/11 22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["mer. 25/11 22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["Mer 25/11 à 22h15", THU, "2026-11-25T21:15:00.000Z", "mercredi 25 novembre 2026 à 22:15"],
  ["le mercredi 25/11 22h", THU, "2026-11-25T21:00:00.000Z", "mercredi 25 novembre 2026 à 22:00"],
  ["jeu 12/11/2026 6h", THU, "2026-11-12T05:00:00.000Z", "jeudi 12 novembre 2026 à 06:00"],
  ["mardi 1er décembre 8h", DEC, "2026-12-01T07:00:00.000Z", "mardi 1er décembre 2026 à 08:00"],
  ["mercredi 25/11 minuit", THU, "2026-11-25T23:00:00.000Z", "jeudi 26 novembre 2026 à 00:00"],
  // … but "mardi 22.30" is a time: 22/30 is no date.
  ["mardi 22.30", THU, "2026-11-24T21:30:00.000Z", "mardi 24 novembre 2026 à 22:30"],
  // Dates
  ["12/11 23h", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["le 12/11 à 23h", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["12/11/2026 6h", THU, "2026-11-12T05:00:00.000Z", "jeudi 12 novembre 2026 à 06:00"],
  ["12-11 23h", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["12.11 23:45", THU, "2026-11-12T22:45:00.000Z", "jeudi 12 novembre 2026 à 23:45"],
  ["12 novembre 23h", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["12 Nov. 23h", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["1er décembre 8h", DEC, "2026-12-01T07:00:00.000Z", "mardi 1er décembre 2026 à 08:00"],
  ["1er decembre 8h", DEC, "2026-12-01T07:00:00.000Z", "mardi 1er décembre 2026 à 08:00"],
  ["1 er décembre 2025 8h", THU, "2025-12-01T07:00:00.000Z", "lundi 1er décembre 2025 à 08:00"],
  ["3 aout 10h", THU, "2026-08-03T08:00:00.000Z", "lundi 3 août 2026 à 10:00"],
  ["31/12 23h", JAN, "2026-12-31T22:00:00.000Z", "jeudi 31 décembre 2026 à 23:00"],
  ["2026-11-12T23:00", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["2026-11-12 23:00", THU, "2026-11-12T22:00:00.000Z", "jeudi 12 novembre 2026 à 23:00"],
  ["2026-07-14T06:00", THU, "2026-07-14T04:00:00.000Z", "mardi 14 juillet 2026 à 06:00"], // summer time
];

const day: Ok[] = [
  ["avant hier", THU, "2026-11-24T11:00:00.000Z", "mardi 24 novembre 2026 (heure non précisée)"],
  ["hier", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 (heure non précisée)"],
  ["auj", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 (heure non précisée)"],
  ["il y a 3 jours", THU, "2026-11-23T11:00:00.000Z", "lundi 23 novembre 2026 (heure non précisée)"],
  ["dimanche", THU, "2026-11-22T11:00:00.000Z", "dimanche 22 novembre 2026 (heure non précisée)"],
  ["Jeudi", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 (heure non précisée)"],
  // Today has begun, so "lundi" on Monday 09:00 is today although its noon is later.
  ["lundi", MON_MORNING, "2026-11-23T11:00:00.000Z", "lundi 23 novembre 2026 (heure non précisée)"],
  ["samedi", JAN, "2027-01-02T11:00:00.000Z", "samedi 2 janvier 2027 (heure non précisée)"],
  ["jeudi dernier", THU, "2026-11-19T11:00:00.000Z", "jeudi 19 novembre 2026 (heure non précisée)"],
  ["mercredi dernier", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 (heure non précisée)"],
  ["vendredi dernier", THU, "2026-11-20T11:00:00.000Z", "vendredi 20 novembre 2026 (heure non précisée)"],
  ["lundi dernier", MON_MORNING, "2026-11-16T11:00:00.000Z", "lundi 16 novembre 2026 (heure non précisée)"],
  ["samedi dernier", JAN, "2027-01-02T11:00:00.000Z", "samedi 2 janvier 2027 (heure non précisée)"],
  ["dimanche dernier", JAN, "2026-12-27T11:00:00.000Z", "dimanche 27 décembre 2026 (heure non précisée)"],
  ["mer 25/11", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 (heure non précisée)"],
  ["Mer. 25 nov.", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 (heure non précisée)"],
  ["jeudi 26/11", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 (heure non précisée)"],
  ["lun 28/12", JAN, "2026-12-28T11:00:00.000Z", "lundi 28 décembre 2026 (heure non précisée)"],
  ["il y a un jour", THU, "2026-11-25T11:00:00.000Z", "mercredi 25 novembre 2026 (heure non précisée)"],
  ["il y a deux jours", THU, "2026-11-24T11:00:00.000Z", "mardi 24 novembre 2026 (heure non précisée)"],
  ["il y a 1 semaine", THU, "2026-11-19T11:00:00.000Z", "jeudi 19 novembre 2026 (heure non précisée)"],
  ["il y a une semaine", THU, "2026-11-19T11:00:00.000Z", "jeudi 19 novembre 2026 (heure non précisée)"],
  ["il y a deux semaines", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["il y a 3 sem", THU, "2026-11-05T11:00:00.000Z", "jeudi 5 novembre 2026 (heure non précisée)"],
  ["12/11", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["12/11/26", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["12.11", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["12 nov", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["26/11", THU, "2026-11-26T11:00:00.000Z", "jeudi 26 novembre 2026 (heure non précisée)"],
  ["2026-11-12", THU, "2026-11-12T11:00:00.000Z", "jeudi 12 novembre 2026 (heure non précisée)"],
  ["3 fevrier", THU, "2026-02-03T11:00:00.000Z", "mardi 3 février 2026 (heure non précisée)"],
  ["3 février", THU, "2026-02-03T11:00:00.000Z", "mardi 3 février 2026 (heure non précisée)"],
  ["15 août", THU, "2026-08-15T10:00:00.000Z", "samedi 15 août 2026 (heure non précisée)"],
  // Year omitted, around New Year: last December, this January.
  ["28/12", JAN, "2026-12-28T11:00:00.000Z", "lundi 28 décembre 2026 (heure non précisée)"],
  ["12 decembre", JAN, "2026-12-12T11:00:00.000Z", "samedi 12 décembre 2026 (heure non précisée)"],
  ["1er janvier", JAN, "2027-01-01T11:00:00.000Z", "vendredi 1er janvier 2027 (heure non précisée)"],
  ["29/02", LEAP, "2028-02-29T11:00:00.000Z", "mardi 29 février 2028 (heure non précisée)"],
];

const dst: Ok[] = [
  // Spring forward, Sunday 29 March 2026: 01:30 is CET (+1), 03:30 is CEST (+2).
  ["hier 1h30", SPRING_NEXT_DAY, "2026-03-29T00:30:00.000Z", "dimanche 29 mars 2026 à 01:30"],
  ["hier 3h30", SPRING_NEXT_DAY, "2026-03-29T01:30:00.000Z", "dimanche 29 mars 2026 à 03:30"],
  ["hier 12h", SPRING_NEXT_DAY, "2026-03-29T10:00:00.000Z", "dimanche 29 mars 2026 à 12:00"],
  ["samedi 23h", SPRING_NEXT_DAY, "2026-03-28T22:00:00.000Z", "samedi 28 mars 2026 à 23:00"],
  ["il y a 24h", SPRING_NEXT_DAY, "2026-03-29T10:00:00.000Z", "dimanche 29 mars 2026 à 12:00"],
  // Three real hours before 04:00 CEST is 00:00 CET: the lost hour is not counted twice.
  ["il y a 3h", SPRING_EARLY, "2026-03-28T23:00:00.000Z", "dimanche 29 mars 2026 à 00:00"],
  // The implied 02:00 of "cette nuit" does not exist that day: date-fns/tz moves it to 03:00 CEST.
  ["cette nuit", SPRING_SAME_DAY, "2026-03-29T01:00:00.000Z", "dimanche 29 mars 2026 à 03:00"],
  ["29/03 1h", SPRING_SAME_DAY, "2026-03-29T00:00:00.000Z", "dimanche 29 mars 2026 à 01:00"],
  // Fall back, Sunday 25 October 2026: 02:00-02:59 happens twice, the first (CEST) one is chosen.
  ["hier 2h30", AUTUMN_NEXT_DAY, "2026-10-25T00:30:00.000Z", "dimanche 25 octobre 2026 à 02:30"],
  ["hier 2h", AUTUMN_NEXT_DAY, "2026-10-25T00:00:00.000Z", "dimanche 25 octobre 2026 à 02:00"],
  ["hier 1h30", AUTUMN_NEXT_DAY, "2026-10-24T23:30:00.000Z", "dimanche 25 octobre 2026 à 01:30"],
  ["hier 3h30", AUTUMN_NEXT_DAY, "2026-10-25T02:30:00.000Z", "dimanche 25 octobre 2026 à 03:30"],
  ["hier 22h", AUTUMN_NEXT_DAY, "2026-10-25T21:00:00.000Z", "dimanche 25 octobre 2026 à 22:00"],
  ["cette nuit", AUTUMN_SAME_DAY, "2026-10-25T00:00:00.000Z", "dimanche 25 octobre 2026 à 02:00"],
  ["25/10 2h45", AUTUMN_LATER, "2026-10-25T00:45:00.000Z", "dimanche 25 octobre 2026 à 02:45"],
  ["samedi 22h", AUTUMN_NEXT_DAY, "2026-10-24T20:00:00.000Z", "samedi 24 octobre 2026 à 22:00"],
  // The new forms on DST days.
  ["samedi dernier 23h", SPRING_NEXT_DAY, "2026-03-28T22:00:00.000Z", "samedi 28 mars 2026 à 23:00"],
  ["dimanche dernier 3h30", SPRING_NEXT_DAY, "2026-03-29T01:30:00.000Z", "dimanche 29 mars 2026 à 03:30"],
  ["dim. 29/03 12h", SPRING_NEXT_DAY, "2026-03-29T10:00:00.000Z", "dimanche 29 mars 2026 à 12:00"],
  ["3h30 hier", SPRING_NEXT_DAY, "2026-03-29T01:30:00.000Z", "dimanche 29 mars 2026 à 03:30"],
  ["hier 1.30", SPRING_NEXT_DAY, "2026-03-29T00:30:00.000Z", "dimanche 29 mars 2026 à 01:30"],
  ["hier minuit", SPRING_NEXT_DAY, "2026-03-29T22:00:00.000Z", "lundi 30 mars 2026 à 00:00"], // CEST
  ["hier minuit", SPRING_SAME_DAY, "2026-03-28T23:00:00.000Z", "dimanche 29 mars 2026 à 00:00"], // still CET
  ["la nuit dernière", SPRING_SAME_DAY, "2026-03-29T01:00:00.000Z", "dimanche 29 mars 2026 à 03:00"],
  ["il y a une heure", SPRING_EARLY, "2026-03-29T01:00:00.000Z", "dimanche 29 mars 2026 à 03:00"],
  ["dimanche dernier 2h30", AUTUMN_NEXT_DAY, "2026-10-25T00:30:00.000Z", "dimanche 25 octobre 2026 à 02:30"],
  ["dim 25/10 2h30", AUTUMN_LATER, "2026-10-25T00:30:00.000Z", "dimanche 25 octobre 2026 à 02:30"],
  ["2h30 hier", AUTUMN_NEXT_DAY, "2026-10-25T00:30:00.000Z", "dimanche 25 octobre 2026 à 02:30"],
  ["hier minuit", AUTUMN_NEXT_DAY, "2026-10-25T23:00:00.000Z", "lundi 26 octobre 2026 à 00:00"], // CET
  ["samedi minuit", AUTUMN_NEXT_DAY, "2026-10-24T22:00:00.000Z", "dimanche 25 octobre 2026 à 00:00"], // CEST
  ["la nuit dernière", AUTUMN_SAME_DAY, "2026-10-25T00:00:00.000Z", "dimanche 25 octobre 2026 à 02:00"],
  // Thirty real minutes before the second 02:15 (CET) is 02:45 in the first pass (CEST).
  ["il y a une demi-heure", new Date("2026-10-25T01:15:00Z"), "2026-10-25T00:45:00.000Z", "dimanche 25 octobre 2026 à 02:45"],
];

const dstDay: Ok[] = [
  ["hier", SPRING_NEXT_DAY, "2026-03-29T10:00:00.000Z", "dimanche 29 mars 2026 (heure non précisée)"],
  ["il y a 3 jours", AUTUMN_LATER, "2026-10-24T10:00:00.000Z", "samedi 24 octobre 2026 (heure non précisée)"],
  ["dimanche", AUTUMN_NEXT_DAY, "2026-10-25T11:00:00.000Z", "dimanche 25 octobre 2026 (heure non précisée)"],
  ["dimanche dernier", AUTUMN_NEXT_DAY, "2026-10-25T11:00:00.000Z", "dimanche 25 octobre 2026 (heure non précisée)"],
  ["dimanche dernier", SPRING_NEXT_DAY, "2026-03-29T10:00:00.000Z", "dimanche 29 mars 2026 (heure non précisée)"],
  ["il y a 1 semaine", AUTUMN_LATER, "2026-10-20T10:00:00.000Z", "mardi 20 octobre 2026 (heure non précisée)"],
  ["il y a une semaine", SPRING_NEXT_DAY, "2026-03-23T11:00:00.000Z", "lundi 23 mars 2026 (heure non précisée)"],
  ["il y a deux jours", SPRING_NEXT_DAY, "2026-03-28T11:00:00.000Z", "samedi 28 mars 2026 (heure non précisée)"],
];

const EXAMPLES = "Exemples : hier 22h, lundi 6h30, 12/11 23h, il y a 2h, maintenant.";
const FUTURE = "est dans le futur : un fait observé ne peut pas être à venir.";
const OLD = "remonte à plus de 365 jours : vérifiez la date (exemple : 12/11 23h).";
const BAD_DATE = "date impossible. Exemple : 12/11 23h.";
const BAD_TIME = "heure impossible (de 0h00 à 23h59). Exemple : 22h15.";
const VAGUE =
  "est trop vague : indiquez l'heure, même approximative. Exemples : il y a 2h, il y a une demi-heure, ce matin, vers 14h, hier 22h.";
const FIX_DAY = "Corrigez le jour ou la date.";

const refused: [text: string, now: Date, error: string][] = [
  ["28/11", THU, `« 28/11 » ${FUTURE}`],
  ["1er décembre 8h", THU, `« 1er décembre 8h » ${FUTURE}`],
  ["12/12/2026", THU, `« 12/12/2026 » ${FUTURE}`],
  ["2026-11-27T08:00", THU, `« 2026-11-27T08:00 » ${FUTURE}`],
  ["ce soir", new Date("2026-11-26T13:00:00Z"), `« ce soir » ${FUTURE}`],
  ["aujourd'hui 23h", THU, `« aujourd'hui 23h » ${FUTURE}`],
  ["12/11/2024", THU, `« 12/11/2024 » ${OLD}`],
  ["12/11/25", THU, `« 12/11/25 » ${OLD}`],
  ["il y a 400 jours", THU, `« il y a 400 jours » ${OLD}`],
  ["il y a 99999999999999999999 jours", THU, `« il y a 99999999999999999999 jours » ${OLD}`],
  ["29/02", THU, `« 29/02 » ${OLD}`],
  ["31/02", THU, `« 31/02 » : ${BAD_DATE}`],
  ["29/02/2027", LEAP, `« 29/02/2027 » : ${BAD_DATE}`],
  ["31/11 22h", THU, `« 31/11 22h » : ${BAD_DATE}`],
  ["13/13", THU, `« 13/13 » : ${BAD_DATE}`],
  ["00/11", THU, `« 00/11 » : ${BAD_DATE}`],
  ["25h", THU, `« 25h » : ${BAD_TIME}`],
  ["12h75", THU, `« 12h75 » : ${BAD_TIME}`],
  ["hier 24h", THU, `« hier 24h » : ${BAD_TIME}`],
  ["il y a 1h75", THU, "« il y a 1h75 » : durée impossible (minutes de 0 à 59). Exemple : il y a 1h30."],
  ["xyz", THU, `Date non comprise : « xyz ». ${EXAMPLES}`],
  ["demain 8h", THU, `Date non comprise : « demain 8h ». ${EXAMPLES}`],
  ["hier nuit", THU, `Date non comprise : « hier nuit ». ${EXAMPLES}`],
  ["soir", THU, `Date non comprise : « soir ». ${EXAMPLES}`],
  ["ce 22h", THU, `Date non comprise : « ce 22h ». ${EXAMPLES}`],
  ["12/11 xyz", THU, `Date non comprise : « 12/11 xyz ». ${EXAMPLES}`],
  ["   ", THU, `Date manquante. ${EXAMPLES}`],
  // A weekday that does not match its date: refused, naming the real weekday.
  ["mardi 25/11 22h", THU, `« mardi 25/11 22h » : le 25/11/2026 est un mercredi, pas un mardi. ${FIX_DAY}`],
  ["jeu 25/11", THU, `« jeu 25/11 » : le 25/11/2026 est un mercredi, pas un jeudi. ${FIX_DAY}`],
  ["sam. 1er décembre", DEC, `« sam. 1er décembre » : le 01/12/2026 est un mardi, pas un samedi. ${FIX_DAY}`],
  ["sam 28/12", JAN, `« sam 28/12 » : le 28/12/2026 est un lundi, pas un samedi. ${FIX_DAY}`],
  ["vendredi 12/11/2026 6h", THU, `« vendredi 12/11/2026 6h » : le 12/11/2026 est un jeudi, pas un vendredi. ${FIX_DAY}`],
  ["vendredi 27/11", THU, `« vendredi 27/11 » ${FUTURE}`],
  ["mercredi 31/11", THU, `« mercredi 31/11 » : ${BAD_DATE}`],
  // Today's date with a time still to come is a slip, not the same day last year.
  ["26/11 22h", THU, `« 26/11 22h » ${FUTURE}`],
  ["jeudi 26/11 22h", THU, `« jeudi 26/11 22h » ${FUTURE}`],
  // Abbreviated weekdays only before a date: "quand=22h Sam et…" must not be a Saturday.
  ["sam 22h", THU, `Date non comprise : « sam 22h ». ${EXAMPLES}`],
  ["mer", THU, `Date non comprise : « mer ». ${EXAMPLES}`],
  ["lundi dernier 12/11", THU, `Date non comprise : « lundi dernier 12/11 ». ${EXAMPLES}`],
  ["hier 22.75", THU, `« hier 22.75 » : ${BAD_TIME}`],
  ["25h hier", THU, `« 25h hier » : ${BAD_TIME}`],
  ["22h xyz", THU, `Date non comprise : « 22h xyz ». ${EXAMPLES}`],
  ["22h le", THU, `Date non comprise : « 22h le ». ${EXAMPLES}`],
  ["22h hier 23h", THU, `Date non comprise : « 22h hier 23h ». ${EXAMPLES}`],
  ["22h 31/11", THU, `« 22h 31/11 » : ${BAD_DATE}`],
  ["ce midi", MON_MORNING, `« ce midi » ${FUTURE}`],
  ["aujourd'hui minuit", THU, `« aujourd'hui minuit » ${FUTURE}`],
  ["il y a 99999999999 semaines", THU, `« il y a 99999999999 semaines » ${OLD}`],
  ["il y a quelques minutes", THU, `Date non comprise : « il y a quelques minutes ». ${EXAMPLES}`],
  ["tout à l'heure", THU, `« tout à l'heure » ${VAGUE}`],
  ["Tout à l’heure.", THU, `« Tout à l’heure. » ${VAGUE}`],
  // Spring forward: a typed 02:30 on 29 March 2026 does not exist in Paris; refused rather than shifted.
  [
    "hier 2h30",
    SPRING_NEXT_DAY,
    "« hier 2h30 » : 02:30 n'existe pas le dimanche 29 mars 2026 (passage à l'heure d'été). Indiquez par exemple 03:30.",
  ],
  [
    "29/03 2h",
    SPRING_NEXT_DAY,
    "« 29/03 2h » : 02:00 n'existe pas le dimanche 29 mars 2026 (passage à l'heure d'été). Indiquez par exemple 03:00.",
  ],
  [
    "dimanche dernier 2h30",
    SPRING_NEXT_DAY,
    "« dimanche dernier 2h30 » : 02:30 n'existe pas le dimanche 29 mars 2026 (passage à l'heure d'été). Indiquez par exemple 03:30.",
  ],
  [
    "2h30 hier",
    SPRING_NEXT_DAY,
    "« 2h30 hier » : 02:30 n'existe pas le dimanche 29 mars 2026 (passage à l'heure d'été). Indiquez par exemple 03:30.",
  ],
];

function expectOk(text: string, now: Date, at: string, precision: "minute" | "day", echo: string): void {
  const result = parseWhen(text, now);
  expect(result).toEqual({ ok: true, at: new Date(at), precision, echo });
  if (result.ok) expect(result.at.toISOString()).toBe(at);
}

describe("parseWhen", () => {
  it.each(minute)("%j (now %s) → %s, %s", (text, now, at, echo) => expectOk(text, now, at, "minute", echo));
  it.each(day)("%j (now %s) → %s, %s", (text, now, at, echo) => expectOk(text, now, at, "day", echo));
  it.each(dst)("DST: %j (now %s) → %s, %s", (text, now, at, echo) => expectOk(text, now, at, "minute", echo));
  it.each(dstDay)("DST: %j (now %s) → %s, %s", (text, now, at, echo) => expectOk(text, now, at, "day", echo));
  it.each(refused)("refuses %j (now %s)", (text, now, error) => {
    expect(parseWhen(text, now)).toEqual({ ok: false, error });
  });

  it("honours futureToleranceMinutes", () => {
    expect(parseWhen("21h15", THU, { futureToleranceMinutes: 0 })).toMatchObject({
      ok: true,
      at: new Date("2026-11-25T20:15:00Z"),
    });
    expect(parseWhen("28/11/2026", THU, { futureToleranceMinutes: 3 * 24 * 60 })).toMatchObject({ ok: true });
  });

  it("honours maxAgeDays", () => {
    expect(parseWhen("12/10 23h", THU, { maxAgeDays: 30 })).toEqual({
      ok: false,
      error: "« 12/10 23h » remonte à plus de 30 jours : vérifiez la date (exemple : 12/11 23h).",
    });
    expect(parseWhen("12/11/2024", THU, { maxAgeDays: 800 })).toMatchObject({ ok: true, precision: "day" });
  });

  it("honours timeZone", () => {
    expect(parseWhen("hier 22h", THU, { timeZone: "America/New_York" })).toEqual({
      ok: true,
      at: new Date("2026-11-26T03:00:00Z"),
      precision: "minute",
      echo: "mercredi 25 novembre 2026 à 22:00",
    });
  });

  it("never throws and always answers, on 2,000 random strings", () => {
    const random = mulberry32(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const chars = [..."0123456789hH:-/. abcdijlmnorstuvyzéèàûçAHJ", "\u00a0", "\u202f", "'", "’"];
    const words = ["hier", "avant", "lundi", "12/11", "22h", "il y a", "jours", "min", "ce", "cette", "soir"];
    const more = ["nuit", "1er", "décembre", "2026-11-12T", "99", "31", "02", "à", "t", "maintenant", " "];
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(random() * 16);
      const parts = Array.from({ length }, () => (i % 2 === 0 ? pick(chars) : pick([...words, ...more])));
      const text = parts.join(i % 2 === 0 ? "" : pick([" ", ""]));
      const result = parseWhen(text, THU);
      if (result.ok) {
        expect(Number.isFinite(result.at.getTime()), text).toBe(true);
        expect(result.at.getTime(), text).toBeLessThanOrEqual(THU.getTime() + 10 * 60_000);
        expect(THU.getTime() - result.at.getTime(), text).toBeLessThanOrEqual(365 * 86_400_000);
        expect(result.echo.length, text).toBeGreaterThan(0);
      } else {
        expect(result.error.length, text).toBeGreaterThan(0);
      }
    }
  });
});

describe("parseWhen on the newer forms", () => {
  it("never throws and always answers, on 2,000 random strings of their words", () => {
    const random = mulberry32(20261127);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const words = ["dernier", "passé", "minuit", "midi", "mer.", "jeu", "sam", "mardi", "25/11", "31/11", "22.30", "99.99"];
    const more = ["il y a", "une", "deux", "dix", "quart", "quarts", "d'heure", "demi-heure", "heure", "et", "demie", "semaine"];
    const rest = ["semaines", "la", "nuit", "dernière", "tout", "à", "l'heure", "hier", "22h30", "le", "12/11", "vers", "6h"];
    for (let i = 0; i < 2000; i++) {
      const length = 1 + Math.floor(random() * 5);
      const text = Array.from({ length }, () => pick([...words, ...more, ...rest])).join(" ");
      const result = parseWhen(text, THU);
      if (result.ok) {
        expect(Number.isFinite(result.at.getTime()), text).toBe(true);
        expect(result.at.getTime(), text).toBeLessThanOrEqual(THU.getTime() + 10 * 60_000);
        expect(THU.getTime() - result.at.getTime(), text).toBeLessThanOrEqual(365 * 86_400_000);
      } else {
        expect(result.error.length, text).toBeGreaterThan(0);
      }
    }
  });
});

describe("parseWhen on weekdays, every day of 2026", () => {
  // Noon every day of the year, DST days included, and every weekday typed each of those days.
  const nows = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 11)));
  const names = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
  const localDay = (at: Date) => new TZDate(at.getTime(), "Europe/Paris");
  const daysBetween = (a: Date, b: Date) => {
    const [x, y] = [localDay(a), localDay(b)];
    return Math.round(
      (Date.UTC(x.getFullYear(), x.getMonth(), x.getDate()) - Date.UTC(y.getFullYear(), y.getMonth(), y.getDate())) / 86_400_000,
    );
  };

  it("reads « <jour> dernier 22h » as that weekday, 1 to 7 days before today, at 22:00 local", () => {
    for (const now of nows) {
      names.forEach((name, weekday) => {
        const result = parseWhen(`${name} dernier 22h`, now);
        expect(result.ok, `${name} ${now.toISOString()}`).toBe(true);
        if (!result.ok) return;
        const local = localDay(result.at);
        expect([local.getDay(), local.getHours(), local.getMinutes()]).toEqual([weekday, 22, 0]);
        expect(daysBetween(now, result.at)).toBeGreaterThanOrEqual(1);
        expect(daysBetween(now, result.at)).toBeLessThanOrEqual(7);
      });
    }
  });

  it("accepts « <jour> jj/mm » only with the date's real weekday", () => {
    for (const now of nows.slice(7)) {
      const date = localDay(new Date(now.getTime() - 3 * 86_400_000));
      const ddmm = `${String(date.getDate()).padStart(2, "0")}/${String(date.getMonth() + 1).padStart(2, "0")}`;
      names.forEach((name, weekday) => {
        const result = parseWhen(`${name.slice(0, 3)}. ${ddmm} 21h`, now);
        if (weekday === date.getDay()) {
          expect(result.ok && localDay(result.at).getDate(), `${name} ${ddmm}`).toBe(date.getDate());
        } else {
          expect(!result.ok && result.error, `${name} ${ddmm}`).toContain(`est un ${names[date.getDay()]}, pas un ${name}.`);
        }
      });
    }
  });
});

describe("formatLocal", () => {
  it.each([
    ["2026-11-25T21:00:00Z", undefined, "mercredi 25 novembre 2026 à 22:00"],
    ["2026-12-01T07:05:00Z", undefined, "mardi 1er décembre 2026 à 08:05"],
    ["2026-08-15T22:30:00Z", undefined, "dimanche 16 août 2026 à 00:30"],
    ["2026-10-25T00:30:00Z", undefined, "dimanche 25 octobre 2026 à 02:30"],
    ["2026-10-25T01:30:00Z", undefined, "dimanche 25 octobre 2026 à 02:30"],
    ["2026-11-25T21:00:00Z", "UTC", "mercredi 25 novembre 2026 à 21:00"],
  ])("%s in %s → %s", (iso, zone, expected) => {
    expect(formatLocal(new Date(iso), zone)).toBe(expected);
  });
});

describe("formatObserved", () => {
  it("echoes a minute, or a day without its noon placeholder", () => {
    const at = new Date("2026-11-25T11:00:00Z");
    expect(formatObserved(at, "minute")).toBe("mercredi 25 novembre 2026 à 12:00");
    expect(formatObserved(at, "day")).toBe("mercredi 25 novembre 2026 (heure non précisée)");
    expect(formatObserved(at, "day", "Pacific/Kiritimati")).toBe("jeudi 26 novembre 2026 (heure non précisée)");
  });
});

/** Small seeded PRNG so that the property test is reproducible without extra libraries. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
