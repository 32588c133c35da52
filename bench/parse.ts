/**
 * Throughput of the one-line report parser (pure): realistic lines, parsed repeatedly.
 * `node --import tsx bench/parse.ts` — writes bench/results/parse.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { CommuneIndex } from "../src/core/capture/communes.js";
import { DEFAULT_FACT_TYPES } from "../src/core/report/fact-types.js";
import { parseReportLine } from "../src/core/report/parse-line.js";

const LINES = [
  'type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 plaque=ab123cd tel=06.12.34.56.78 3 guetteurs',
  "type=go-fast commune=st die quand=maintenant plaque=AB 123 CD convoi vers l'Alsace",
  "Type=Stockage Commune=Remiremont quand=lundi 6h30 diffusion=restreint:douane,gir nourrice au 3e",
  "commune=gerardmer type=conso quand=il y a 2h personnes=une dizaine substances=shit et coke",
  "type=dael commune=epinall quand=demain cotation=Z9",
];
const ctx = {
  now: new Date("2026-11-26T20:07:00Z"),
  timeZone: "Europe/Paris",
  maxAgeDays: 365,
  communes: CommuneIndex.vosges(),
  types: DEFAULT_FACT_TYPES,
  services: ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"],
};

for (let i = 0; i < 200; i++) for (const line of LINES) parseReportLine(line, ctx); // warm-up
const rounds = 2000;
const started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) for (const line of LINES) parseReportLine(line, ctx);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
const result = {
  benchmark: "parseReportLine",
  lines: rounds * LINES.length,
  elapsed_ms: Math.round(elapsedMs),
  lines_per_second: Math.round((rounds * LINES.length) / (elapsedMs / 1000)),
  mean_us_per_line: Number(((elapsedMs * 1000) / (rounds * LINES.length)).toFixed(1)),
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/parse.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
