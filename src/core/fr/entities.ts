/**
 * Normalises the entities officers mention in reports (plates, phones, addresses, persons) so that the
 * same vehicle or line typed differently by two services gets the same matching key (`value`).
 * Pure: no I/O. libphonenumber-js ships its metadata in the package, so nothing is fetched at run time.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type EntityKind = "plate" | "phone" | "address" | "person";
export interface Entity {
  kind: EntityKind;
  /** Normalised form: the matching key. */
  value: string;
  /** How to show it. */
  display: string;
}
export type Normalised = { ok: true; entity: Entity } | { ok: false; error: string };

// Phone keyboards and autocorrect insert non-breaking spaces, narrow ones and typographic dashes.
const ODD_SPACES = /[\u00a0\u2007\u2009\u202f\u200b\ufeff]/gu;
const ODD_DASHES = /[\u2010-\u2015\u2212]/gu;

function tidy(text: string): string {
  return text.replace(ODD_SPACES, " ").replace(ODD_DASHES, "-").replace(/\s+/gu, " ").trim();
}

function stripAccents(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "");
}

/** Echoes what the officer typed, shortened so that a pasted paragraph does not flood the room. */
function quote(text: string): string {
  const t = tidy(text);
  return `« ${t.length > 40 ? `${t.slice(0, 39)}…` : t} »`;
}

const ok = (kind: EntityKind, value: string, display: string): Normalised => ({
  ok: true,
  entity: { kind, value, display },
});
const fail = (error: string): Normalised => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------- plates

