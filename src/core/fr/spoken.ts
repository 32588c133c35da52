/**
 * French times as officers say or dictate them, rewritten in the written forms `parseWhen` reads:
 * "cinq heures et demie" → "5h30", "vingt-deux heures" → "22h", "six heures moins le quart" → "5h45",
 * "huit heures du soir" → "20h", "4h du mat" → "4h", "en fin de journée" → "18h", "en ce moment" →
 * "maintenant", "il y a vingt minutes" → "il y a 20 minutes". Input and output are normalised text
 * (lower case, no accents, hyphens and apostrophes as spaces). Pure.
 */

const UNITS = [
  "zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
  "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix sept", "dix huit", "dix neuf",
]; // prettier-ignore
const TENS: [string, number][] = [
  ["vingt", 20],
  ["trente", 30],
  ["quarante", 40],
  ["cinquante", 50],
];

/** "zero" … "cinquante neuf", with "et un" and the dictation variants ("vingt un"). */
const NUMBER_VALUES = new Map<string, number>();
UNITS.forEach((word, n) => NUMBER_VALUES.set(word, n));
NUMBER_VALUES.set("une", 1);
for (const [word, tens] of TENS) {
  NUMBER_VALUES.set(word, tens);
  NUMBER_VALUES.set(`${word} et un`, tens + 1);
  NUMBER_VALUES.set(`${word} et une`, tens + 1);
  for (let unit = 1; unit <= 9; unit++) NUMBER_VALUES.set(`${word} ${UNITS[unit] ?? ""}`, tens + unit);
}
const NUMBER = `(?:${[...NUMBER_VALUES.keys()].sort((a, b) => b.length - a.length).join("|")}|\\d{1,2})`;

function value(text: string | undefined): number {
  if (text === undefined) return NaN;
  return /^\d+$/.test(text) ? Number(text) : (NUMBER_VALUES.get(text) ?? NaN);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "<n> heures [et demie | et quart | moins le quart | moins <n> | <n> [minutes]] [du matin | du soir …]". */
const CLOCK = new RegExp(
  `(?<![a-z0-9])(${NUMBER}) ?(?:heures?|h)(?: (et demie?|et quart|moins le quart|moins (${NUMBER})|(${NUMBER})(?: minutes?)?))?` +
    `(?: (du matin|du mat|du soir|de l apres midi|de l aprem|de la nuit))?(?![a-z0-9])`,
  "g",
);
/** "midi et demie", "minuit et quart". */
const NOON = /(?<![a-z])(midi|minuit) (et demie?|et quart)(?![a-z])/g;
/** A count before a unit of time: "il y a vingt minutes", "il y a trois jours". */
const COUNT = new RegExp(`(?<![a-z0-9])(${NUMBER}) (minutes?|min|jours?|semaines?|heures?)(?![a-z])`, "g");

/** Phrases that name a time of day loosely, read as the usual hour (the confirmation shows it). */
const LOOSE: [RegExp, string][] = [
  [/(?<![a-z])en ce moment(?![a-z])|(?<![a-z])actuellement(?![a-z])|(?<![a-z])en cours(?![a-z])/g, "maintenant"],
  [/(?<![a-z])(?:en |dans la )?fin de (?:la )?journee(?![a-z])/g, "18h"],
  [/(?<![a-z])(?:en |dans la )?fin d apres midi(?![a-z])|(?<![a-z])(?:en )?fin d aprem(?![a-z])/g, "17h"],
  [/(?<![a-z])(?:en )?debut d apres midi(?![a-z])|(?<![a-z])(?:en )?debut d aprem(?![a-z])/g, "14h"],
  [/(?<![a-z])(?:en )?fin de (?:la )?matinee(?![a-z])/g, "11h"],
  [/(?<![a-z])(?:en )?debut de (?:la )?matinee(?![a-z])/g, "9h"],
  [/(?<![a-z])(?:en )?debut de (?:la )?soiree(?![a-z])/g, "19h"],
  [/(?<![a-z])(?:en )?fin de (?:la )?soiree(?![a-z])/g, "23h"],
  [/(?<![a-z])(?:en|dans la) (?:soiree)(?![a-z])/g, "soir"],
  [/(?<![a-z])(?:en|dans la) matinee(?![a-z])/g, "matin"],
  [/(?<![a-z])dans l apres midi(?![a-z])/g, "apres midi"],
];

export function spokenToWritten(norm: string): string {
  let text = norm;
  for (const [pattern, replacement] of LOOSE) text = text.replace(pattern, replacement);
  text = text.replace(NOON, (_, word: string, fraction: string) => {
    const h = word === "midi" ? 12 : 0;
    return `${h}h${fraction.includes("quart") ? "15" : "30"}`;
  });
  text = text.replace(
    CLOCK,
    (
      whole,
      hours: string,
      fraction: string | undefined,
      less: string | undefined,
      minutes: string | undefined,
      part: string | undefined,
    ) => {
      let h = value(hours);
      let min = 0;
      if (fraction?.startsWith("et demi")) min = 30;
      else if (fraction === "et quart") min = 15;
      else if (fraction === "moins le quart") [h, min] = [h - 1, 45];
      else if (less !== undefined) [h, min] = [h - 1, 60 - value(less)];
      else if (minutes !== undefined) min = value(minutes);
      if (part && /soir|apres|aprem/.test(part) && h < 12) h += 12;
      if (!Number.isInteger(h) || !Number.isInteger(min) || h < 0 || h > 23 || min < 0 || min > 59) return whole;
      return `${h}h${min === 0 ? "" : pad(min)}`;
    },
  );
  return text.replace(COUNT, (whole, count: string, unit: string) => {
    const n = value(count);
    return Number.isInteger(n) ? `${n} ${unit}` : whole;
  });
}
