/**
 * Regenerates data/geo/communes-hors-88.json: the names of the communes of the other départements
 * (current communes, communes déléguées and associées), grouped by département, so that a report
 * « à Toul » is refused with « Meurthe-et-Moselle (54) » rather than « commune inconnue ». Names only:
 * no code, no contour, nothing the bot stores. Same source as communes-88.json:
 *
 *   mkdir -p /tmp/etalab && cd /tmp/etalab && npm init -y && npm install @etalab/decoupage-administratif@6.0.0
 *   node --import tsx scripts/data/build-communes-hors-88.ts /tmp/etalab/node_modules/@etalab/decoupage-administratif/data
 *
 * Deterministic: sorted, no date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const DEPARTEMENT = "88";
const OUTPUT = new URL("../../data/geo/communes-hors-88.json", import.meta.url);

interface EtalabCommune {
  nom: string;
  type: string;
  departement?: string;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: build-communes-hors-88.ts <decoupage-administratif/data>");
const communes = JSON.parse(readFileSync(join(dir, "communes.json"), "utf8")) as EtalabCommune[];
const departements = JSON.parse(readFileSync(join(dir, "departements.json"), "utf8")) as { code: string; nom: string }[];

const byDepartement = new Map<string, Set<string>>();
for (const c of communes) {
  if (!c.departement || c.departement === DEPARTEMENT || c.type === "arrondissement-municipal") continue;
  const names = byDepartement.get(c.departement) ?? new Set<string>();
  names.add(c.nom);
  byDepartement.set(c.departement, names);
}
const codes = [...byDepartement.keys()].sort();
const out = {
  source: "INSEE Code officiel géographique via npm @etalab/decoupage-administratif 6.0.0 (data/communes.json, data/departements.json)",
  licence: "Licence Ouverte / Open Licence (Etalab)",
  generated_by: "scripts/data/build-communes-hors-88.ts",
  departements: Object.fromEntries(departements.filter((d) => d.code !== DEPARTEMENT).map((d) => [d.code, d.nom])),
  communes: Object.fromEntries(codes.map((code) => [code, [...(byDepartement.get(code) ?? [])].sort((a, b) => a.localeCompare(b, "fr")).join("|")])),
};
writeFileSync(OUTPUT, `${JSON.stringify(out, null, 1)}\n`);
console.log(`${codes.length} départements, ${codes.reduce((n, c) => n + (byDepartement.get(c)?.size ?? 0), 0)} names`);
