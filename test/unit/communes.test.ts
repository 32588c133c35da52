import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CommuneIndex, normaliseName, type Commune } from "../../src/core/fr/communes.js";

const vosges = CommuneIndex.vosges();

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as T;
}

interface DataFile {
  source: string;
  licence: string;
  generated_by: string;
  communes: (Commune & { contour: boolean })[];
  arrondissements: Record<string, string>;
}
const data = readJson<DataFile>("../../data/geo/communes-88.json");
const contours = readJson<{ features: { properties: { code: string; nom: string } }[] }>(
  "../../data/geo/communes-88-vosges.geojson",
);

describe("normaliseName", () => {
  it.each([
    ["Saint-Dié-des-Vosges", "saint die des vosges"],
    ["ST  DIE", "saint die"],
    ["Ste-Marguerite", "sainte marguerite"],
    ["s. dié", "saint die"],
    ["Châtel s/ Moselle", "chatel sur moselle"],
    ["Châtel s. Moselle", "chatel sur moselle"],
    ["Châtel/Moselle", "chatel sur moselle"],
    ["Raon-l'Étape", "raon letape"],
    ["Raon l’étape", "raon letape"],
    ["Le Val-d'Ajol", "le val dajol"],
    ["\u00a0Épinal\u202f", "epinal"],
    ["Saint-Étienne-lès-Remiremont", "saint etienne les remiremont"],
    ["", ""],
  ])("%j → %j", (text, expected) => {
    expect(normaliseName(text)).toBe(expected);
  });
});

describe("CommuneIndex.resolve — found", () => {
  // [typed, INSEE code, exact, former name matched]
  it.each<[string, string, boolean, string?]>([
    // Official names, however typed.
    ["epinal", "88160", true],
    ["Épinal", "88160", true],
    ["EPINAL", "88160", true],
    ["  épinal  ", "88160", true],
    ["\u00a0Epinal\u00a0", "88160", true],
    ["Épinal (88)", "88160", true],
    ["Remiremont", "88383", true],
    ["ST DIE DES VOSGES", "88413", true],
    ["saint-die-des-vosges", "88413", true],
    ["St-Dié-des-Vosges", "88413", true],
    ["gerardmer", "88196", true],
    ["Gérardmer", "88196", true],
    ["neufchateau", "88321", true],
    ["rambervillers", "88367", true],
    ["la bresse", "88075", true],
    ["La-Bresse", "88075", true],
    ["mirecourt", "88304", true],
    ["golbey", "88209", true],
    ["vittel", "88516", true],
    ["contrexeville", "88114", true],
    ["Contrexéville", "88114", true],
    ["ste marguerite", "88424", true],
    ["st etienne les remiremont", "88415", true],
    ["saint étienne lès remiremont", "88415", true],
    ["chatel s/ moselle", "88094", true],
    ["chatel s. moselle", "88094", true],
    ["raon l'etape", "88372", true],
    ["raon l etape", "88372", true],
    ["raon letape", "88372", true],
    ["le val d'ajol", "88487", true],
    ["girmont val d'ajol", "88205", true],
    ["le thillot", "88468", true],
    // Unique prefix, or article left out: found, but to be echoed back.
    ["st die", "88413", false],
    ["s. die", "88413", false],
    ["saint dié", "88413", false],
    ["thaon", "88465", false],
    ["bresse", "88075", false],
    ["thillot", "88468", false],
    ["val d'ajol", "88487", false],
    ["xonrupt", "88531", false],
    ["liffol", "88270", false],
    ["remiremon", "88383", false],
    // Typos within reach.
    ["epinall", "88160", false],
    ["epnal", "88160", false],
    ["remiremnot", "88383", false],
    ["gerardmerr", "88196", false],
    ["gerarmer", "88196", false],
    ["golbay", "88209", false],
    ["vitel", "88516", false],
    ["contrexevile", "88114", false],
    ["st dei", "88413", false],
    ["raon etape", "88372", false],
    ["st etienne lez remiremont", "88415", false],
    // INSEE codes that are no postal code ("88160", Épinal's, is also Le Thillot's postal code: see below).
    ["88413", "88413", true],
    ["88 413", "88413", true],
    ["88383", "88383", true],
    ["88196", "88196", true],
    // A postal code that is no INSEE code and serves one commune: echoed back.
    ["88540", "88081", false],
    ["88420", "88319", false],
    ["88 560", "88426", false],
    // Former communes, merged into a commune nouvelle, or renamed.
    ["rollainville", "88321", true, "Rollainville"],
    ["88393", "88321", true, "Rollainville"],
    ["capavenir vosges", "88465", true, "Capavenir Vosges"],
    ["capavenir", "88465", false, "Capavenir Vosges"],
    ["oncourt", "88465", true, "Oncourt"],
    ["88337", "88465", true, "Oncourt"],
    ["bains-les-bains", "88029", true, "Bains-les-Bains"],
    ["bains", "88029", false, "Bains-les-Bains"],
    ["harsault", "88029", true, "Harsault"],
    ["hautmougey", "88029", true, "Hautmougey"],
    ["colroy la grande", "88361", true, "Colroy-la-Grande"],
    ["provencheres sur fave", "88361", true, "Provenchères-sur-Fave"],
  ])("%j → %s (exact %s, ancien %s)", (typed, code, exact, ancien) => {
    const match = vosges.resolve(typed);
    expect(match).toMatchObject({ ok: true, exact, commune: { code } });
    expect(match.ok ? match.ancien : "not found").toBe(ancien);
  });
});

