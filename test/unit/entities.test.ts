import { describe, expect, it } from "vitest";
import {
  extractEntities,
  normaliseAddress,
  normalisePerson,
  normalisePhone,
  normalisePlate,
  type Entity,
  type Normalised,
} from "../../src/core/fr/entities.js";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

function entity(result: Normalised): Entity {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.entity;
}

function error(result: Normalised): string {
  if (result.ok) throw new Error(`expected an error, got: ${JSON.stringify(result.entity)}`);
  return result.error;
}

describe("normalisePlate", () => {
  it.each([
    // SIV, however typed
    ["ab123cd", "AB-123-CD", "AB-123-CD"],
    ["AB 123 CD", "AB-123-CD", "AB-123-CD"],
    ["ab-123-cd", "AB-123-CD", "AB-123-CD"],
    ["AB.123.CD", "AB-123-CD", "AB-123-CD"],
    ["ab 123cd", "AB-123-CD", "AB-123-CD"],
    ["Ab 123 cd", "AB-123-CD", "AB-123-CD"], // autocorrect capital
    [`AB${NBSP}123${NBSP}CD`, "AB-123-CD", "AB-123-CD"],
    [`ab${NNBSP}123${NNBSP}cd`, "AB-123-CD", "AB-123-CD"],
    ["  ab–123–cd  ", "AB-123-CD", "AB-123-CD"], // typographic dashes from autocorrect
    ["ww-456-xy", "WW-456-XY", "WW-456-XY"], // temporary WW series: accepted, just normalised
    ["GI 001 OU", "GI-001-OU", "GI-001-OU"], // letters SIV never issues are not over-validated
    // FNI
    ["1234ab88", "1234AB88", "1234 AB 88"],
    ["1234 AB 88", "1234AB88", "1234 AB 88"],
    ["1234-ab-88", "1234AB88", "1234 AB 88"],
    ["123 abc 88", "123ABC88", "123 ABC 88"],
    ["1 a 01", "1A01", "1 A 01"],
    ["456 xy 2a", "456XY2A", "456 XY 2A"],
    ["456.XY.2B", "456XY2B", "456 XY 2B"],
    ["789 ab 971", "789AB971", "789 AB 971"],
    [`4321${NBSP}zz${NBSP}976`, "4321ZZ976", "4321 ZZ 976"],
  ])("%j → %s (%s)", (input, value, display) => {
    expect(entity(normalisePlate(input))).toEqual({ kind: "plate", value, display });
  });

  it.each([
    "AB-000-CD", // 000 is never issued
    "ABC-123-DE",
    "A-123-BC",
    "AB-1234-CD",
    "GB AB12 CDE", // foreign
    "B-AB 1234", // German
    "12345 AB 88", // five digits
    "1234 ABCD 88",
    "1234 AB 00", // no such département
    "1234 AB 97",
    "1234 AB 977",
    "0 AB 88",
    "",
    "   ",
  ])("refuses %j", (input) => {
    expect(error(normalisePlate(input))).toMatch(/^Immatriculation non reconnue : « .* »\. Formats : AB-123-CD ou 1234 AB 88\.$/);
  });

  it("quotes what was typed, shortened", () => {
    expect(error(normalisePlate("xx"))).toBe("Immatriculation non reconnue : « xx ». Formats : AB-123-CD ou 1234 AB 88.");
    expect(error(normalisePlate("x".repeat(200))).length).toBeLessThan(120);
  });
});

