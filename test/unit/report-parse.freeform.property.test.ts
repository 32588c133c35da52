/**
 * Properties of the free-form reading (issue 11) and of diffusion (issue 9, item 4): explicit fields
 * always win, free words never change them, and no input widens a diffusion — a line that mentions a
 * diffusion in any spelling yields exactly that level or is refused, never the cross default.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import { diffusionCode } from "../../src/core/report/diffusion.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import type { CaptureContext } from "../../src/core/report/fields.js";
import { parseFieldsOnto, parseReportLine } from "../../src/core/report/parse-line.js";

const ctx: CaptureContext = {
  now: new Date("2026-11-26T20:07:00Z"),
  timeZone: "Europe/Paris",
  maxAgeDays: 365,
  communes: CommuneIndex.vosges(),
  types: DEFAULT_FACT_TYPES,
  services: ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"],
};
const RUNS = { numRuns: 1_500, seed: 20_261_126 };
const TIMEOUT = 120_000;

/** Free words that each name a type, a commune or a date, or nothing at all. */
const FREE = [
  "pdd", "go fast", "nourrice", "plants", "seringues", "rixe", "blanchiment", "vente de shit", "tapage",
  "à Golbey", "sur Épinal", "secteur Vittel", "Remiremont (88)", "d'Arches", "à Toul", "à Raon", "commune de Charmes",
  "hier 22h", "ce matin", "vers cinq heures et demie", "ya 2h", "ajd", "en ce moment", "tout à l'heure", "4h du mat",
  "avant-hier", "l'autre soir", "2 guetteurs", "ds", "tt", "la", "rue de Saint-Dié", ",", "12/11", "demain",
]; // prettier-ignore
const freeWords = fc.array(fc.constantFrom(...FREE), { maxLength: 8 });

// Quoted: an unquoted value may by design run over the next words ("quand=hier 22h"), which is not a free word.
const explicit = fc.record(
  {
    type: fc.constantFrom('type="deal"', 'type="stockage"', 't="culture"', 'nature="rixe"', "type=“go fast”"),
    commune: fc.constantFrom('commune="epinal"', 'commune="st die"', 'c="golbey"', "ville=« Vittel »", 'commune="Vagney"'),
    when: fc.constantFrom('quand="hier 22h"', 'quand="lundi"', 'q="maintenant"', 'date="12/11"', 'quand="avant-hier"'),
    grade: fc.constantFrom("cotation=B2", "cot=C3"),
  },
  { requiredKeys: [] },
);

function fieldsOf(line: string) {
  const { draft } = parseReportLine(line, ctx);
  return { type: draft.type, commune: draft.commune?.code, when: draft.observedAt, grade: draft.grade };
}

describe("explicit fields win over free words", () => {
  it(
    "a field given explicitly keeps its value whatever free words are added, wherever",
    () => {
      fc.assert(
        fc.property(explicit, freeWords, freeWords, (given, before, after) => {
          const fields = Object.values(given);
          const alone = fieldsOf(fields.join(" "));
          const mixed = fieldsOf([...before, ...fields, ...after].join(" "));
          for (const key of Object.keys(given) as (keyof typeof given)[]) {
            const name = key === "when" ? "when" : key;
            expect(mixed[name]).toEqual(alone[name]);
          }
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "free words fill only what no field gave: with the three required fields given, they change nothing",
    () => {
      fc.assert(
        fc.property(freeWords, (words) => {
          const line = `type=stockage commune=golbey quand="hier 22h" ${words.join(" ")}`;
          const { draft } = parseReportLine(line, ctx);
          expect([draft.type, draft.commune?.code, draft.observedAt]).toEqual(["stockage", "88209", "2026-11-25T21:00:00.000Z"]);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});

// -------------------------------------------------------------------------------------- diffusion

const KEY_SPELLINGS = ["diffusion", "Diffusion", "DIFFUSION", "diff", "Diff", "dif", "d"];
const SEPARATORS = ["=", ":", " : ", ": ", " ", " = "];
const LEVELS: [string, string][] = [
  ["service", "service"],
  ["Service", "service"],
  ["SERVICE", "service"],
  ["interne", "service"],
  ["service uniquement", "service"],
  ["restreint:douane,gir", "restreint:douane,gir"],
  ["restreinte douane et gir", "restreint:douane,gir"],
  ["restreint gir", "restreint:gir"],
  ["douane,gir", "restreint:douane,gir"],
  ["cross", "cross"],
  ["tous", "cross"],
  ["", "?"],
  ["limitée", "?"],
  ["police", "?"],
  ["secret", "?"],
  ["de la vidéo", "?"],
  ["restreint", "?"],
];

const mention = fc
  .tuple(fc.constantFrom(...KEY_SPELLINGS), fc.constantFrom(...SEPARATORS), fc.constantFrom(...LEVELS))
  // "d service" is not a diffusion for anyone; "d=service" and "d:" are left to their own rules.
  .filter(([key, sep]) => !(key === "d" && sep.trim() !== "="))
  .map(([key, sep, [said, level]]) => ({ text: `${key}${sep}${said}`.trim(), level }));

describe("no input widens a diffusion", () => {
  it(
    "a line that mentions a diffusion yields exactly that level, or is refused — never the cross default",
    () => {
      fc.assert(
        fc.property(mention, freeWords, freeWords, fc.boolean(), (m, before, after, fields) => {
          const body = fields ? 'type=deal commune=epinal quand="hier 22h"' : "pdd à Épinal hier 22h";
          const { draft, problems } = parseReportLine([...before, body, m.text, ...after].join(" "), ctx);
          if (problems.length > 0) return;
          expect(m.level).not.toBe("?");
          expect(draft.diffusion && diffusionCode(draft.diffusion)).toBe(m.level);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "the careless spellings of issue 9 are understood, and !maj applies them",
    () => {
      const base = parseReportLine('type=deal commune=epinal quand="hier 22h"', ctx).draft;
      for (const text of ["diffusion:service", "diffusion : service", "diff:service", "Diffusion service"]) {
        expect(parseReportLine(`type=deal commune=epinal quand=hier ${text}`, ctx).draft.diffusion).toEqual({ level: "service" });
        const updated = parseFieldsOnto(text, base, ctx);
        expect(updated.problems).toEqual([]);
        expect(updated.draft.diffusion).toEqual({ level: "service" });
        expect(updated.draft.text).toBe("");
      }
    },
    TIMEOUT,
  );

  it(
    "free words never widen a narrowed report under !maj, and a diffusion word not understood is refused",
    () => {
      const base = parseReportLine('type=deal commune=epinal quand="hier 22h" diffusion=service', ctx).draft;
      fc.assert(
        fc.property(
          fc.oneof(
            freeWords.map((w) => w.join(" ")),
            fc.string({ maxLength: 40 }),
          ),
          (text) => {
            const { draft, problems } = parseFieldsOnto(text, base, ctx);
            if (problems.length > 0) return;
            expect(draft.diffusion).toEqual({ level: "service" });
          },
        ),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "arbitrary text: a line read as cross without problems says cross itself or says nothing about diffusion",
    () => {
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), freeWords, (noise, words) => {
          const line = `pdd à Épinal hier 22h ${noise} ${words.join(" ")}`;
          const { draft, problems } = parseReportLine(line, ctx);
          if (problems.length > 0 || draft.diffusion?.level !== "cross") return;
          const flat = line.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
          if (/diff?u?s?|restreint|confidentiel/.test(flat)) expect(flat).toMatch(/\b(cross|tous|toutes|all|large)\b/);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