describe("CommuneIndex.resolve — ambiguous", () => {
  it.each<[string, string[]]>([
    ["saint", ["Saint-Dié-des-Vosges", "Saint-Nabord", "Saint-Étienne-lès-Remiremont", "Sainte-Marguerite", "Saint-Amé"]],
    ["st", ["Saint-Dié-des-Vosges", "Saint-Nabord", "Saint-Étienne-lès-Remiremont", "Sainte-Marguerite", "Saint-Amé"]],
    ["bain", ["La Vôge-les-Bains", "Bainville-aux-Saules"]],
    ["girmont", ["Thaon-les-Vosges", "Girmont-Val-d'Ajol"]],
    ["la neuveville", ["La Neuveville-devant-Lépanges", "La Neuveville-sous-Châtenois", "La Neuveville-sous-Montfort"]],
    ["provencheres", ["Provenchères-et-Colroy", "Provenchères-lès-Darney"]],
    ["saulxures", ["Saulxures-sur-Moselotte", "Saulxures-lès-Bulgnéville"]],
    ["monthureux", ["Monthureux-sur-Saône", "Monthureux-le-Sec"]],
    ["dommartin", ["Dommartin-lès-Remiremont", "Dommartin-aux-Bois", "Dommartin-sur-Vraine", "Dommartin-lès-Vallois"]],
  ])("%j → %j", (typed, names) => {
    const match = vosges.resolve(typed);
    expect(match.ok).toBe(false);
    if (match.ok) return;
    expect(match.suggestions.map((c) => c.nom)).toEqual(names);
    expect(match.error).toMatch(new RegExp(`^Commune ambiguë : « ${typed} »\\. Précisez : `));
  });

  it("shows the biggest communes first and says there are more", () => {
    const match = vosges.resolve("saint");
    expect(match).toMatchObject({ ok: false });
    expect(!match.ok && match.error).toBe(
      "Commune ambiguë : « saint ». Précisez : Saint-Dié-des-Vosges, Saint-Nabord, Saint-Étienne-lès-Remiremont, Sainte-Marguerite, Saint-Amé, …",
    );
  });

  it("names the former commune when that is what matched", () => {
    const match = vosges.resolve("girmont");
    expect(!match.ok && match.error).toBe(
      "Commune ambiguë : « girmont ». Précisez : Thaon-les-Vosges (ex-Girmont), Girmont-Val-d'Ajol",
    );
  });

  it("lists the communes behind a shared postal code", () => {
    const match = vosges.resolve("88000");
    expect(match.ok).toBe(false);
    if (match.ok) return;
    expect(match.error).toMatch(/^« 88000 » est un code postal commun à 9 communes\. Précisez le nom : Épinal, /);
    expect(match.suggestions).toHaveLength(5);
    expect(match.suggestions[0]?.nom).toBe("Épinal");
  });
});