describe("normalisePhone", () => {
  it.each([
    ["06 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"],
    ["0612345678", "+33612345678", "+33 6 12 34 56 78"],
    ["06.12.34.56.78", "+33612345678", "+33 6 12 34 56 78"],
    ["06-12-34-56-78", "+33612345678", "+33 6 12 34 56 78"],
    ["06/12/34/56/78", "+33612345678", "+33 6 12 34 56 78"],
    [`06${NBSP}12${NBSP}34${NBSP}56${NBSP}78`, "+33612345678", "+33 6 12 34 56 78"],
    [`06${NNBSP}12${NNBSP}34${NNBSP}56${NNBSP}78`, "+33612345678", "+33 6 12 34 56 78"],
    ["+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"],
    ["+33612345678", "+33612345678", "+33 6 12 34 56 78"],
    ["0033612345678", "+33612345678", "+33 6 12 34 56 78"],
    ["+33 06 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"], // the 0 kept after +33
    ["+33 (0)6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"],
    ["(+33) 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"],
    [" 07 81 23 45 67 ", "+33781234567", "+33 7 81 23 45 67"],
    ["03 29 12 34 56", "+33329123456", "+33 3 29 12 34 56"], // Vosges landline
    ["+32 470 12 34 56", "+32470123456", "+32 470 12 34 56"], // Belgium
    ["0032 470 12 34 56", "+32470123456", "+32 470 12 34 56"],
    ["+352 621 123 456", "+352621123456", "+352 621 123 456"], // Luxembourg
    ["+49 151 23456789", "+4915123456789", "+49 1512 3456789"], // Germany
    ["+41 79 123 45 67", "+41791234567", "+41 79 123 45 67"], // Switzerland
    ["+41 (0)79 123 45 67", "+41791234567", "+41 79 123 45 67"],
  ])("%j → %s (%s)", (input, value, display) => {
    expect(entity(normalisePhone(input))).toEqual({ kind: "phone", value, display });
  });

  it.each(["6 12 34 56 78", "612345678", "33612345678"])("refuses %j as ambiguous (no 0 nor prefix)", (input) => {
    expect(error(normalisePhone(input))).toMatch(/^Numéro ambigu : « .* ».*06 12 34 56 78/);
  });

  it.each([
    "06 12 34 56 7", // one digit short
    "06 12 34 56 789",
    "00 12 34 56 78",
    "+33 6 12 34",
    "+99 123 456 789", // no such country code
    "tel 06 12 34 56 78", // a field, not free text: use extractEntities for that
    "06 12 34 56 78 poste 12",
    "AB-123-CD",
    "17",
    "",
  ])("refuses %j", (input) => {
    expect(error(normalisePhone(input))).toMatch(/^Numéro non reconnu : « .* »\. Exemples : 06 12 34 56 78 /);
  });
});

describe("normaliseAddress", () => {
  it.each([
    ["12bis r. de la gare, épinal", "12 bis rue de la gare epinal", "12 bis Rue de la Gare, Épinal"],
    ["12 BIS RUE DE LA GARE ,EPINAL", "12 bis rue de la gare epinal", "12 bis Rue de la Gare, Epinal"],
    ["3 av.  du Général de Gaulle", "3 avenue du general de gaulle", "3 Avenue du Général de Gaulle"],
    ["3 Av du general de gaulle", "3 avenue du general de gaulle", "3 Avenue du General de Gaulle"],
    ["12 Bd Kelsch", "12 boulevard kelsch", "12 Boulevard Kelsch"],
    ["12 bld kelsch", "12 boulevard kelsch", "12 Boulevard Kelsch"],
    ["pl. des vosges", "place des vosges", "Place des Vosges"],
    ["chem des près", "chemin des pres", "Chemin des Près"],
    ["8 imp. du moulin 88000 ÉPINAL", "8 impasse du moulin 88000 epinal", "8 Impasse du Moulin 88000 Épinal"],
    ["5 rte de bruyères", "5 route de bruyeres", "5 Route de Bruyères"],
    ["4 ALL DES TILLEULS", "4 allee des tilleuls", "4 Allée des Tilleuls"],
    ["r.de l’église", "rue de l eglise", "Rue de l'Église"],
    ["7ter r saint-dié-des-vosges", "7 ter rue saint die des vosges", "7 ter Rue Saint-Dié-des-Vosges"],
    [`2${NBSP}rue${NNBSP}Jeanne d'Arc`, "2 rue jeanne d arc", "2 Rue Jeanne d'Arc"],
    ["La Rochelle", "la rochelle", "La Rochelle"],
  ])("%j → %s (%s)", (input, value, display) => {
    expect(entity(normaliseAddress(input))).toEqual({ kind: "address", value, display });
  });

  it("does not expand abbreviations inside words", () => {
    expect(entity(normaliseAddress("allée des avelines")).value).toBe("allee des avelines");
    expect(entity(normaliseAddress("Rtel")).value).toBe("rtel");
  });

  it.each(["", "   ", " , . "])("refuses %j", (input) => {
    expect(error(normaliseAddress(input))).toMatch(/^Adresse vide\. Exemple : /);
  });
});

