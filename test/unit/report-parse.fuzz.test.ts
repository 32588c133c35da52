/**
 * Property tests for the one-line report: whatever an officer (or a phone keyboard) sends, the
 * parser never throws, and it either understood a complete report or says, in French, what is wrong.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { type CaptureContext, FIELD_KEYS } from "../../src/core/report/fields.js";
import { gradeCode } from "../../src/core/report/grading.js";
import { type ParsedLine, parseFieldsOnto, parseReportLine } from "../../src/core/report/parse-line.js";
import { isComplete, type ReportDraft } from "../../src/core/report/report.js";

const NOW = new Date("2026-11-26T20:07:00Z");
const DAY = 24 * 60 * 60 * 1000;
const ctx: CaptureContext = {
  now: NOW,
  timeZone: "Europe/Paris",
  maxAgeDays: 365,
  communes: CommuneIndex.vosges(),
  types: DEFAULT_FACT_TYPES,
  services: ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"],
};
const TYPE_KEYS = new Set(DEFAULT_FACT_TYPES.map((t) => t.key));

/** Reproducible: change the seed to explore further, keep the one that found a bug in a table test. */
const RUNS = { numRuns: 2_500, seed: 20_261_126 };
const TIMEOUT = 120_000;

/** French words every message template carries; the officer's own text, quoted « … », is left out. */
const FRENCH =
  /(?<!\p{L})(?:le|la|les|de|du|des|un|une|ex|exemples?|inconnue?s?|manque|vide|comprise?|ambiguë|précisez|impossible|futur|vouliez-vous|donnée?|choix|services?|remonte|reconnue?|ambigu)(?!\p{L})/iu;

function expectFrench(message: string): void {
  expect(typeof message).toBe("string");
  expect(message.trim()).not.toBe("");
  const template = message.replace(/«[^»]*»/g, "« »");
  expect(template).toMatch(FRENCH);
  expect(template).not.toMatch(/undefined|\bnull\b|NaN|\[object|Error\b|at .*\.ts:\d+/);
}

/** The contract of a parse: complete and clean, or at least one problem explained in French. */
function expectSound(parsed: ParsedLine): void {
  const { draft, problems, notes } = parsed;
  if (problems.length === 0) {
    expect(isComplete(draft)).toBe(true);
    expect(TYPE_KEYS.has(draft.type ?? "")).toBe(true);
    expect(draft.commune?.code).toMatch(/^88\d{3}$/);
    const at = Date.parse(draft.observedAt ?? "");
    expect(at).toBeLessThanOrEqual(NOW.getTime() + 10 * 60_000);
    expect(at).toBeGreaterThanOrEqual(NOW.getTime() - 366 * DAY);
    expect(draft.grade && gradeCode(draft.grade)).toMatch(/^[A-F][1-6]$/);
    expect(draft.diffusion).toBeDefined();
  } else {
    for (const problem of problems) expectFrench(problem.message);
  }
  for (const note of notes) expect(note.trim()).not.toBe("");
}

// ------------------------------------------------------------------------------------ a line grammar

const ALL_KEYS = Object.values(FIELD_KEYS).flat();
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ALL_KEYS) },
  { weight: 2, arbitrary: fc.mixedCase(fc.constantFrom(...ALL_KEYS)) }, // autocorrect capitals
  {
    weight: 1,
    arbitrary: fc.constantFrom("comune", "tipe", "qand", "cotaton", "téléphone", "Localité", "prix", "cout", "x", "h", "lieux"),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 8 }) },
);
const value = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "deal", "go fast", "stokage", "3", "12", "braquage", "epinal", "st die", "ste marguerite", "88000", "paris", "saint", "raon",
      "hier", "hier 22h", "hier 25h", "demain", "28/11", "31/02", "12/11/2024", "il y a 2h", "il y a 99999999999 jours", "lundi 6h30",
      "cette nuit", "maintenant", "B2", "2B", "b-2", "G7", "cross", "service", "restreint:douane,gir", "restreint", "restreint:police",
      "douane gir", "AB-123-CD", "ab 123 cd", "1234 AB 88", "et-123-ab", "06 12 34 56 78", "+32 470 12 34 56", "+33(0)6 12 34 56 78",
      "612345678", "shit et coke", "une dizaine", "environ 5", "trois", "3-4", "LEBON Kevin", "rue de la Gare", "10€", "",
    ), // prettier-ignore
  },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);
const quoted = fc.tuple(
  fc.constantFrom<[string, string]>(
    ['"', '"'],
    ["“", "”"],
    ["”", "”"],
    ["«\u00a0", "\u00a0»"],
    ["« ", " »"],
    ["‘", "’"],
    ["'", "'"],
    ['"', ""],
    ["«", ""],
  ),
  value,
);
const equals = fc.constantFrom("=", " = ", "= ", " =", "=\u00a0", "==");
const field = fc
  .tuple(key, equals, fc.oneof(value, quoted))
  .map(([k, eq, v]) => `${k}${eq}${typeof v === "string" ? v : `${v[0][0]}${v[1]}${v[0][1]}`}`);
const word = fc.oneof(
  fc.constantFrom(
    "3",
    "guetteurs",
    "devant",
    "la",
    "gare",
    "prix=10€",
    "1g=10€",
    "22h",
    ",",
    ";",
    ".",
    "«",
    "»",
    "“",
    "”",
    "'",
    "=",
    "AB-123-CD",
    "0612345678",
    "(88)",
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }),
);
const separator = fc.constantFrom(" ", "  ", "\u00a0", "\u202f", ", ", ",", "; ", "\t", "");
const line = fc
  .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: field }, { weight: 2, arbitrary: word }), separator), { maxLength: 14 })
  .map((parts) => parts.map(([text, sep]) => text + sep).join(""));

