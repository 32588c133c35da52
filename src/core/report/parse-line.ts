import { closest, distance } from "fastest-levenshtein";
import { extractEntities } from "../fr/entities.js";
import { UNGRADED } from "./grading.js";
import {
  ALL_KEYS,
  applyField,
  type CaptureContext,
  FIELD_EXAMPLES,
  FIELD_LABELS,
  type FieldName,
  fieldForKey,
  isHeadCount,
  isKnownSubstance,
  mergeEntities,
  placeEntity,
} from "./fields.js";
import { DEFAULT_DIFFUSION } from "./diffusion.js";
import { readFreeForm } from "./free-form.js";
import { REQUIRED_FIELDS, type ReportDraft } from "./report.js";

export interface FieldProblem {
  field: FieldName | "inconnu";
  message: string;
  /** For an unknown key: the field it looks like ("qand=" is surely the date: not looked for elsewhere). */
  meant?: FieldName;
}

export interface ParsedLine {
  draft: ReportDraft;
  problems: FieldProblem[];
  notes: string[];
}

type Segment = { kind: "field"; key: string; value: string; quoted: boolean } | { kind: "word"; text: string };

/** Closes the ⚠️ lines of a report understood from free words; `{réf}` is filled in by the confirmation. */
export const INFERRED_HINT = "compris d'après vos mots : corrigez avec !maj {réf} champ=valeur, ou modifiez votre message";

/** Fields whose unquoted value may span several words: the longest run that makes sense wins. */
const GREEDY: ReadonlySet<FieldName> = new Set([
  "commune",
  "when",
  "plate",
  "phone",
  "type",
  "grade",
  "diffusion",
  "people",
  "substances",
]);
const LIST_FIELDS: ReadonlySet<FieldName> = new Set(["substances", "plate", "phone", "person", "text"]);
const GENERIC_PLACES = /^(rue|avenue|av|bd|boulevard|place|chemin|route|quartier|cite|allee|impasse|parking)$/i;

/**
 * Reads a one-line report: `key=value` fields in any order (values quoted when they contain
 * spaces: "…", “…”, « … »), the rest is free text. Never throws; every problem is reported with the
 * field it concerns and, when one can be guessed, the correction.
 */
export function parseReportLine(line: string, ctx: CaptureContext): ParsedLine {
  const read = readFields(line, {}, ctx);
  let draft = read.draft;
  const { problems, notes } = read;
  let freeText = read.freeText;
  // The officer's own words: what no field gave is looked for in the free text (explicit fields win).
  const open = (field: FieldName) => !read.given.has(field) && !problems.some((p) => p.field === field || p.meant === field);
  const need = { type: open("type"), commune: open("commune"), when: open("when") };
  if (freeText && (need.type || need.commune || need.when)) {
    const free = readFreeForm(freeText, draft, need, ctx);
    draft = free.draft;
    freeText = free.text;
    problems.push(...free.problems);
    if (free.notes.length > 0) notes.push(...free.notes, INFERRED_HINT);
  }
  if (freeText) draft = { ...draft, text: [freeText, draft.text].filter(Boolean).join(" — ") };
  draft = withDefaultsAndEntities(draft, read.given, notes);
  for (const field of REQUIRED_FIELDS) {
    const name = field === "observedAt" ? "when" : field;
    if (draft[field] === undefined && !problems.some((p) => p.field === name)) {
      problems.push({ field: name, message: `Il manque ${article(name)} (ex. ${FIELD_EXAMPLES[name]}).` });
    }
  }
  return { draft, problems, notes };
}

/**
 * `!update 88-2026-0042 commune=golbey lieu="rue X"`: applies the fields given onto a draft (a
 * report's current fields). Free text, if any, is appended as a complement.
 */
export function parseFieldsOnto(line: string, base: ReportDraft, ctx: CaptureContext): ParsedLine & { given: Set<FieldName> } {
  const read = readFields(line, base, ctx, true);
  let draft = read.draft;
  if (read.freeText) draft = { ...draft, text: [draft.text, read.freeText].filter(Boolean).join(" — ") };
  const place = draft.place && draft.commune ? placeEntity(draft.place, draft.commune.code) : null;
  const found = extractEntities(read.freeText);
  draft = { ...draft, entities: mergeEntities(draft.entities ?? [], [...found, ...(place ? [place] : [])]) };
  return { draft, problems: read.problems, notes: read.notes, given: read.given };
}