describe("CommuneIndex.resolve — postal code or INSEE code?", () => {
  // [typed, error, suggestions]: the INSEE commune first, then the postal ones by population, 5 at most.
  it.each<[string, string, string[]]>([
    [
      "88100",
      "88100 : code postal de Saint-Dié-des-Vosges (et 7 autres communes) ou code INSEE de Chef-Haut ? Précisez le nom.",
      ["Chef-Haut", "Saint-Dié-des-Vosges", "Sainte-Marguerite", "Taintrux", "Nayemont-les-Fosses"],
    ],
    [
      "88200",
      "88200 : code postal de Remiremont (et 4 autres communes) ou code INSEE de Gigney ? Précisez le nom.",
      ["Gigney", "Remiremont", "Saint-Nabord", "Saint-Étienne-lès-Remiremont", "Dommartin-lès-Remiremont"],
    ],
    [
      "88160",
      "88160 : code postal du Thillot (et 3 autres communes) ou code INSEE d'Épinal ? Précisez le nom.",
      ["Épinal", "Le Thillot", "Ramonchamp", "Fresse-sur-Moselle", "Le Ménil"],
    ],
    [
      "88 160",
      "88160 : code postal du Thillot (et 3 autres communes) ou code INSEE d'Épinal ? Précisez le nom.",
      ["Épinal", "Le Thillot", "Ramonchamp", "Fresse-sur-Moselle", "Le Ménil"],
    ],
    [
      "88500",
      "88500 : code postal de Mirecourt (et 41 autres communes) ou code INSEE de Ventron ? Précisez le nom.",
      ["Ventron", "Mirecourt", "Mattaincourt", "Poussay", "Hymont"],
    ],
    [
      "88290",
      "88290 : code postal de Saulxures-sur-Moselotte (et 1 autre commune) ou code INSEE de Martigny-les-Gerbonvaux ? Précisez le nom.",
      ["Martigny-les-Gerbonvaux", "Saulxures-sur-Moselotte", "Thiéfosse"],
    ],
    ["88190", "88190 : code postal de Golbey ou code INSEE de Frizon ? Précisez le nom.", ["Frizon", "Golbey"]],
    ["88510", "88510 : code postal d'Éloyes ou code INSEE de Villotte ? Précisez le nom.", ["Villotte", "Éloyes"]],
    [
      "88520",
      "88520 : code postal de Ban-de-Laveline (et 5 autres communes) ou code INSEE des Voivres ? Précisez le nom.",
      ["Les Voivres", "Ban-de-Laveline", "Raves", "La Croix-aux-Mines", "Wisembach"],
    ],
    // Dombrot-le-Sec's postal code is its own INSEE code, shared with 17 others: listed once.
    [
      "88140",
      "88140 : code postal de Contrexéville (et 17 autres communes) ou code INSEE de Dombrot-le-Sec ? Précisez le nom.",
      ["Dombrot-le-Sec", "Contrexéville", "Bulgnéville", "Saint-Ouen-lès-Parey", "Vrécourt"],
    ],
  ])("%j asks which reading", (typed, error, names) => {
    const match = vosges.resolve(typed);
    expect(match).toEqual({ ok: false, error, suggestions: expect.any(Array) });
    expect(!match.ok && match.suggestions.map((c) => c.nom)).toEqual(names);
  });

  it("asks for exactly the 41 postal codes that are also an INSEE code, offering both readings", () => {
    const postal = [...new Set(vosges.all().flatMap((c) => c.codesPostaux ?? []))].sort();
    expect(postal).toHaveLength(53);
    const both = postal.filter((code) => vosges.byCode(code) !== undefined);
    expect(both).toHaveLength(41);
    for (const code of both) {
      const match = vosges.resolve(code);
      expect(match.ok, code).toBe(false);
      if (match.ok) continue;
      const served = vosges
        .all()
        .filter((c) => c.codesPostaux?.includes(code) && c.code !== code)
        .sort((a, b) => (b.population ?? 0) - (a.population ?? 0) || a.nom.localeCompare(b.nom, "fr"));
      expect(match.suggestions, code).toEqual([vosges.byCode(code), ...served].slice(0, 5));
      expect(match.error, code).toMatch(new RegExp(`^${code} : code postal .+ ou code INSEE .+ \\? Précisez le nom\\.$`));
    }
    // The other 12 are postal codes only: one commune, found; several, listed.
    for (const code of postal.filter((c) => !both.includes(c))) {
      const match = vosges.resolve(code);
      const served = vosges.all().filter((c) => c.codesPostaux?.includes(code));
      if (served.length === 1) expect(match, code).toEqual({ ok: true, exact: false, commune: served[0] });
      else
        expect(!match.ok && match.error, code).toMatch(
          new RegExp(`^« ${code} » est un code postal commun à ${served.length} communes`),
        );
    }
  });
});