// SIV (2009-): AA-123-AA. Letter rules (no I/O/U, SS, WW temporary) are deliberately not enforced: a
// plate read at night and typed on a phone is better kept and cross-referenced than refused.
const SIV = /^([A-Z]{2})(\d{3})([A-Z]{2})$/;
// FNI (before 2009): 1–4 digits, 1–3 letters, département (01–95, 2A/2B, 971–976).
const FNI = /^(\d{1,4})([A-Z]{1,3})(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$/;

export function normalisePlate(text: string): Normalised {
  // Separators carry no meaning: only the letter/digit blocks do, so "ab 123cd" = "AB.123.CD".
  const compact = tidy(text)
    .toUpperCase()
    .replace(/[\s.\-_/]/gu, "");
  const siv = SIV.exec(compact);
  if (siv && siv[2] !== "000") {
    const plate = `${siv[1]}-${siv[2]}-${siv[3]}`;
    return ok("plate", plate, plate);
  }
  const fni = FNI.exec(compact);
  if (fni && !/^0+$/.test(fni[1] ?? "")) {
    return ok("plate", compact, `${fni[1]} ${fni[2]} ${fni[3]}`);
  }
  return fail(`Immatriculation non reconnue : ${quote(text)}. Formats : AB-123-CD ou 1234 AB 88.`);
}

// ---------------------------------------------------------------------------------------------- phones

const phoneError = (text: string): Normalised =>
  fail(`Numéro non reconnu : ${quote(text)}. Exemples : 06 12 34 56 78 ou +32 470 12 34 56.`);

export function normalisePhone(text: string): Normalised {
  // "(0)" is the Swiss/German habit "+41 (0)79…"; other brackets only decorate "(+33)".
  const cleaned = tidy(text).replace(/\(0\)/g, " ").replace(/[()]/g, "").trim();
  if (!/^\+?[\d .\-/]+$/.test(cleaned)) return phoneError(text);
  // libphonenumber happily reads "6 12 34 56 78" as French; without the 0 or a prefix it may be a
  // truncated number, and a wrong key is worse than none for cross-referencing.
  if (!/^[+0]/.test(cleaned)) {
    if (cleaned.replace(/\D/g, "").length < 9) return phoneError(text);
    const examples = "Exemples : 06 12 34 56 78 ou +33 6 12 34 56 78.";
    return fail(`Numéro ambigu : ${quote(text)} (ni 0 initial ni indicatif). ${examples}`);
  }
  // The "max" metadata checks number patterns, not only lengths; extract:false refuses trailing junk.
  const parsed = parsePhoneNumberFromString(cleaned, { defaultCountry: "FR", extract: false });
  if (!parsed?.isValid()) return phoneError(text);
  return ok("phone", parsed.number, parsed.formatInternational());
}

// -------------------------------------------------------------------------------------------- addresses

const ABBREVIATIONS: Record<string, string> = {
  r: "rue",
  av: "avenue",
  bd: "boulevard",
  bld: "boulevard",
  pl: "place",
  chem: "chemin",
  imp: "impasse",
  rte: "route",
  all: "allée",
};
// A whole word, optionally followed by its dot ("r.de la Gare" has no space after the dot).
const ABBREVIATION = /(?<![\p{L}\p{N}])(r|av|bd|bld|pl|chem|imp|rte|all)(?:\.|(?![\p{L}\p{N}]))/giu;
// Words kept in lower case in the display form, as on a French street sign ("12 bis Rue de la Gare").
const SMALL_WORDS = new Set("de du des la le les l d et à au aux sur sous en".split(" "));
const NUMBER_SUFFIXES = new Set(["bis", "ter", "quater"]);

/** "saint-dié-des-vosges" → "Saint-Dié-des-Vosges", "l'église" → "l'Église". */
function capitalise(text: string): string {
  let first = true;
  return text.toLowerCase().replace(/[\p{L}\p{N}]+/gu, (word) => {
    if (!/^\p{L}/u.test(word) || NUMBER_SUFFIXES.has(word)) return word; // "12", "3e", "bis"
    const keepLower = !first && SMALL_WORDS.has(word);
    first = false;
    return keepLower ? word : word.charAt(0).toUpperCase() + word.slice(1);
  });
}

function matchingKey(text: string): string {
  return stripAccents(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function normaliseAddress(text: string): Normalised {
  const expanded = tidy(text)
    .replace(/’/g, "'")
    .replace(/(\d)(bis|ter|quater)(?![\p{L}\p{N}])/giu, "$1 $2")
    .replace(ABBREVIATION, (_m, abbr: string) => ` ${ABBREVIATIONS[abbr.toLowerCase()] ?? abbr} `)
    .replace(/(?:\s*,)+\s*/g, ", ")
    .replace(/^[\s,]+|[\s,]+$/g, "");
  const display = capitalise(tidy(expanded));
  const value = matchingKey(display);
  if (value === "") return fail("Adresse vide. Exemple : 12 bis rue de la Gare, Épinal.");
  return ok("address", value, display);
}

// ---------------------------------------------------------------------------------------------- persons

export function normalisePerson(text: string): Normalised {
  // Autocorrect turns ' into ’: "N'Diaye" and "N’Diaye" must be the same person.
  const display = tidy(text);
  const value = stripAccents(display).replace(/’/g, "'").toLowerCase();
  if (!/[\p{L}\p{N}]/u.test(value)) {
    return fail("Désignation vide. Exemple : LEBON Kevin dit « Le Gitan ».");
  }
  return ok("person", value, display);
}

// ----------------------------------------------------------------------------------- free-text extraction

// One separator between blocks, possibly spaced: "AB 123 CD", "AB-123-CD", "AB - 123 - CD".
const SEP = " ?[.\\-]? ?";
// A phone or a plate is never glued to a letter or a digit ("88-2026-0042", "22h30", "12/11"); a slash
// may still separate two phone numbers ("0612345678/0781234567").
const AFTER = (glue: string) => `(?<![\\p{L}\\p{N}+]|[\\p{L}\\p{N}][${glue}])`;
const BEFORE = (glue: string) => `(?![\\p{L}\\p{N}]|[${glue}][\\p{L}\\p{N}])`;
const PHONE_INTL = new RegExp(`${AFTER(".\\-")}(?:\\+|00)\\d(?:${SEP}(?:\\(0\\)${SEP})?\\d){6,16}`, "gu");
// National numbers: ten digits in pairs with one consistent separator (or none), so that a date
// followed by a time ("01.12.2025 02") is not read as 01 12 20 25 02.
const PHONE_FR = new RegExp(`${AFTER(".\\-")}0[1-9]([ .\\-]?)\\d{2}\\1\\d{2}\\1\\d{2}\\1\\d{2}${BEFORE(".\\-")}`, "gu");
const PLATE_SIV = new RegExp(`${AFTER(".\\-/")}([a-z]{2})${SEP}\\d{3}${SEP}([a-z]{2})${BEFORE(".\\-/")}`, "giu");
const PLATE_FNI = new RegExp(
  `${AFTER(".\\-/")}\\d{1,4}${SEP}([a-z]{1,3})${SEP}(?:97[1-6]|\\d{2}|2[ab])${BEFORE(".\\-/")}`,
  "giu",
);
// Words and units that, typed with spaces, look like a plate block: "12 h 30", "2 kg 50", "le 123 km",
// "12 nov 25". A real plate with these letters is still found when typed with dashes or dots.
const NOT_PLATE_LETTERS = new Set(
  (
    "A AN ANS AU AUX AV BD CA CE CL CM DE DES DU E EME EN ER ET EUR G GR H HT IL J JR KG KM L LA LE LES " +
    "M MA MG MIN ML MM MN NE NI NO ON OU PAR PER RE RUE S SA SE SI SUR TEL UN VA VU X " +
    "JAN FEV MAR AVR MAI JUN JUI AOU SEP OCT NOV DEC"
  ).split(" "),
);

interface Found {
  at: number;
  entity: Entity;
}
/** What a candidate turned out to be, and how much of it was used (for masking). */
type Accepted = { entity: Entity; length: number } | null;
type Accept = (match: RegExpExecArray) => Accepted;

/** Finds candidates, keeps those the normaliser accepts, and blanks them out so later passes skip them. */
function scan(text: string, pattern: RegExp, accept: Accept, found: Found[]): string {
  let rest = text;
  for (const match of text.matchAll(pattern)) {
    const accepted = accept(match);
    if (!accepted) continue;
    const { index } = match;
    found.push({ at: index, entity: accepted.entity });
    rest = rest.slice(0, index) + " ".repeat(accepted.length) + rest.slice(index + accepted.length);
  }
  return rest;
}

function whole(match: RegExpExecArray, result: Normalised): Accepted {
  return result.ok ? { entity: result.entity, length: match[0].length } : null;
}

/** A greedy international match may swallow a following number ("+32 470 12 34 56 88160"): drop
 * trailing groups until the rest is a valid number. */
function acceptIntlPhone(match: RegExpExecArray): Accepted {
  let candidate = match[0];
  for (;;) {
    const result = normalisePhone(candidate);
    if (result.ok) return { entity: result.entity, length: candidate.length };
    const shorter = candidate.replace(/[ .-]+[^ .-]*$/u, "");
    if (shorter === candidate || !/\d.*\d/.test(shorter)) return null;
    candidate = shorter;
  }
}

function acceptPlate(match: RegExpExecArray): Accepted {
  const dashed = /[.-]/.test(match[0]);
  const letterBlocks = match.slice(1).filter((block): block is string => block !== undefined);
  if (!dashed && letterBlocks.some((block) => NOT_PLATE_LETTERS.has(block.toUpperCase()))) return null;
  return whole(match, normalisePlate(match[0]));
}

export function extractEntities(freeText: string): Entity[] {
  const found: Found[] = [];
  // Positions only order the results, so collapsing runs of spaces ("AB  123 CD") is harmless.
  let text = freeText
    .replace(ODD_SPACES, " ")
    .replace(ODD_DASHES, "-")
    .replace(/[ \t]+/g, " ");
  text = scan(text, PHONE_INTL, acceptIntlPhone, found);
  text = scan(text, PHONE_FR, (m) => whole(m, normalisePhone(m[0])), found);
  text = scan(text, PLATE_SIV, acceptPlate, found);
  scan(text, PLATE_FNI, acceptPlate, found);
  // Cross-referencing wants each vehicle or line once, however many times the report repeats it.
  const byKey = new Map<string, Entity>();
  for (const { entity } of found.sort((a, b) => a.at - b.at)) {
    const key = `${entity.kind}:${entity.value}`;
    if (!byKey.has(key)) byKey.set(key, entity);
  }
  return [...byKey.values()];
}