/** The shared reading loop: fields applied in order onto `base`, words kept as free text. */
function readFields(line: string, base: ReportDraft, ctx: CaptureContext, replacing = false) {
  const segments = segment(line);
  let draft: ReportDraft = base;
  const problems: FieldProblem[] = [];
  const notes: string[] = [];
  const words: string[] = [];
  const given = new Set<FieldName>();
  let whenText: string | undefined;

  for (let i = 0; i < segments.length; i++) {
    const current = segments[i];
    if (!current) continue;
    if (current.kind === "word") {
      words.push(current.text);
      continue;
    }
    const field = fieldForKey(current.key);
    if (!field) {
      // One- and two-letter words ("x=3", "h=22") are one edit from a short key: free text, not a typo.
      // Near a short key, the value must fit that field: "cout=20€" is a price, not a cotation.
      const typed = current.key.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      const guess = closest(typed, ALL_KEYS);
      const guessed = fieldForKey(guess) ?? "text";
      const close = typed.length >= 3 && distance(typed, guess) <= (guess.length > 4 ? 2 : 1);
      if (close && (guess.length > 4 || applyField(guessed, current.value, draft, ctx).ok)) {
        problems.push({
          field: "inconnu",
          meant: guessed,
          message: `Champ inconnu « ${current.key} » : vouliez-vous dire « ${guess} » ? (${FIELD_EXAMPLES[guessed]})`,
        });
      } else {
        words.push(`${current.key}=${current.value}`); // free text that happens to contain "="
      }
      continue;
    }
    if (given.has(field) && !LIST_FIELDS.has(field)) {
      // `date=25/11 heure=22h`: two halves of one date, not the same field twice.
      const halves = field === "when" && whenText !== undefined ? joinWhen(whenText, current, segments, i, draft, ctx) : null;
      if (halves) {
        draft = halves.draft;
        whenText = halves.value;
        i += halves.consumed;
        continue;
      }
      problems.push({ field, message: `${capitalise(FIELD_LABELS[field])} donné(e) deux fois : gardez-en un seul.` });
      continue;
    }
    if (
      replacing &&
      !given.has(field) &&
      LIST_FIELDS.has(field) &&
      field !== "text" &&
      !(field === "person" && isHeadCount(current.value))
    ) {
      draft = clearListField(draft, field);
    }
    given.add(field);
    let value = current.value;
    if (GREEDY.has(field) && !current.quoted) {
      const extended = longestValid(field, value, takeWords(segments, i + 1), draft, ctx);
      value = extended.value;
      i += extended.consumed;
    } else if (field === "text" && !current.quoted) {
      // `texte=3 guetteurs devant la gare`: the text runs up to the next field.
      const following = takeWords(segments, i + 1, Infinity);
      value = [value, ...following].join(" ");
      i += following.length;
    }
    const result = applyField(
      field,
      current.key.toLowerCase() === "rue" && !/^rue\b/i.test(value) ? `rue ${value}` : value,
      draft,
      ctx,
    );
    if (!result.ok) {
      problems.push({ field, message: result.error });
      continue;
    }
    draft = result.draft;
    if (field === "when") whenText = value;
    if (result.note) notes.push(result.note);
    if (result.info) notes.push(result.info);
    if (field === "place" && !current.quoted && GENERIC_PLACES.test(value)) {
      notes.push(`lieu « ${value} » : mettez un lieu de plusieurs mots entre guillemets, ex. ${FIELD_EXAMPLES.place}`);
    }
  }
  // Diffusion is never guessed from free words: a mention not read as a field is refused and asked.
  const mention =
    given.has("diffusion") || problems.some((p) => p.field === "diffusion") ? undefined : words.find(mentionsDiffusion);
  if (mention !== undefined) {
    problems.push({
      field: "diffusion",
      message: `Diffusion non comprise : « ${mention} ». Précisez-la, ex. diffusion=service, diffusion=restreint:douane,gir ou diffusion=cross ; rien n'est enregistré ni diffusé avant.`,
    });
  }
  return { draft, problems, notes, given, freeText: words.join(" ").trim() };
}

/** "diffusion", "diff", "diffuser", "restreinte", "confidentiel": a word that speaks of who may see the report. */
function mentionsDiffusion(word: string): boolean {
  const flat = word
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/^[^\p{L}]+/u, "");
  return /^(?:diffus|diffu\b|diff?\b|restreint|confidentiel)/u.test(flat);
}