describe("CommuneIndex.resolve — unknown", () => {
  it.each<[string, string, string[]]>([
    ["xyz", "Commune inconnue dans les Vosges : « xyz ».", []],
    // Issue 11: a commune of another département is named as such, with its département.
    [
      "Nancy",
      "Commune inconnue dans les Vosges : « Nancy » — Nancy est hors du département (Meurthe-et-Moselle, 54) : seules les communes des Vosges sont acceptées.",
      [],
    ],
    ["", "Commune manquante : tapez un nom ou un code INSEE.", []],
    ["   ", "Commune manquante : tapez un nom ou un code INSEE.", []],
    ["88", "Commune inconnue dans les Vosges : « 88 ».", []],
    ["75056", "Code INSEE inconnu dans les Vosges : « 75056 ».", []],
    ["88999", "Code INSEE inconnu dans les Vosges : « 88999 ».", []],
    [
      "paris",
      "Commune inconnue dans les Vosges : « paris » — Paris est hors du département (Paris, 75) : seules les communes des Vosges sont acceptées.",
      [],
    ],
    ["xyzzy", "Commune inconnue dans les Vosges : « xyzzy ».", []],
  ])("%j → %j", (typed, error, suggestions) => {
    const match = vosges.resolve(typed);
    expect(match).toMatchObject({ ok: false, error, suggestions: expect.any(Array) });
    expect(!match.ok && match.suggestions.map((c) => c.nom)).toEqual(suggestions);
  });

  it.each<[string, string[]]>([
    ["voivrs", ["La Voivre", "Les Voivres"]],
    ["hadoll", ["Hadol", "Harol"]],
    ["harrol", ["Harol", "Hadol"]],
  ])("%j: two communes within reach of a typo, so it asks (closest first)", (typed, first) => {
    const match = vosges.resolve(typed);
    expect(match.ok).toBe(false);
    if (match.ok) return;
    expect(match.suggestions.slice(0, 2).map((c) => c.nom)).toEqual(first);
    expect(match.error).toMatch(
      new RegExp(`^Commune inconnue dans les Vosges : « ${typed} »\\. Vouliez-vous dire : ${first.join(", ")}`),
    );
  });
});

describe("CommuneIndex on a small list", () => {
  const index = new CommuneIndex(
    [
      { code: "99001", nom: "Le Mont", arrondissement: "991" },
      { code: "99002", nom: "Mont-Haut", arrondissement: "991", anciens: [{ code: "99003", nom: "Vieux-Mont" }] },
    ],
    { "991": "Chef-Lieu" },
  );

  it("prefers an exact name over a longer one that starts the same", () => {
    expect(index.resolve("le mont")).toMatchObject({ ok: true, exact: true, commune: { code: "99001" } });
    expect(index.resolve("mont")).toMatchObject({ ok: true, exact: false, commune: { code: "99001" } });
    expect(index.resolve("mont h")).toMatchObject({ ok: true, exact: false, commune: { code: "99002" } });
  });

  it("maps a former code to its commune", () => {
    expect(index.resolve("99003")).toEqual({ ok: true, exact: true, ancien: "Vieux-Mont", commune: index.byCode("99002") });
  });

  describe("with postal codes", () => {
    const postal = new CommuneIndex([
      { code: "99001", nom: "Le Mont", arrondissement: "991", population: 100, codesPostaux: ["99001"] },
      { code: "99002", nom: "Aval", arrondissement: "991", population: 900, codesPostaux: ["99010"] },
      { code: "99010", nom: "Bourg", arrondissement: "991", population: 50, codesPostaux: ["99020"] },
      { code: "99011", nom: "Hameau", arrondissement: "991", population: 10, codesPostaux: ["99003"] },
      { code: "99020", nom: "Val", arrondissement: "991", population: 80, anciens: [{ code: "99030", nom: "Vieux-Val" }] },
      { code: "99021", nom: "Plaine", arrondissement: "991", population: 300, codesPostaux: ["99030", "99040"] },
      { code: "99022", nom: "Orée", arrondissement: "991", population: 400, codesPostaux: ["99030"] },
      { code: "99023", nom: "Les Prés", arrondissement: "991", codesPostaux: ["99050"] },
      { code: "99050", nom: "Haut", arrondissement: "991", codesPostaux: ["99060"] },
    ]);

    it("resolves exactly a code that is an INSEE code and only the same commune's postal code", () => {
      expect(postal.resolve("99001")).toEqual({ ok: true, exact: true, commune: postal.byCode("99001") });
    });

    it("resolves exactly an INSEE code that is no postal code", () => {
      expect(postal.resolve("99011")).toEqual({ ok: true, exact: true, commune: postal.byCode("99011") });
    });

    it("resolves a postal code of a single commune, to be echoed back", () => {
      expect(postal.resolve("99040")).toEqual({ ok: true, exact: false, commune: postal.byCode("99021") });
    });

    it("asks when an INSEE code is another commune's postal code", () => {
      expect(postal.resolve("99010")).toEqual({
        ok: false,
        error: "99010 : code postal d'Aval ou code INSEE de Bourg ? Précisez le nom.",
        suggestions: [postal.byCode("99010"), postal.byCode("99002")],
      });
      expect(postal.resolve("99050")).toMatchObject({
        ok: false,
        error: "99050 : code postal des Prés ou code INSEE de Haut ? Précisez le nom.",
      });
    });

    it("asks when a former INSEE code is other communes' postal code, naming the former commune", () => {
      expect(postal.resolve("99030")).toEqual({
        ok: false,
        error: "99030 : code postal d'Orée (et 1 autre commune) ou ancien code INSEE de Vieux-Val (Val) ? Précisez le nom.",
        suggestions: [postal.byCode("99020"), postal.byCode("99022"), postal.byCode("99021")],
      });
    });
  });

  it("answers byCode, arrondissementName and all", () => {
    expect(index.byCode("99001")?.nom).toBe("Le Mont");
    expect(index.byCode("99003")).toBeUndefined();
    expect(index.arrondissementName("991")).toBe("Chef-Lieu");
    expect(index.arrondissementName("881")).toBeUndefined();
    expect(index.all()).toHaveLength(2);
  });
});