describe("normalisePerson", () => {
  it.each([
    ["X dit Le Gitan", "x dit le gitan", "X dit Le Gitan"],
    ["  LEBON   Kevin ", "lebon kevin", "LEBON Kevin"],
    [`Lebon${NBSP}Kévin`, "lebon kevin", "Lebon Kévin"],
    ["N’Diaye Moussa", "n'diaye moussa", "N’Diaye Moussa"],
    ["N'DIAYE Moussa", "n'diaye moussa", "N'DIAYE Moussa"],
    ["Hélène dite « La Brune »", "helene dite « la brune »", "Hélène dite « La Brune »"],
  ])("%j → %s (%s)", (input, value, display) => {
    expect(entity(normalisePerson(input))).toEqual({ kind: "person", value, display });
  });

  it.each(["", "   ", `${NBSP}${NNBSP}`, "« »"])("refuses %j", (input) => {
    expect(error(normalisePerson(input))).toMatch(/^Désignation vide\. Exemple : /);
  });
});

describe("extractEntities", () => {
  const plate = (value: string, display: string): Entity => ({ kind: "plate", value, display });
  const phone = (value: string, display: string): Entity => ({ kind: "phone", value, display });

  it("finds both plate formats and French and foreign phones in a report", () => {
    const text = "vu VW golf grise AB-123-CD puis 2e véhicule 1234 ab 88, tel 06 12 34 56 78 / +32 470 12 34 56";
    expect(extractEntities(text)).toEqual([
      plate("AB-123-CD", "AB-123-CD"),
      plate("1234AB88", "1234 AB 88"),
      phone("+33612345678", "+33 6 12 34 56 78"),
      phone("+32470123456", "+32 470 12 34 56"),
    ]);
  });

  it.each([
    ["le 12/11 à 22h30"],
    ["domicilié 88160 Le Thillot"],
    ["saisie de 500 g de résine, 2 kg d'herbe, 3 personnes"],
    ["réf 88-2026-0042 et 88-2025-1234"],
    ["rdv à 22 h 30 puis 12 h 15"],
    ["2 kg 50 et 1 g 20"],
    ["le 123 km, au 456 de la rue"],
    ["vu le 12 nov 25 vers 23h"],
    ["le 01.12.2025 02:00"],
    ["tel 6 12 34 56 78"], // ambiguous: no 0
    ["montant 1234567890 €"],
    ["AB-000-CD"],
  ])("finds nothing in %j", (text) => {
    expect(extractEntities(text)).toEqual([]);
  });

  it("deduplicates by kind and value, keeping the first occurrence's order", () => {
    const text = "AB123CD, ab 123 cd et ab-123-cd ; 0612345678 = +33 6 12 34 56 78 = 0033612345678";
    expect(extractEntities(text)).toEqual([plate("AB-123-CD", "AB-123-CD"), phone("+33612345678", "+33 6 12 34 56 78")]);
  });

  it.each([
    [`immat AB${NBSP}123${NBSP}CD`, [plate("AB-123-CD", "AB-123-CD")]],
    ["plaque 1234AB88.", [plate("1234AB88", "1234 AB 88")]],
    ["corse 456 xy 2a", [plate("456XY2A", "456 XY 2A")]],
    ["12 h 30 mais 12-H-30 ?", [plate("12H30", "12 H 30")]], // dashes make a stop-listed block a plate
    [`tél${NNBSP}:${NNBSP}06${NNBSP}12${NNBSP}34${NNBSP}56${NNBSP}78`, [phone("+33612345678", "+33 6 12 34 56 78")]],
    ["0612345678/0781234567", [phone("+33612345678", "+33 6 12 34 56 78"), phone("+33781234567", "+33 7 81 23 45 67")]],
    ["+32 470 12 34 56 88160 Xonrupt", [phone("+32470123456", "+32 470 12 34 56")]], // greedy match trimmed
    ["+41 (0)79 123 45 67", [phone("+41791234567", "+41 79 123 45 67")]],
    ["appel du 0032470123456", [phone("+32470123456", "+32 470 12 34 56")]],
    [
      "+352 621 123 456 et +49 151 23456789",
      [phone("+352621123456", "+352 621 123 456"), phone("+4915123456789", "+49 1512 3456789")],
    ],
    ["véh. ww-456-xy", [plate("WW-456-XY", "WW-456-XY")]],
  ])("%j", (text, expected) => {
    expect(extractEntities(text)).toEqual(expected);
  });
});