/** `!update … plaque=…` replaces the plates rather than adding to them. */
function clearListField(draft: ReportDraft, field: FieldName): ReportDraft {
  if (field === "substances") return { ...draft, substances: [] };
  const kind = ({ plate: "plate", phone: "phone", person: "person" } as const)[field as "plate"];
  return kind ? { ...draft, entities: (draft.entities ?? []).filter((e) => e.kind !== kind) } : draft;
}

/** Defaults the officer may omit (cotation F6 with a warning, diffusion CROSS) and entities found in the text. */
export function withDefaultsAndEntities(draft: ReportDraft, given: ReadonlySet<FieldName>, notes: string[]): ReportDraft {
  let result: ReportDraft = { substances: [], entities: [], text: "", place: null, peopleCount: null, ...draft };
  if (!result.grade) {
    result = { ...result, grade: UNGRADED };
    if (!given.has("grade")) notes.push("cotation non précisée : F6 par défaut (ex. cotation=B2)");
  }
  if (!result.diffusion) result = { ...result, diffusion: DEFAULT_DIFFUSION };
  const found = extractEntities(result.text ?? "");
  const place = result.place && result.commune ? placeEntity(result.place, result.commune.code) : null;
  return { ...result, entities: mergeEntities(result.entities ?? [], [...found, ...(place ? [place] : [])]) };
}

/**
 * `key=value` with the quotes phones produce: "…", “…” (or ”…” when the keyboard picks the closing
 * one after "="), « … », ‘…’ and '…' (an apostrophe inside, as in ‘rue de l’Église’, does not close).
 */
const SEGMENT =
  /([\p{L}_][\p{L}\p{N}_]*)\s*=\s*(?:"([^"]*)"?|[“”„]([^“”]*)[“”]?|«([^»]*)»?|‘((?:[^’]|’(?!\s|$))*)’?|'((?:[^']|'(?!\s|$))*)'?|(\S*))|(\S+)/gu;
/** A field glued to the previous value: `commune= quand=hier`, `type=deal,commune=epinal`. */
const NEXT_KEY = /(^|[,;])([\p{L}_][\p{L}\p{N}_]*)\s*=/gu;
/** A field after a quote left open: `lieu="rue de la Gare cotation=B2`. */
const NEXT_KEY_AFTER_SPACE = /(\s)([\p{L}_][\p{L}\p{N}_]*)\s*=/gu;
/** Punctuation typed between fields or at the end of the sentence: `type=deal, commune=epinal.` */
const TRAILING_PUNCTUATION = /[,;.!?…]+$/u;

/** Splits the line into `key=value` fields and plain words, honouring the quotes phones produce. */
function segment(line: string): Segment[] {
  const text = outsideQuotes(line.replace(/[\u00a0\u202f\u2007\u2009\u200b\ufeff]/g, " "), colonFields);
  const pattern = new RegExp(SEGMENT);
  const segments: Segment[] = [];
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match[8] !== undefined) {
      segments.push({ kind: "word", text: match[8] });
      continue;
    }
    const quotedValue = [match[2], match[3], match[4], match[5], match[6]].find((v) => v !== undefined);
    let value = quotedValue ?? match[7] ?? "";
    if (quotedValue === undefined) {
      const cut = nextKeyAt(value, NEXT_KEY);
      if (cut) {
        pattern.lastIndex = match.index + match[0].length - value.length + cut.resume;
        value = value.slice(0, cut.end);
      }
      value = value.replace(TRAILING_PUNCTUATION, "");
    } else {
      const afterEquals = match[0].indexOf("=") + 1;
      const contentStart = afterEquals + match[0].slice(afterEquals).search(/\S/) + 1;
      const cut = contentStart + value.length === match[0].length ? nextKeyAt(value, NEXT_KEY_AFTER_SPACE) : null;
      if (cut) {
        pattern.lastIndex = match.index + contentStart + cut.resume;
        value = value.slice(0, cut.end);
      }
    }
    segments.push({ kind: "field", key: match[1] ?? "", value: value.trim(), quoted: quotedValue !== undefined });
  }
  return segments;
}

/**
 * `commune : Vagney`, `diffusion:service`, `diff:service`, `Diffusion service`: the forms phones and
 * dictation produce, read as `key=value` (keys of three letters or more; "secteur X" stays free words,
 * read there as a commune). Only outside quoted values.
 */