describe("every commune of the Vosges", () => {
  it("is found exactly by its official name and by its INSEE code, or offered first when that code is also a postal code", () => {
    for (const commune of vosges.all()) {
      expect(vosges.resolve(commune.nom), commune.nom).toMatchObject({ ok: true, exact: true, commune: { code: commune.code } });
      const alsoPostal = vosges.all().some((c) => c !== commune && c.codesPostaux?.includes(commune.code));
      const byCode = vosges.resolve(commune.code);
      if (alsoPostal) {
        expect(byCode, commune.code).toMatchObject({ ok: false, error: expect.stringMatching(/ou code INSEE /) });
        expect(!byCode.ok && byCode.suggestions[0], commune.code).toBe(commune);
      } else {
        expect(byCode, commune.code).toEqual({ ok: true, exact: true, commune });
      }
      expect(vosges.byCode(commune.code)).toBe(commune);
    }
  });

  it("resolves quickly, even on a miss", () => {
    const start = performance.now();
    for (let i = 0; i < 200; i += 1) vosges.resolve("zzzzzzzz");
    expect((performance.now() - start) / 200).toBeLessThan(5);
  });
});

describe("data/geo/communes-88.json", () => {
  it("says where it comes from", () => {
    expect(data.source).toContain("@etalab/decoupage-administratif 6.0.0");
    expect(data.licence).toBe("Licence Ouverte / Open Licence (Etalab)");
    expect(data.generated_by).toBe("scripts/data/build-communes.ts");
  });

  it("lists at least 500 communes, all of the Vosges, sorted by code, without duplicates", () => {
    const codes = data.communes.map((c) => c.code);
    expect(codes.length).toBeGreaterThanOrEqual(500);
    expect(codes.every((code) => /^88\d{3}$/.test(code))).toBe(true);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(codes).size).toBe(codes.length);
    expect(vosges.all()).toHaveLength(codes.length);
  });

  it("has the three arrondissements, and every commune is in one", () => {
    expect(data.arrondissements).toEqual({ "881": "Épinal", "882": "Neufchâteau", "883": "Saint-Dié-des-Vosges" });
    expect(vosges.arrondissementName("883")).toBe("Saint-Dié-des-Vosges");
    for (const commune of data.communes) expect(Object.keys(data.arrondissements)).toContain(commune.arrondissement);
    expect(vosges.byCode("88160")?.arrondissement).toBe("881");
  });

  it("marks a contour exactly where the 2018 geojson has one", () => {
    const withContour = new Set(contours.features.map((f) => f.properties.code));
    for (const commune of data.communes) expect(commune.contour, commune.code).toBe(withContour.has(commune.code));
  });

  it("explains every 2018 contour: a current commune or a former one merged into it", () => {
    expect(contours.features).toHaveLength(507);
    const current = new Set(data.communes.map((c) => c.code));
    const merged = new Map(data.communes.flatMap((c) => (c.anciens ?? []).map((a) => [a.code, c.code] as const)));
    const unexplained = contours.features.map((f) => f.properties.code).filter((code) => !current.has(code) && !merged.has(code));
    expect(unexplained).toEqual([]);
    expect(merged.get("88393")).toBe("88321"); // Rollainville → Neufchâteau
  });
});
