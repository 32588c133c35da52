/**
 * Reads a report written in the officer's own words, without `key=` fields: "point de deal parking
 * de la piscine à Senones hier 21h, 2 guetteurs". Finds the fact type from plain words and slang
 * (vocabulary.ts), the commune from "à X", "sur X", "secteur X", "X (88)", "commune X", "d'X" (street
 * names such as "avenue de Saint-Dié" are not communes), the date from French written, spoken and SMS
 * forms; the words used for the commune and the date leave the free text. Everything found is said
 * back (a note each), anything doubtful is asked, never guessed. Pure; explicit fields are never
 * passed here, so they always win.
 */
import type { CommuneMatch } from "../fr/communes.js";
import { spokenToWritten } from "../fr/spoken.js";
import { formatObserved, parseWhen } from "../fr/when.js";
import type { CaptureContext } from "./context.js";
import { type FreeWord, freeWords } from "./vocabulary.js";
import type { ReportDraft } from "./report.js";

export interface FreeFormProblem {
  field: "type" | "commune" | "when";
  message: string;
}

export interface FreeFormResult {
  draft: ReportDraft;
  /** The free text without the words that gave the commune and the date. */
  text: string;
  /** One line per field understood from free words, for the ⚠️ lines of the confirmation. */
  notes: string[];
  problems: FreeFormProblem[];
}

interface Token {
  raw: string;
  /** Lower case, no accents, SMS spelled out, punctuation gone; may hold several words ("il y a"). */
  norm: string;
  /** The raw token ends a clause ("21h,", "Senones."): names and dates do not run past it. */
  ends: boolean;
}

/** SMS and keyboard shortcuts, whole words only. */
const SMS: Record<string, string> = {
  ds: "dans", ya: "il y a", yavait: "il y avait", tt: "tout", ajd: "aujourd hui", ajdh: "aujourd hui",
  aujd: "aujourd hui", auj: "aujourd hui", hr: "heures", hrs: "heures", vrs: "vers", pdt: "pendant",
  dvt: "devant", pr: "pour", ac: "avec", avc: "avec", bcp: "beaucoup", qq: "quelques", qd: "quand",
  tjrs: "toujours", mtn: "maintenant", mnt: "maintenant", apm: "apres midi",
}; // prettier-ignore

/** Words that start a date ("hier", "ce", "vers", "il y a", "lundi", "12/11", "cinq heures"…). */
const DATE_START =
  /^(?:hier|avant|aujourd|ce|cet|cette|le|la|vers|a|il|y|maintenant|actuellement|en|dans|fin|debut|tout|midi|minuit|l|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|\d.*|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante)$/;
/** Words a date may contain after its start. */
const DATE_WORD =
  /^(?:hier|avant|aujourd|hui|ce|cet|cette|le|la|l|vers|a|il|y|maintenant|en|dans|fin|debut|de|d|du|journee|matinee|soiree|moment|cours|actuellement|instant|matin|mat|soir|nuit|midi|apres|aprem|minuit|derniere|dernier|passe|h|heure|heures|et|demi|demie|quart|moins|minutes?|min|mn|jours?|j|semaines?|sem|environ|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|janv|fev|avr|juil|sept|oct|nov|dec|1er|premier|\d.*|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante)$/;
/** What makes a run of words a date at all: a day, a part of the day, a clock time, a duration. */
const DATE_ANCHOR =
  /hier|aujourd|maintenant|instant|matin|soir|nuit|midi|minuit|aprem|apres midi|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|\d ?h\b|\d{1,2}h\d|\d:\d\d|\d{1,2}[/.-]\d{1,2}|y a |\d (?:janv|fev|mars|avr|mai|juin|juil|aout|sept|oct|nov|dec)/;
/** Said, but not precise enough to record: asked rather than guessed. */
const VAGUE =
  /(?:^| )(tout a l heure|l autre (?:soir|jour|nuit|matin|fois|aprem|apres midi|semaine)|recemment|dernierement|il y a (?:quelques|plusieurs|un moment|longtemps|peu)(?: (?:jours|heures|semaines|temps|minutes))?|la semaine derniere|ces derniers (?:jours|temps)|ce week end|le week end dernier|cette semaine|un de ces (?:soirs|jours)|depuis quelques jours|un soir|une nuit|l autre (?:fois))(?= |$)/;