function colonFields(text: string): string {
  return text
    .replace(/(^|[\s,;])([\p{L}_][\p{L}\p{N}_]*)[ \t]*[:：][ \t]*(?=[^\s:=/])/gu, (whole, before: string, key: string) =>
      key.length >= 3 && fieldForKey(key) && !/^secteur$/i.test(key) ? `${before}${key}=` : whole,
    )
    .replace(/(^|[\s,;])(diffusion|diff|dif)[ \t]+(?=[^\s=:])/giu, "$1$2=");
}

/** Applies `rewrite` to the parts of the line outside "…", “…” and « … » quotes. */
function outsideQuotes(text: string, rewrite: (part: string) => string): string {
  return text.replace(
    /([^"“”„«»]*)("[^"]*"?|[“”„][^“”]*[“”]?|«[^»]*»?)?/gu,
    (_, plain: string, quoted: string | undefined) => `${rewrite(plain)}${quoted ?? ""}`,
  );
}

/** Where a known `key=` starts inside an unquoted value: the value ends there, reading resumes there. */
function nextKeyAt(value: string, pattern: RegExp): { end: number; resume: number } | null {
  for (const m of value.matchAll(pattern)) {
    if (fieldForKey(m[2] ?? "")) return { end: m.index, resume: m.index + (m[1] ?? "").length };
  }
  return null;
}

function takeWords(segments: Segment[], from: number, max = 5): string[] {
  const words: string[] = [];
  for (let i = from; i < segments.length && words.length < max; i++) {
    const next = segments[i];
    if (next?.kind !== "word") break;
    words.push(next.text);
  }
  return words;
}

/**
 * `commune=st die des vosges …`, `quand=hier 22h …`: the longest run of following words that still
 * makes a valid value wins. Commune names never contain digits, so a run for a commune stops at
 * the first word with one ("epinal 3 guetteurs" is Épinal and free text).
 */
function longestValid(field: FieldName, first: string, following: string[], draft: ReportDraft, ctx: CaptureContext) {
  const usable =
    field === "commune"
      ? following.slice(
          0,
          indexOrLength(
            following.findIndex((w) => /\d/.test(w)),
            following,
          ),
        )
      : field === "substances"
        ? substanceWords(following)
        : following;
  // A run understood exactly wins; one only guessed ("type=stock 3" ≈ stockage) loses to the first
  // word understood on its own, so that free text is not swallowed by a fuzzy match.
  let guessed: { value: string; consumed: number } | undefined;
  for (let n = usable.length; n > 0; n--) {
    const candidate = [first, ...usable.slice(0, n)].join(" ").replace(TRAILING_PUNCTUATION, "");
    const result = applyField(field, candidate, draft, ctx);
    if (result.ok && !result.note) return { value: candidate, consumed: n };
    if (result.ok) guessed ??= { value: candidate, consumed: n };
    // `quand=hier 25h`: a time that is read but impossible is reported, not dropped into the text.
    if (!result.ok && field === "when" && !result.error.startsWith("Date non comprise")) return { value: candidate, consumed: n };
  }
  if (guessed && !applyField(field, first, draft, ctx).ok) return guessed;
  return { value: first, consumed: 0 };
}

/** `substances=shit et coke 3 guetteurs`: the words that name substances, and the "et" between them. */
function substanceWords(following: string[]): string[] {
  let count = 0;
  for (const [i, word] of following.entries()) {
    const parts = word.split(/[,;+/]+/).filter(Boolean);
    if (!parts.every((p) => p.toLowerCase() === "et" || isKnownSubstance(p))) break;
    if (parts.some((p) => p.toLowerCase() !== "et")) count = i + 1;
  }
  return following.slice(0, count);
}

/** `date=25/11 heure=22h` (either order): the second half joined to the first, when together they read. */
function joinWhen(
  first: string,
  current: Segment & { kind: "field" },
  segments: Segment[],
  i: number,
  draft: ReportDraft,
  ctx: CaptureContext,
) {
  const second = current.quoted
    ? { value: current.value, consumed: 0 }
    : longestValid("when", current.value, takeWords(segments, i + 1), draft, ctx);
  for (const value of [`${first} ${second.value}`, `${second.value} ${first}`]) {
    const result = applyField("when", value, draft, ctx);
    if (result.ok) return { draft: result.draft, value, consumed: second.consumed };
  }
  return null;
}

function indexOrLength(index: number, list: readonly unknown[]): number {
  return index === -1 ? list.length : index;
}

function article(field: FieldName): string {
  return (
    { type: "le type de fait", commune: "la commune", when: "la date d'observation" }[field as "type"] ?? FIELD_LABELS[field]
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
