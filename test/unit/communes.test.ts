import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CommuneIndex, normaliseName, type Commune } from "../../src/core/capture/communes.js";

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
    // INSEE codes: 88160 is also the postal code of Le Thillot's area, hence echoed back.
    ["88160", "88160", false],
    ["88 160", "88160", false],
    ["88413", "88413", true],
    ["88500", "88500", false],
    // A postal code that is no INSEE code and serves one commune.
    ["88540", "88081", false],
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

describe("CommuneIndex.resolve — unknown", () => {
  it.each<[string, string, string[]]>([
    ["xyz", "Commune inconnue dans les Vosges : « xyz ».", []],
    ["Nancy", "Commune inconnue dans les Vosges : « Nancy ».", []],
    ["", "Commune manquante : tapez un nom ou un code INSEE.", []],
    ["   ", "Commune manquante : tapez un nom ou un code INSEE.", []],
    ["88", "Commune inconnue dans les Vosges : « 88 ».", []],
    ["75056", "Code INSEE inconnu dans les Vosges : « 75056 ».", []],
    ["88999", "Code INSEE inconnu dans les Vosges : « 88999 ».", []],
    [
      "paris",
      "Commune inconnue dans les Vosges : « paris ». Vouliez-vous dire : Pair-et-Grandrupt, Parey-sous-Montfort ?",
      ["Pair-et-Grandrupt", "Parey-sous-Montfort"],
    ],
  ])("%j → %j", (typed, error, suggestions) => {
    const match = vosges.resolve(typed);
    expect(match).toEqual({ ok: false, error, suggestions: expect.any(Array) });
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

  it("answers byCode, arrondissementName and all", () => {
    expect(index.byCode("99001")?.nom).toBe("Le Mont");
    expect(index.byCode("99003")).toBeUndefined();
    expect(index.arrondissementName("991")).toBe("Chef-Lieu");
    expect(index.arrondissementName("881")).toBeUndefined();
    expect(index.all()).toHaveLength(2);
  });
});

describe("every commune of the Vosges", () => {
  it("is found exactly by its official name and by its INSEE code", () => {
    for (const commune of vosges.all()) {
      expect(vosges.resolve(commune.nom), commune.nom).toMatchObject({ ok: true, exact: true, commune: { code: commune.code } });
      expect(vosges.resolve(commune.code), commune.code).toMatchObject({ ok: true, commune: { code: commune.code } });
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