/** Lines that look like reports: the three required fields (mostly valid), some others, free words, shuffled. */
const wrap = (v: fc.Arbitrary<string>) =>
  fc
    .tuple(v, fc.constantFrom<[string, string]>(["", ""], ['"', '"'], ["“", "”"], ["« ", " »"], ["‘", "’"]))
    .map(([t, [o, c]]) => `${o}${t}${c}`);
const required = fc.tuple(
  fc
    .constantFrom("type", "Type", "t", "nature", "fait", "tipe")
    .chain((k) =>
      wrap(fc.constantFrom("deal", "Deal", "go fast", "stockage", "stokage", "3", "conso", "braquage", "")).map(
        (v) => `${k}=${v}`,
      ),
    ),
  fc
    .constantFrom("commune", "Commune", "c", "ville", "localité", "comune")
    .chain((k) =>
      wrap(
        fc.constantFrom("epinal", "Épinal", "st die", "ste marguerite", "remiremon", "la bresse", "88160", "paris", "saint", ""),
      ).map((v) => `${k}=${v}`),
    ),
  fc
    .constantFrom("quand", "Quand", "q", "date", "heure", "le", "qand")
    .chain((k) =>
      wrap(
        fc.constantFrom(
          "hier",
          "hier 22h",
          "lundi 6h30",
          "12/11 23h",
          "il y a 2h",
          "maintenant",
          "cette nuit",
          "23h",
          "demain",
          "28/11",
          "hier 25h",
          "",
        ),
      ).map((v) => `${k}=${v}`),
    ),
);
const report = fc
  .tuple(required, fc.array(field, { maxLength: 4 }), fc.array(word, { maxLength: 5 }), fc.infiniteStream(separator))
  .chain(([[t, c, q], extras, words, seps]) =>
    fc.shuffledSubarray([t, c, q, ...extras, ...words], { minLength: 3 + extras.length + words.length }).map((parts) => {
      const it = seps[Symbol.iterator]();
      return parts.map((p) => p + (/[,;]$/.test(p) ? " " : (it.next().value ?? " ") || " ")).join("");
    }),
  );

const base: ReportDraft = parseReportLine(
  'type=deal commune=epinal quand="hier 22h" plaque=AB-123-CD tel=0612345678 cotation=B2',
  ctx,
).draft;

describe("parseReportLine never throws and always answers", () => {
  it(
    "arbitrary Unicode text (graphemes)",
    () => {
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => expectSound(parseReportLine(text, ctx))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "arbitrary code points, lone surrogates included",
    () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => expectSound(parseReportLine(text, ctx))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "lines built from keys, '=', quotes, values and free words",
    () => {
      fc.assert(
        fc.property(line, (text) => expectSound(parseReportLine(text, ctx))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "report-like lines: required fields mostly valid, others and free words mixed in",
    () => {
      fc.assert(
        fc.property(report, (text) => expectSound(parseReportLine(text, ctx))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "a report typed in any field order, with free text first, is understood the same way",
    () => {
      const fields = [
        "type=go fast",
        "commune=st die",
        "quand=“hier 22h”",
        "cot=2B",
        "plaque=ab 123 cd",
        "tel=+32 470 12 34 56",
        "diff=restreint:douane,gir",
        "lieu=« rue de la Gare »",
      ];
      const freeText = fc.array(fc.constantFrom("3", "guetteurs", "vus", "prix=10€", "le", "gramme", "à", "22h"), {
        maxLength: 6,
      });
      fc.assert(
        fc.property(fc.shuffledSubarray(fields, { minLength: fields.length }), freeText, (order, words) => {
          const { draft, problems } = parseReportLine([...words, ...order].join(" "), ctx);
          expect(problems).toEqual([]);
          expect(draft.type).toBe("livraison");
          expect(draft.commune?.code).toBe("88413");
          expect(draft.observedAt).toBe("2026-11-25T21:00:00.000Z");
          expect(draft.grade && gradeCode(draft.grade)).toBe("B2");
          expect(draft.diffusion).toEqual({ level: "restreint", services: ["douane", "gir"] });
          expect(draft.place).toBe("rue de la Gare");
          expect((draft.entities ?? []).map((e) => `${e.kind}:${e.value}`).sort()).toEqual([
            "address:88413:rue de la gare",
            "phone:+32470123456",
            "plate:AB-123-CD",
          ]);
          expect(draft.text).toBe(words.join(" "));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});

describe("parseFieldsOnto never throws", () => {
  it(
    "on arbitrary text and on built lines, onto a complete report",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 150 }), line, report), (text) => {
          const parsed = parseFieldsOnto(text, base, ctx);
          for (const problem of parsed.problems) expectFrench(problem.message);
          // A complete report stays complete: !maj can change fields, never lose them.
          expect(isComplete(parsed.draft)).toBe(true);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    "on built lines, onto an empty draft (the guided dialogue)",
    () => {
      fc.assert(
        fc.property(fc.oneof(line, report), (text) => {
          const parsed = parseFieldsOnto(text, {}, ctx);
          for (const problem of parsed.problems) expectFrench(problem.message);
          expect(parsed.given).toBeInstanceOf(Set);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