/** Before the commune: strongest first. `au`, `aux`, `du`, `des` carry the name's article. */
const MARKERS: Record<string, { rank: number; article?: string }> = {
  a: { rank: 2 }, au: { rank: 2, article: "le" }, aux: { rank: 2, article: "les" }, sur: { rank: 2 },
  secteur: { rank: 2 }, sect: { rank: 2 }, dans: { rank: 2 }, commune: { rank: 3 }, cne: { rank: 3 }, ville: { rank: 3 },
  localite: { rank: 3 }, de: { rank: 1 }, d: { rank: 1 }, du: { rank: 1, article: "le" }, des: { rank: 1, article: "les" },
}; // prettier-ignore
/** "avenue de Saint-Dié", "route d'Épinal": a street named after another commune. */
const STREET =
  /^(?:rue|avenue|av|bd|boulevard|place|pl|chemin|route|rte|quai|allee|impasse|faubourg|fbg|cours|voie|sentier|square|zone|za|zi|zac|lotissement|lot|cite|residence|res|parc|pont|porte|passage|promenade|carrefour|giratoire|rocade|sortie|direction|dir|gare|college|lycee|ecole|mairie)$/;
/** Words that never start a commune name in a sentence, even if some commune starts with them. */
const NOT_A_NAME =
  /^(?:la|le|les|l|un|une|des|mon|ma|ses|son|sa|leur|ce|cet|cette|cote|pied|pieds|place|plusieurs|proximite|nouveau|domicile|bord|droite|gauche|part|coin|fond|haut|bas|centre|ville|moins|peu|tout|tous|nouveau|pont|port|bar|cours|gare|vers|parc|mont|plan|bourg|fort|cave|caves|bois|champ|val|foret)$/;

const vocabularies = new WeakMap<readonly unknown[], FreeWord[]>();

function vocabularyOf(ctx: CaptureContext): readonly FreeWord[] {
  if (ctx.vocabulary) return ctx.vocabulary;
  let words = vocabularies.get(ctx.types);
  if (!words) vocabularies.set(ctx.types, (words = freeWords(ctx.types)));
  return words;
}

export function readFreeForm(
  text: string,
  draft: ReportDraft,
  need: { type: boolean; commune: boolean; when: boolean },
  ctx: CaptureContext,
): FreeFormResult {
  const tokens = tokenise(text);
  const joined = joinNorms(tokens);
  const used = new Set<number>();
  const notes: string[] = [];
  const problems: FreeFormProblem[] = [];
  let result: ReportDraft = draft;

  if (need.type) {
    const found = findType(joined.text, vocabularyOf(ctx));
    if (found.kind === "one") {
      const label = ctx.types.find((t) => t.key === found.type)?.label ?? found.type;
      result = { ...result, type: found.type };
      notes.push(`type compris : ${label} (« ${joined.rawOf(found.at, found.at + found.phrase.length, tokens)} »)`);
    } else if (found.kind === "several") {
      const labels = found.types.map((key) => ctx.types.find((t) => t.key === key)?.label ?? key);
      problems.push({ field: "type", message: `Type de fait à préciser : ${labels.join(" ou ")} ? (ex. type=deal)` });
    }
  }

  if (need.commune) {
    const found = findCommune(tokens, ctx);
    if (found?.kind === "commune") {
      const { commune, ancien } = found.match;
      result = { ...result, commune: { code: commune.code, nom: commune.nom } };
      for (const i of found.span) used.add(i);
      notes.push(`commune comprise : ${commune.nom} (${commune.code}) (« ${found.said} »)`);
      if (ancien) notes.push(ancienNote(ancien, commune));
    } else if (found?.kind === "problem") {
      problems.push({ field: "commune", message: found.message });
    }
  }

  if (need.when) {
    const found = findWhen(tokens, used, ctx);
    if (found.kind === "date") {
      result = { ...result, observedAt: found.at.toISOString(), observedPrecision: found.precision };
      for (const i of found.span) used.add(i);
      const echo = formatObserved(found.at, found.precision, ctx.timeZone);
      notes.push(
        found.precision === "day"
          ? `date comprise : ${echo.replace(" (heure non précisée)", "")}, sans heure (« ${found.said} ») — l'heure reste à préciser (quand="… 22h")`
          : `date comprise : ${echo} (« ${found.said} »)`,
      );
    } else if (found.kind === "problem") {
      problems.push({ field: "when", message: found.message });
    }
  }

  return { draft: result, text: rest(tokens, used), notes, problems };
}

