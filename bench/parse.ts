/**
 * Throughput of the one-line report parser (pure): realistic lines, parsed repeatedly.
 * `node --import tsx bench/parse.ts` — writes bench/results/parse.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { CommuneIndex } from "../src/core/fr/communes.js";
import { DEFAULT_FACT_TYPES } from "../src/core/report/fact-types.js";
import { parseReportLine } from "../src/core/report/parse-line.js";

const LINES = [
  'type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 plaque=ab123cd tel=06.12.34.56.78 3 guetteurs',
  "type=go-fast commune=st die quand=maintenant plaque=AB 123 CD convoi vers l'Alsace",
  "Type=Stockage Commune=Remiremont quand=lundi 6h30 diffusion=restreint:douane,gir nourrice au 3e",
  "commune=gerardmer type=conso quand=il y a 2h personnes=une dizaine substances=shit et coke",
  "type=dael commune=epinall quand=demain cotation=Z9",
];
/** Issue 11: lines in the officer's own words, read without `key=` fields. */
const FREE_FORM = [
  "point de deal parking de la piscine à Senones hier 21h, 2 guetteurs",
  "go fast sur la RN57 à Arches ce matin vers cinq heures et demie deux berlines noires",
  "nourrice ds un appart au 3e a ste marguerite ya 2h",
  "plants de cannabis dans une grange à Hautmougey avant-hier",
  "stockage dans un box à Toul hier 22h",
];
const ctx = {
  now: new Date("2026-11-26T20:07:00Z"),
  timeZone: "Europe/Paris",
  maxAgeDays: 365,
  communes: CommuneIndex.vosges(),
  types: DEFAULT_FACT_TYPES,
  services: ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"],
};

function measure(lines: string[]) {
  for (let i = 0; i < 200; i++) for (const line of lines) parseReportLine(line, ctx); // warm-up
  const rounds = 2000;
  const started = process.hrtime.bigint();
  let slowestUs = 0;
  for (let i = 0; i < rounds; i++)
    for (const line of lines) {
      const one = process.hrtime.bigint();
      parseReportLine(line, ctx);
      slowestUs = Math.max(slowestUs, Number(process.hrtime.bigint() - one) / 1e3);
    }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    lines: rounds * lines.length,
    elapsed_ms: Math.round(elapsedMs),
    lines_per_second: Math.round((rounds * lines.length) / (elapsedMs / 1000)),
    mean_us_per_line: Number(((elapsedMs * 1000) / (rounds * lines.length)).toFixed(1)),
    slowest_us: Math.round(slowestUs),
  };
}
const result = {
  benchmark: "parseReportLine",
  ...measure(LINES),
  free_form: measure(FREE_FORM),
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/parse.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
