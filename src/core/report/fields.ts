import { type Entity, normaliseAddress, normalisePerson, normalisePhone, normalisePlate } from "../fr/entities.js";
import { parseWhen } from "../fr/when.js";
import { parseDiffusion } from "./diffusion.js";
import { matchFactType } from "./fact-types.js";
import { parseGrade } from "./grading.js";
import type { ReportDraft } from "./report.js";

export type { CaptureContext } from "./context.js";
import { ancienNote } from "./free-form.js";
import type { CaptureContext } from "./context.js";

/** The fields an officer can give, by the name used in messages and in the guided dialogue. */
export type FieldName =
  "type" | "commune" | "place" | "when" | "grade" | "diffusion" | "substances" | "people" | "plate" | "phone" | "person" | "text";

/** Keys officers type (accent-free, lower case), per field. The first one is taught in help texts. */
export const FIELD_KEYS: Record<FieldName, string[]> = {
  type: ["type", "t", "nature", "fait"],
  commune: ["commune", "c", "ville", "com", "cne", "localite"],
  place: ["lieu", "l", "quartier", "rue", "adresse", "adr", "endroit", "secteur"],
  when: ["quand", "q", "date", "heure", "le", "when"],
  grade: ["cotation", "cot", "cote", "grade"],
  diffusion: ["diffusion", "diff", "dif", "d"],
  substances: ["substances", "substance", "produit", "produits", "drogue", "drogues", "stup", "stups"],
  people: ["personnes", "pers", "nb", "nombre", "individus", "effectif"],
  plate: ["plaque", "plaques", "immat", "immatriculation", "vehicule", "vehicules", "veh", "vl"],
  phone: ["tel", "tels", "telephone", "telephones", "portable", "num", "numero", "gsm"],
  person: ["personne", "individu", "nom", "suspect", "surnom", "alias"],
  text: ["texte", "txt", "obs", "observations", "commentaire"],
};

export const FIELD_LABELS: Record<FieldName, string> = {
  type: "type",
  commune: "commune",
  place: "lieu",
  when: "date d'observation",
  grade: "cotation",
  diffusion: "diffusion",
  substances: "substances",
  people: "nombre de personnes",
  plate: "immatriculation",
  phone: "téléphone",
  person: "personne",
  text: "texte",
};

export const FIELD_EXAMPLES: Record<FieldName, string> = {
  type: "type=deal",
  commune: "commune=epinal",
  place: 'lieu="rue de la Gare"',
  when: 'quand="hier 22h"',
  grade: "cotation=B2",
  diffusion: "diffusion=restreint:douane,gir",
  substances: "substances=cannabis,cocaine",
  people: "personnes=3",
  plate: "plaque=AB-123-CD",
  phone: "tel=0612345678",
  person: 'personne="X dit Le Gitan"',
  text: 'texte="3 guetteurs"',
};

const KEY_TO_FIELD = new Map<string, FieldName>(
  (Object.entries(FIELD_KEYS) as [FieldName, string[]][]).flatMap(([field, keys]) => keys.map((k) => [k, field] as const)),
);

export function fieldForKey(key: string): FieldName | undefined {
  return KEY_TO_FIELD.get(key.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase());
}

export const ALL_KEYS = [...KEY_TO_FIELD.keys()];

/** What the capture needs to know besides the text: the clock, the cell's lists. */
/** note: a guess the officer should check; info: something worth saying that is not a guess. */
export type FieldResult = { ok: true; draft: ReportDraft; note?: string; info?: string } | { ok: false; error: string };

/**
 * Interprets one field value into the draft. Pure; used by the one-line report, the guided dialogue
 * and `!update`, so all three understand officers the same way.
 */