describe("properties", () => {
  // A small alphabet that hits separators, odd spaces, digits, plate letters, abbreviations and prefixes.
  const ALPHABET = [..."abcrvléABZ0123689 .-+()'’,/", ...[NBSP, NNBSP, "bis", "av", "00", "06", "+33"]];
  // Deterministic generator (mulberry32) so a failure can be reproduced.
  function random(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const next = random(0xc2055);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const noise = Array.from({ length: 2000 }, () =>
    Array.from({ length: Math.floor(next() * 20) }, () => pick(ALPHABET)).join(""),
  );
  // Pure noise is rarely a valid plate or phone: also build inputs shaped like them, typed carelessly.
  const SEPARATORS = ["", " ", ".", "-", NBSP, NNBSP, "  "];
  const digits = (n: number) => Array.from({ length: n }, () => pick("0123456789".split(""))).join("");
  const letters = (n: number, alphabet: string) => Array.from({ length: n }, () => pick(alphabet.split(""))).join("");
  const shapedInput = (alphabet: string): string => {
    const sep = pick(SEPARATORS);
    switch (Math.floor(next() * 3)) {
      case 0:
        return [letters(2, alphabet), digits(3), letters(2, alphabet)].join(sep);
      case 1: {
        const department = pick(["88", "54", "2a", "2B", "971", "976"]);
        const number = digits(1 + Math.floor(next() * 4));
        return [number, letters(1 + Math.floor(next() * 3), alphabet), department].join(sep);
      }
      default: {
        const prefix = pick(["06", "07", "03", "+33 6", "0033 7", "+32 470", "+41 79", "+352 621", "+49 15"]);
        return [prefix, digits(2), digits(2), digits(2), digits(2)].join(sep);
      }
    }
  };
  const shaped = Array.from({ length: 1000 }, () => shapedInput("abcdefghjkwxyzABCDEFGHJKLMNPQRSTVWXYZ"));
  const strings = [...noise, ...shaped];
  const normalisers = { normalisePlate, normalisePhone, normaliseAddress, normalisePerson };

  it.each(Object.entries(normalisers))("%s never throws and is idempotent on its display", (_, normalise) => {
    let accepted = 0;
    for (const input of strings) {
      const first = normalise(input);
      if (!first.ok) continue;
      accepted++;
      const again = normalise(first.entity.display);
      expect(again, JSON.stringify(input)).toEqual(first);
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it("extractEntities never throws and only returns what the normalisers accept", () => {
    const sentences = shaped.map((s, i) => `vu ${s}, puis ${pick(strings)} le ${i % 28}/11`);
    for (const input of [...strings, ...sentences]) {
      for (const found of extractEntities(input)) {
        const normalise = found.kind === "plate" ? normalisePlate : normalisePhone;
        expect(normalise(found.display), JSON.stringify(input)).toEqual({ ok: true, entity: found });
      }
    }
  });

  it("extractEntities finds every valid shaped plate or phone surrounded by words", () => {
    // Consonants only: a letter block that spells a stop word ("12 h 30", "le 123 km") is skipped on purpose.
    const inputs = Array.from({ length: 1000 }, () => shapedInput("BCFKPTVWYZbcfkptvwyz"));
    for (const input of inputs) {
      const normalised = /[+]|^0/.test(input) ? normalisePhone(input) : normalisePlate(input);
      if (!normalised.ok) continue;
      const text = `vu ${input}, hier`;
      expect(extractEntities(text), JSON.stringify(text)).toContainEqual(normalised.entity);
    }
  });
});