/** "Hautmougey" typed: the officer sees that the report goes to La Vôge-les-Bains. */
export function ancienNote(ancien: string, commune: { code: string; nom: string }): string {
  return `${ancien} est une ancienne commune, aujourd'hui ${commune.nom} (${commune.code})`;
}

// ------------------------------------------------------------------------------------------ words

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  for (const word of text.split(/[\s\u00a0\u202f\u2007\u2009]+/)) {
    if (word === "") continue;
    // "d'Épinal", "jusqu'à": the elided word is a token of its own (a marker).
    const elided = /^([dDjJ]|[jJ]usqu)['’‘`](.+)$/u.exec(word);
    for (const raw of elided ? [`${elided[1] ?? ""}'`, elided[2] ?? ""] : [word]) {
      tokens.push({ raw, norm: normToken(raw), ends: /[,;.!?:…)\]]$/u.test(raw) });
    }
  }
  return tokens;
}

function normToken(raw: string): string {
  const flat = raw
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/(\p{L})['’‘`´-](?=\p{L})/gu, "$1 ")
    .replace(/(\d)[-](?=\p{L})|(\p{L})[-](?=\d)/gu, "$1$2 ")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")
    .replace(/['’‘`´]/g, " ")
    .trim();
  return SMS[flat] ?? flat;
}

/** The normalised words joined by spaces, with a way back from a character range to the words typed. */
function joinNorms(tokens: Token[]) {
  const starts: number[] = [];
  let text = "";
  for (const token of tokens) {
    starts.push(text.length + 1);
    text += ` ${token.norm}`;
  }
  text += " ";
  return {
    text,
    rawOf(from: number, to: number, all: Token[]): string {
      const picked = all.filter((t, i) => (starts[i] ?? 0) < to && (starts[i] ?? 0) + t.norm.length > from);
      return tidy(picked.map((t) => t.raw).join(" "));
    },
  };
}

function tidy(text: string): string {
  return text.replace(/^[,;:.\s]+|[,;:.\s]+$/g, "");
}

/** The words not used, with the punctuation of a removed word kept ("Senones hier 21h, 2 guetteurs"). */
function rest(tokens: Token[], used: ReadonlySet<number>): string {
  const kept: string[] = [];
  tokens.forEach((token, i) => {
    if (!used.has(i)) {
      kept.push(token.raw);
      return;
    }
    const trailing = /[,;.!?…]+$/u.exec(token.raw)?.[0];
    const last = kept.length - 1;
    if (trailing && last >= 0 && !/[,;.!?…]$/u.test(kept[last] ?? "")) kept[last] = `${kept[last] ?? ""}${trailing}`;
  });
  return kept
    .join(" ")
    .replace(/(^|\s)([dDjJ]|[jJ]usqu)' /g, "$1$2'")
    .replace(/^[,;:.\s-]+|[,;:\s-]+$/gu, "");
}

// ------------------------------------------------------------------------------------------- type

type TypeFound =
  { kind: "one"; type: string; phrase: string; at: number } | { kind: "several"; types: string[] } | { kind: "none" };

/** The type named by the most specific words; two types named as specifically are asked about. */
function findType(text: string, vocabulary: readonly FreeWord[]): TypeFound {
  const best = new Map<string, { weight: number; phrase: string; at: number }>();
  for (const word of vocabulary) {
    const at = text.indexOf(word.phrase);
    if (at < 0) continue;
    const weight = (word.weak ? 1 : 2) * 100 + word.phrase.length;
    const previous = best.get(word.type);
    if (!previous || weight > previous.weight) best.set(word.type, { weight, phrase: word.phrase.trim(), at: at + 1 });
  }
  const ranked = [...best.entries()].sort((a, b) => b[1].weight - a[1].weight);
  const [first] = ranked;
  if (!first) return { kind: "none" };
  const strength = (w: number) => Math.floor(w / 100);
  const rivals = ranked.filter(([, f]) => strength(f.weight) === strength(first[1].weight));
  if (rivals.length > 1) return { kind: "several", types: rivals.map(([type]) => type) };
  return { kind: "one", type: first[0], phrase: first[1].phrase, at: first[1].at };
}

// ---------------------------------------------------------------------------------------- commune

type CommuneFound =
  | { kind: "commune"; match: CommuneMatch & { ok: true }; span: number[]; said: string }
  | { kind: "problem"; message: string }
  | undefined;

interface Candidate {
  rank: number;
  match: CommuneMatch;
  span: number[];
  said: string;
}

const DEPARTEMENT_TAG = /^\((\d{2,3}|2[ab])\)[,;.:]?$/i;

function findCommune(tokens: Token[], ctx: CaptureContext): CommuneFound {
  const candidates: Candidate[] = [];
  const lookup = (text: string) => ctx.communes.lookup(text);
  tokens.forEach((token, i) => {
    // "Épinal (88)", "Toul (54)": the words just before the département number.
    const tag = DEPARTEMENT_TAG.exec(token.raw);
    if (tag) {
      for (let n = Math.min(5, i); n >= 1; n--) {
        const span = range(i - n, i);
        if (span.some((j) => (tokens[j]?.ends && j !== i - 1) || /\d/.test(tokens[j]?.norm ?? ""))) continue;
        const said = span.map((j) => tokens[j]?.raw ?? "").join(" ");
        const match = lookup(said);
        if (match && (match.ok || match.outside)) {
          candidates.push({ rank: 3, match, span: [...span, i], said: `${said} ${token.raw}` });
          return;
        }
      }
      const name = tokens[i - 1];
      if (name && !/\d/.test(name.norm) && (tag[1] ?? "") === "88") {
        candidates.push({ rank: 3, match: ctx.communes.resolve(name.raw), span: [i - 1, i], said: `${name.raw} ${token.raw}` });
      }
      return;
    }
    const marker = MARKERS[token.norm];
    if (!marker || token.ends) return;
    const previous = tokens[i - 1]?.norm ?? "";
    if (marker.rank === 1 && STREET.test(previous.split(" ").pop() ?? "")) return;
    // "commune de Golbey", "commune : Vagney", "à côté d'Arches".
    let first = i + 1;
    while (marker.rank === 3 && ["de", "d", ":", "-", ""].includes(tokens[first]?.norm ?? "x") && first < i + 3) first++;
    const words: number[] = [];
    for (let j = first; j < tokens.length && words.length < 6; j++) {
      const t = tokens[j];
      if (!t || t.norm === "" || /\d/.test(t.norm) || DEPARTEMENT_TAG.test(t.raw)) break;
      words.push(j);
      if (t.ends) break;
    }
    const head = tokens[first];
    const headWord = head?.norm.split(" ")[0] ?? "";
    // "à la Bresse" is a name, "à la gare" is not: lookup decides for the articles.
    if (!head || words.length === 0 || (!marker.article && NOT_A_NAME.test(headWord) && !/^(la|le|les|l)$/.test(headWord)))
      return;
    const capitalised = head ? /^\p{Lu}/u.test(head.raw) : false;
    for (let n = words.length; n >= 1; n--) {
      const span = words.slice(0, n);
      const said = span.map((j) => tokens[j]?.raw ?? "").join(" ");
      const name = marker.article ? `${marker.article} ${said}` : said;
      const match = lookup(name);
      if (!match) continue;
      if (match.ok) {
        // Abbreviations and names without their article need a few letters: "à la" names nothing.
        if (!match.exact && name.replace(/[^\p{L}]/gu, "").length < 4) continue;
        candidates.push({ rank: marker.rank, match, span: [...range(i, first), ...span], said: `${token.raw} ${said}` });
        return;
      }
      const worthSaying = capitalised || marker.rank === 3;
      if (match.outside && worthSaying) {
        candidates.push({ rank: marker.rank, match, span: [i, ...span], said: `${token.raw} ${said}` });
        return;
      }
      if (!match.outside && worthSaying && n === 1 && marker.rank >= 2 && head.norm.length >= 4) {
        candidates.push({ rank: marker.rank, match, span: [i, ...span], said: `${token.raw} ${said}` });
        return;
      }
    }
    // "commune Epinall", "à Remiremon": a capitalised name, or one announced as a commune, may carry a typo.
    const one = words[0];
    if (one !== undefined && (marker.rank === 3 || (capitalised && marker.rank === 2 && head.norm.length >= 5))) {
      const match = ctx.communes.resolve(head.raw);
      if (match.ok || marker.rank === 3)
        candidates.push({ rank: marker.rank, match, span: [i, one], said: `${token.raw} ${head.raw}` });
    }
  });

  const found = candidates.filter((c): c is Candidate & { match: { ok: true } } => c.match.ok);
  const top = Math.max(0, ...found.map((c) => c.rank));
  const best = found.filter((c) => c.rank === top);
  const communes = [...new Map(best.map((c) => [c.match.commune.code, c.match.commune])).values()];
  const [chosen] = best;
  if (chosen && communes.length === 1) {
    // "à Épinal (88)": the "à" goes with the name.
    const before = Math.min(...chosen.span) - 1;
    const span = MARKERS[tokens[before]?.norm ?? ""] && chosen.rank === 3 ? [before, ...chosen.span] : chosen.span;
    return { kind: "commune", match: chosen.match, span, said: tidy(chosen.said) };
  }
  if (communes.length > 1) {
    const names = communes.map((c) => c.nom).join(", ");
    return { kind: "problem", message: `Plusieurs communes dans la ligne : ${names}. Laquelle ? (ex. commune=epinal)` };
  }
  const refused = candidates.sort((a, b) => b.rank - a.rank).find((c) => !c.match.ok);
  if (refused && !refused.match.ok) return { kind: "problem", message: refused.match.error };
  return undefined;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

// ------------------------------------------------------------------------------------------- date

type WhenFound =
  | { kind: "date"; at: Date; precision: "minute" | "day"; span: number[]; said: string }
  | { kind: "problem"; message: string }
  | { kind: "none" };

function findWhen(tokens: Token[], used: ReadonlySet<number>, ctx: CaptureContext): WhenFound {
  const options = { timeZone: ctx.timeZone, maxAgeDays: ctx.maxAgeDays };
  let refusal: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const start = tokens[i];
    if (!start || used.has(i) || !DATE_START.test(start.norm.split(" ")[0] ?? "")) continue;
    if (/^\d{1,2}\.\d{2}$/.test(start.norm)) continue; // "payée 10.50 hier": a price, not a time
    const run: number[] = [];
    for (let j = i; j < tokens.length && run.length < 10; j++) {
      const t = tokens[j];
      if (!t || used.has(j) || t.norm === "" || !t.norm.split(" ").every((w) => DATE_WORD.test(w))) break;
      run.push(j);
      if (t.ends) break;
    }
    for (let n = run.length; n >= 1; n--) {
      const span = run.slice(0, n);
      const written = spokenToWritten(span.map((j) => tokens[j]?.norm ?? "").join(" "));
      if (!DATE_ANCHOR.test(written) || /^\d{1,2}\.\d{2}$/.test(written)) continue; // "10.50" is a price more often than a time
      const when = parseWhen(written, ctx.now, options);
      const said = tidy(span.map((j) => tokens[j]?.raw ?? "").join(" "));
      if (when.ok) return { kind: "date", at: when.at, precision: when.precision, span, said };
      // "hier 25h": a date written but impossible is said, not shortened to "hier".
      if (n === run.length && !when.error.startsWith("Date non comprise")) {
        refusal ??= when.error.replace(/« [^»]* »/, `« ${said} »`);
        break;
      }
    }
  }
  const joined = joinNorms(tokens);
  const vague = VAGUE.exec(joined.text);
  if (vague) {
    const from = vague.index + vague[0].indexOf(vague[1] ?? "");
    const phrase = joined.rawOf(from, from + (vague[1] ?? "").length, tokens);
    return {
      kind: "problem",
      message: `« ${phrase} » est trop vague : quand exactement ? Indiquez le jour et l'heure, même approximative (ex. hier 22h, lundi vers 6h30, il y a 2h).`,
    };
  }
  return refusal ? { kind: "problem", message: refusal } : { kind: "none" };
}