export function applyField(field: FieldName, value: string, draft: ReportDraft, ctx: CaptureContext): FieldResult {
  const text = value.trim();
  if (text === "" && field !== "text")
    return { ok: false, error: `${capitalise(FIELD_LABELS[field])} vide (ex. ${FIELD_EXAMPLES[field]}).` };
  switch (field) {
    case "type": {
      const match = matchFactType(text, ctx.types);
      if (!match.ok) return match;
      return {
        ok: true,
        draft: { ...draft, type: match.type.key },
        note: match.guessed ? `type compris : ${match.type.label}` : undefined,
      };
    }
    case "commune": {
      const match = ctx.communes.resolve(text);
      if (!match.ok) return { ok: false, error: match.error };
      const commune = { code: match.commune.code, nom: match.commune.nom };
      return {
        ok: true,
        draft: { ...draft, commune },
        note: match.exact ? undefined : `commune comprise : ${commune.nom} (${commune.code})`,
        info: match.ancien ? ancienNote(match.ancien, commune) : undefined,
      };
    }
    case "place":
      return { ok: true, draft: { ...draft, place: text } };
    case "when": {
      const when = parseWhen(text, ctx.now, { timeZone: ctx.timeZone, maxAgeDays: ctx.maxAgeDays });
      if (!when.ok) return when;
      return { ok: true, draft: { ...draft, observedAt: when.at.toISOString(), observedPrecision: when.precision } };
    }
    case "grade": {
      const grade = parseGrade(text);
      return grade.ok ? { ok: true, draft: { ...draft, grade: grade.grade } } : grade;
    }
    case "diffusion": {
      const diffusion = parseDiffusion(text, ctx.services);
      return diffusion.ok ? { ok: true, draft: { ...draft, diffusion: diffusion.diffusion } } : diffusion;
    }
    case "substances": {
      // "coke crack": two known names separated by a space are two substances.
      const items = splitList(text).flatMap((item) => {
        const words = item.split(/\s+/);
        return words.length > 1 && !isKnownSubstance(item) && words.every(isKnownSubstance) ? words : [item];
      });
      return { ok: true, draft: { ...draft, substances: unique([...(draft.substances ?? []), ...items.map(substanceName)]) } };
    }
    case "people": {
      const count = parseCount(text);
      if (count === null) return { ok: false, error: `Nombre de personnes non compris : « ${text} » (ex. personnes=3).` };
      return { ok: true, draft: { ...draft, peopleCount: count } };
    }
    case "plate":
    case "phone":
    case "person": {
      const normalise = { plate: normalisePlate, phone: normalisePhone, person: normalisePerson }[field];
      // `personne=3` (singular key) is a head count, not somebody called "3".
      const count = field === "person" ? parseCount(text) : null;
      if (count !== null) {
        return {
          ok: true,
          draft: { ...draft, peopleCount: count },
          note: `« ${text} » compris comme ${count} personne(s) ; pour désigner quelqu'un : ${FIELD_EXAMPLES.person}`,
        };
      }
      // A "+" separates substances ("shit+coke") but starts an international number ("+32 470…").
      const items = field === "person" ? [text] : splitList(text, field === "phone" ? LIST_SEPARATORS_PHONE : LIST_SEPARATORS);
      const entities: Entity[] = [];
      for (const item of items) {
        const result = normalise(item);
        if (!result.ok) return { ok: false, error: result.error };
        entities.push(result.entity);
      }
      return { ok: true, draft: { ...draft, entities: mergeEntities(draft.entities ?? [], entities) } };
    }
    case "text":
      return { ok: true, draft: { ...draft, text: [draft.text, text].filter(Boolean).join(" ") } };
  }
}

/** The place as an address entity, scoped to its commune so that two "rue de la Gare" do not match. */
export function placeEntity(place: string, communeCode: string): Entity | null {
  const result = normaliseAddress(place);
  if (!result.ok) return null;
  return { ...result.entity, value: `${communeCode}:${result.entity.value}` };
}

export function mergeEntities(existing: Entity[], added: Entity[]): Entity[] {
  const seen = new Set(existing.map((e) => `${e.kind}:${e.value}`));
  const merged = [...existing];
  for (const entity of added) {
    if (!seen.has(`${entity.kind}:${entity.value}`)) merged.push(entity);
    seen.add(`${entity.kind}:${entity.value}`);
  }
  return merged;
}

const SUBSTANCES: [RegExp, string][] = [
  [/^(cannabis|shit|resine|herbe|beuh|weed|marijuana|haschich|hasch|hash|chichon|teuch)$/, "cannabis"],
  [/^(cocaine|coke|cc|c|blanche)$/, "cocaïne"],
  [/^(heroine|hero|brown|came)$/, "héroïne"],
  [/^(crack|caillou)$/, "crack"],
  [/^(mdma|ecstasy|xtc|ecsta|extasy)$/, "MDMA / ecstasy"],
  [/^(amphetamine|amphetamines|speed)$/, "amphétamines"],
  [/^(protoxyde|proto|n2o|gaz hilarant)$/, "protoxyde d'azote"],
  [/^(ketamine|keta)$/, "kétamine"],
];

function substanceName(text: string): string {
  const key = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  return SUBSTANCES.find(([pattern]) => pattern.test(key))?.[1] ?? text.trim();
}

/** A word the substance list knows ("shit", "Coke", "résine"): lets `substances=shit et coke` span words. */
export function isKnownSubstance(text: string): boolean {
  const key = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  return SUBSTANCES.some(([pattern]) => pattern.test(key));
}

const NUMBER_WORDS = [
  "zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
  "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix sept", "dix huit", "dix neuf", "vingt",
]; // prettier-ignore
/** "une dizaine", "une quinzaine": the round number. */
const ROUND_WORDS: Record<string, number> = {
  dizaine: 10,
  douzaine: 12,
  quinzaine: 15,
  vingtaine: 20,
  trentaine: 30,
  cinquantaine: 50,
  centaine: 100,
};

/** `personne=3`: a head count typed with the singular key (read as such by applyField). */
export function isHeadCount(text: string): boolean {
  return parseCount(text) !== null;
}

function parseCount(text: string): number | null {
  const value = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/-/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    // "environ 5", "~5", "une dizaine": an estimate is still a count.
    .replace(/^(?:~|environ|env\.?|approx\.?|a peu pres|au moins|plus de|pres de) ?/, "")
    .replace(/^une? (?=[a-z]+aine$)/, "");
  const fromWord = NUMBER_WORDS.indexOf(value.replace(/^une$/, "un"));
  const count = fromWord >= 0 ? fromWord : (ROUND_WORDS[value] ?? (/^\d{1,3}$/.test(value) ? Number(value) : NaN));
  return Number.isInteger(count) && count >= 0 && count <= 999 ? count : null;
}

// "et" only between spaces: "et-123-ab" and "ab-123-et" are plates, not two halves of a list.
const LIST_SEPARATORS = /\s*[,;+/]\s*|\s+et\s+/i;
const LIST_SEPARATORS_PHONE = /\s*[,;/]\s*|\s+et\s+/i;

function splitList(text: string, separators: RegExp = LIST_SEPARATORS): string[] {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
