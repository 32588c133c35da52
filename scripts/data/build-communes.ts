/**
 * Regenerates data/geo/communes-88.json, the official list of the communes of the Vosges used by
 * src/core/fr/communes.ts. Run by hand when INSEE publishes a new COG (the JSON is committed,
 * so installing the bot needs no network):
 *
 *   mkdir -p /tmp/etalab && cd /tmp/etalab && npm init -y && npm install @etalab/decoupage-administratif@6.0.0
 *   node --import tsx scripts/data/build-communes.ts /tmp/etalab/node_modules/@etalab/decoupage-administratif/data/communes.json
 *
 * Reads arrondissements.json beside communes.json, and data/geo/communes-88-vosges.geojson (2018
 * contours) to mark which communes have a contour and to keep the 2018 names that are gone since.
 * The output is deterministic (sorted, no date) so a rerun on the same input gives no diff.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { normaliseName } from "../../src/core/fr/communes.js";

const DEPARTEMENT = "88";
const CONTOURS = new URL("../../data/geo/communes-88-vosges.geojson", import.meta.url);
const OUTPUT = new URL("../../data/geo/communes-88.json", import.meta.url);

interface EtalabCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  arrondissement?: string;
  canton?: string;
  chefLieu?: string;
  population?: number;
  codesPostaux?: string[];
}

interface Ancien {
  code: string;
  nom: string;
}

interface OutCommune {
  code: string;
  nom: string;
  arrondissement: string;
  canton?: string;
  population?: number;
  codesPostaux?: string[];
  contour: boolean;
  anciens?: Ancien[];
}

function readJson<T>(path: string | URL): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

function byCode(a: { code: string }, b: { code: string }): number {
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** "La Vôge-les-Bains" and the 2018 "Vôge-les-Bains" are the same name: the 2018 file drops articles. */
function sameName(a: string, b: string): boolean {
  const strip = (name: string) => normaliseName(name).replace(/^(le|la|les|l) /, "");
  return strip(a) === strip(b);
}

function packageVersion(communesPath: string): string {
  const manifest = join(dirname(communesPath), "..", "package.json");
  if (!existsSync(manifest)) return "version inconnue";
  return readJson<{ version?: string }>(manifest).version ?? "version inconnue";
}

/** Pretty JSON, but one commune per line: a new COG then reads as a short diff. */
function render(output: Record<string, unknown> & { communes: OutCommune[] }): string {
  const fields = Object.entries(output).map(([name, value]) => {
    if (name !== "communes") return `  ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replace(/\n/g, "\n  ")}`;
    return `  "communes": [\n${output.communes.map((c) => `    ${JSON.stringify(c)}`).join(",\n")}\n  ]`;
  });
  return `{\n${fields.join(",\n")}\n}\n`;
}

function main(): void {
  const communesPath = process.argv[2];
  if (!communesPath) {
    console.error("usage: node --import tsx scripts/data/build-communes.ts <decoupage-administratif/data/communes.json>");
    process.exit(2);
  }
  const all = readJson<EtalabCommune[]>(communesPath).filter((c) => c.departement === DEPARTEMENT);
  const arrondissements = readJson<{ code: string; nom: string; departement: string }[]>(
    join(dirname(communesPath), "arrondissements.json"),
  ).filter((a) => a.departement === DEPARTEMENT);
  const contours = readJson<{ features: { properties: { code: string; nom: string } }[] }>(CONTOURS);
  const contourNames = new Map(contours.features.map((f) => [f.properties.code, f.properties.nom]));

  const current = all.filter((c) => c.type === "commune-actuelle").sort(byCode);
  const currentCodes = new Set(current.map((c) => c.code));
  const anciens = new Map<string, Ancien[]>();
  const addAncien = (parent: string, ancien: Ancien) => {
    const list = anciens.get(parent) ?? [];
    if (!list.some((a) => sameName(a.nom, ancien.nom))) list.push(ancien);
    anciens.set(parent, list);
  };

  // Communes déléguées / associées: former communes kept as names inside a commune nouvelle.
  for (const c of all) {
    if (c.type === "commune-actuelle" || !c.chefLieu) continue;
    const parent = current.find((p) => p.code === c.chefLieu);
    if (parent && !sameName(parent.nom, c.nom)) addAncien(parent.code, { code: c.code, nom: c.nom });
  }
  // A 2018 name that differs from today's for the same code was a renaming (Capavenir Vosges).
  for (const c of current) {
    const old = contourNames.get(c.code);
    if (old && !sameName(old, c.nom)) addAncien(c.code, { code: c.code, nom: old });
  }

  const communes: OutCommune[] = current.map((c) => {
    if (!c.arrondissement) throw new Error(`${c.code} ${c.nom}: no arrondissement`);
    // Key order is the file's column order: contour last but one, then the aliases.
    const out: OutCommune = {
      code: c.code,
      nom: c.nom,
      arrondissement: c.arrondissement,
      ...(c.canton ? { canton: c.canton } : {}),
      ...(c.population !== undefined ? { population: c.population } : {}),
      ...(c.codesPostaux?.length ? { codesPostaux: [...c.codesPostaux].sort() } : {}),
      contour: contourNames.has(c.code),
    };
    const list = anciens.get(c.code);
    if (list) out.anciens = list.sort(byCode);
    return out;
  });

  // Every 2018 contour must be a current commune or a former one we know the parent of.
  const known = new Set([...currentCodes, ...[...anciens.values()].flat().map((a) => a.code)]);
  const unexplained = [...contourNames].filter(([code]) => !known.has(code));
  if (unexplained.length > 0) throw new Error(`2018 contours without a current commune: ${JSON.stringify(unexplained)}`);

  const output = {
    source:
      `INSEE Code officiel géographique via npm @etalab/decoupage-administratif ${packageVersion(communesPath)} ` +
      "(data/communes.json, data/arrondissements.json); contours: data/geo/communes-88-vosges.geojson (IGN Admin Express COG 2018)",
    licence: "Licence Ouverte / Open Licence (Etalab)",
    generated_by: "scripts/data/build-communes.ts",
    communes,
    arrondissements: Object.fromEntries([...arrondissements].sort(byCode).map((a) => [a.code, a.nom])),
  };
  writeFileSync(OUTPUT, render(output));
  const withContour = communes.filter((c) => c.contour).length;
  const aliasCount = communes.reduce((n, c) => n + (c.anciens?.length ?? 0), 0);
  console.log(
    `${fileURLToPath(OUTPUT)}: ${communes.length} communes (${withContour} with a 2018 contour), ` +
      `${aliasCount} former names, ${arrondissements.length} arrondissements`,
  );
}

main();
