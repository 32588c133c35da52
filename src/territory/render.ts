/**
 * Maps and trend charts as PNG, drawn server-side: an SVG built here from the pre-projected contours
 * (data/geo/territory-88.json), rasterised by resvg with the Noto Sans TTF shipped in npm (resvg draws
 * no text from WOFF fonts, and no system font is relied upon).
 *
 * Colours are colour-blind safe (ColorBrewer YlGnBu for counts, PuOr for changes, Okabe–Ito for fact
 * types). A unit with no fact is drawn white and the legend says « 0 »: zero is shown, not missing.
 */
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import { TZDate } from "@date-fns/tz";
import type { UnitChange } from "../core/territory/compare.js";
import type { MapData, TrendsData } from "../core/territory/types.js";
import { MAP_FRAME, type TerritoryFrame, type FrameUnit, vosgesFrame } from "./frame.js";

export interface RenderedImage {
  bytes: Buffer;
  mimetype: "image/png";
  w: number;
  h: number;
  name: string;
}

const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve("@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf"),
  require.resolve("@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf"),
];
const FONT = "Noto Sans";

/** ColorBrewer YlGnBu, 5 classes (colour-blind safe), for counts ≥ 1. */
export const COUNT_COLOURS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"] as const;
export const ZERO_COLOUR = "#ffffff";
/** ColorBrewer PuOr, 7 classes (colour-blind safe): purple falls, orange rises, white unchanged. */
const CHANGE_COLOURS = ["#542788", "#998ec3", "#d8daeb", "#ffffff", "#fee0b6", "#f1a340", "#b35806"] as const;
const CHANGE_CLASSES = ["−5 ou moins", "−4 à −2", "−1", "0", "+1", "+2 à +4", "+5 ou plus"] as const;
/** Okabe–Ito, for fact types in the trend chart. */
const TYPE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"];

const SCALE_WORDS = { commune: "commune", canton: "canton", arrondissement: "arrondissement" } as const;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Class limits for counts: 1, then four classes up to the maximum (never fewer facts than classes). */
export function countClasses(max: number): { min: number; max: number }[] {
  if (max <= 0) return [];
  const uppers =
    max <= 5
      ? Array.from({ length: max }, (_, i) => i + 1)
      : [1, ...[0.25, 0.5, 0.75].map((f) => Math.max(2, Math.round(max * f))), max];
  const classes: { min: number; max: number }[] = [];
  let low = 1;
  for (const upper of [...new Set(uppers)].sort((a, b) => a - b)) {
    if (upper < low) continue;
    classes.push({ min: low, max: upper });
    low = upper + 1;
  }
  return classes;
}

function countColour(n: number, classes: readonly { min: number; max: number }[]): string {
  if (n <= 0) return ZERO_COLOUR;
  const i = classes.findIndex((c) => n <= c.max);
  const index = i === -1 ? classes.length - 1 : i;
  // Spread fewer classes over the whole ramp so that one fact is never the darkest colour.
  const offset = COUNT_COLOURS.length - classes.length;
  return COUNT_COLOURS[Math.min(COUNT_COLOURS.length - 1, index + offset)] ?? ZERO_COLOUR;
}

function changeClass(delta: number): number {
  if (delta <= -5) return 0;
  if (delta <= -2) return 1;
  if (delta === -1) return 2;
  if (delta === 0) return 3;
  if (delta === 1) return 4;
  if (delta <= 4) return 5;
  return 6;
}

const day = (ms: number, timeZone: string) => {
  const d = new TZDate(ms, timeZone);
  return `${String(d.getDate()).padStart(2, "0")}/${String(d.getMonth() + 1).padStart(2, "0")}/${d.getFullYear()}`;
};
/** « du 02/11/2026 au 01/12/2026 » — the last day is the one the period ends in. */
export function periodSpan(period: { from: number; to: number }, timeZone: string): string {
  return `du ${day(period.from, timeZone)} au ${day(period.to - 1, timeZone)}`;
}
const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? "s" : ""}`;

function text(
  x: number,
  y: number,
  content: string,
  options: { size?: number; bold?: boolean; anchor?: string; fill?: string; halo?: boolean } = {},
) {
  const attrs = `x="${x}" y="${y}" font-family="${FONT}" font-size="${options.size ?? 16}" font-weight="${options.bold ? 700 : 400}" text-anchor="${options.anchor ?? "start"}"`;
  const body = escapeXml(content);
  const halo = options.halo
    ? `<text ${attrs} fill="#ffffff" stroke="#ffffff" stroke-width="4" stroke-linejoin="round">${body}</text>`
    : "";
  return `${halo}<text ${attrs} fill="${options.fill ?? "#1a1a1a"}">${body}</text>`;
}

function unitsOf(frame: TerritoryFrame, scale: MapData["scale"]): FrameUnit[] {
  return scale === "commune" ? frame.communes : scale === "canton" ? frame.cantons : frame.arrondissements;
}

/** The map as SVG (exported for tests and the benchmark). */
export function mapSvg(data: MapData, frame: TerritoryFrame = vosgesFrame()): string {
  const { width, height } = MAP_FRAME;
  const units = unitsOf(frame, data.scale);
  const byCode = new Map(data.units.map((u) => [u.code, u]));
  const classes = countClasses(Math.max(0, ...data.units.map((u) => u.current)));
  const fill = (u: UnitChange | undefined) =>
    data.compare ? CHANGE_COLOURS[changeClass((u?.current ?? 0) - (u?.previous ?? 0))] : countColour(u?.current ?? 0, classes);
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);

  // Title band.
  const scaleWord = SCALE_WORDS[data.scale];
  const title = data.compare
    ? `Évolution par ${scaleWord} — ${data.period.label} contre la période précédente`
    : `Renseignements par ${scaleWord} — ${data.period.label}`;
  parts.push(text(24, 40, title, { size: 26, bold: true }));
  const types = data.typeLabels.length > 0 ? data.typeLabels.join(", ") : "tous types";
  const span = data.compare
    ? `${periodSpan(data.period, data.timeZone)} (${data.total}) contre ${periodSpan(data.previous, data.timeZone)} (${data.previousTotal})`
    : `${periodSpan(data.period, data.timeZone)} · ${plural(data.total, "renseignement")}`;
  parts.push(text(24, 70, `${data.cellName} · ${span} · ${types}`, { size: 17, fill: "#333333" }));
  parts.push(
    text(24, 94, "Faits datés de leur observation ; seuls les renseignements visibles par ce salon sont comptés.", {
      size: 14,
      fill: "#555555",
    }),
  );

  // Map: units filled, then borders, then the département outline.
  parts.push(`<g stroke="#9a9a9a" stroke-width="${data.scale === "commune" ? 0.4 : 1}" stroke-linejoin="round">`);
  for (const unit of units) parts.push(`<path d="${unit.d}" fill="${fill(byCode.get(unit.code))}"/>`);
  parts.push(`</g>`);
  if (data.scale !== "commune") {
    parts.push(`<g fill="none" stroke="#d0d0d0" stroke-width="0.3">`);
    for (const c of frame.communes) parts.push(`<path d="${c.d}"/>`);
    parts.push(`</g><g fill="none" stroke="#555555" stroke-width="1.2">`);
    for (const unit of units) parts.push(`<path d="${unit.d}"/>`);
    parts.push(`</g>`);
  }
  // Significant changes: a thick outline, and the arrow in the label.
  const flagged = data.compare ? data.units.filter((u) => u.trend === "hausse" || u.trend === "baisse") : [];
  if (flagged.length > 0) {
    parts.push(`<g fill="none" stroke="#000000" stroke-width="2.5">`);
    for (const u of flagged) {
      const unit = units.find((x) => x.code === u.code);
      if (unit) parts.push(`<path d="${unit.d}"/>`);
    }
    parts.push(`</g>`);
  }
  parts.push(`<path d="${frame.outline}" fill="none" stroke="#333333" stroke-width="1.6"/>`);

  // Labels: flagged units first, then the busiest ones, with a halo so they read on any colour.
  const busiest = [...data.units]
    .filter((u) => u.current + u.previous > 0 && !flagged.includes(u))
    .sort((a, b) => (data.compare ? b.current + b.previous - (a.current + a.previous) : b.current - a.current));
  const labelled = [...flagged, ...busiest.filter((u) => data.compare || u.current > 0)].slice(
    0,
    data.scale === "commune" ? 8 : units.length,
  );
  const placed: Box[] = [];
  for (const u of labelled) {
    const unit = units.find((x) => x.code === u.code);
    if (!unit) continue;
    // Noto Sans has no arrows: « › » between the two counts, the word for a significant change.
    const word = u.trend === "hausse" || u.trend === "baisse" ? `, ${u.trend}` : "";
    const figure = data.compare ? `${u.previous} › ${u.current}${word}` : String(u.current);
    const label = `${u.nom} (${figure})`;
    // Keep the label inside the map frame (about 8 px per character at this size).
    const half = label.length * 4;
    const x = Math.min(Math.max(unit.label[0], MAP_FRAME.map.x + half), MAP_FRAME.map.x + MAP_FRAME.map.width - half);
    // Neighbouring towns (Épinal, Golbey): move a label down or up a line rather than overprint it.
    const y = [0, 18, -18, 36]
      .map((dy) => unit.label[1] + dy)
      .find((y) => !placed.some((b) => overlaps(b, [x - half, y - 14, x + half, y + 4])));
    if (y === undefined) continue;
    placed.push([x - half, y - 14, x + half, y + 4]);
    parts.push(text(Math.round(x), y, label, { size: 14, bold: true, anchor: "middle", halo: true }));
  }

  // Right panel: legend, then the ranking.
  const px = 950;
  let py = 130;
  parts.push(text(px, py, data.compare ? "Écart (nombre de faits)" : "Nombre de renseignements", { size: 17, bold: true }));
  py += 14;
  const swatch = (colour: string, label: string) => {
    parts.push(`<rect x="${px}" y="${py}" width="28" height="20" fill="${colour}" stroke="#777777" stroke-width="1"/>`);
    parts.push(text(px + 38, py + 16, label, { size: 15 }));
    py += 28;
  };
  if (data.compare) {
    CHANGE_COLOURS.forEach((colour, i) => swatch(colour, CHANGE_CLASSES[i] ?? ""));
    parts.push(`<rect x="${px}" y="${py}" width="28" height="20" fill="#ffffff" stroke="#000000" stroke-width="2.5"/>`);
    parts.push(text(px + 38, py + 16, "hausse ou baisse significative", { size: 15 }));
    py += 24;
    parts.push(text(px, py + 12, "test exact, FDR 5 % ; < 5 faits : non testé", { size: 13, fill: "#555555" }));
    py += 20;
  } else {
    swatch(ZERO_COLOUR, "0");
    classes.forEach((c, i) =>
      swatch(
        countColour(c.max, classes) ?? COUNT_COLOURS[i] ?? ZERO_COLOUR,
        c.min === c.max ? String(c.min) : `${c.min} à ${c.max}`,
      ),
    );
  }
  py += 24;
  const ranking = data.compare
    ? [...flagged].sort((a, b) => (a.q ?? 1) - (b.q ?? 1)).slice(0, 12)
    : [...data.units]
        .filter((u) => u.current > 0)
        .sort((a, b) => b.current - a.current || a.nom.localeCompare(b.nom, "fr"))
        .slice(0, 12);
  const most = {
    commune: "Communes les plus concernées",
    canton: "Cantons les plus concernés",
    arrondissement: "Arrondissements",
  }[data.scale];
  parts.push(text(px, py, data.compare ? "Changements significatifs" : most, { size: 17, bold: true }));
  py += 26;
  if (ranking.length === 0)
    parts.push(text(px, py, data.compare ? "aucun" : "aucun renseignement", { size: 15, fill: "#555555" }));
  for (const u of ranking) {
    const figure = data.compare ? `${u.previous} › ${u.current}` : String(u.current);
    parts.push(text(px, py, truncate(u.nom, 24), { size: 15 }));
    parts.push(text(width - (data.compare ? 44 : 24), py, figure, { size: 15, bold: true, anchor: "end" }));
    if (data.compare) parts.push(triangle(width - 32, py - 5, u.trend === "hausse"));
    py += 24;
  }

  // Footer: scale, source of the contours.
  // Scale bar (20 km), then the unit and the source of the contours.
  const bar = frame.pixelsPer10Km * 2;
  const by = height - 78;
  parts.push(
    `<rect x="24" y="${by}" width="${(bar / 2).toFixed(1)}" height="6" fill="#333333"/><rect x="${(24 + bar / 2).toFixed(1)}" y="${by}" width="${(bar / 2).toFixed(1)}" height="6" fill="#ffffff" stroke="#333333" stroke-width="1"/>`,
  );
  parts.push(text(24, by - 6, "0", { size: 13, anchor: "middle", fill: "#444444" }));
  parts.push(text(24 + bar / 2, by - 6, "10", { size: 13, anchor: "middle", fill: "#444444" }));
  parts.push(text(24 + bar, by - 6, "20 km", { size: 13, anchor: "start", fill: "#444444" }));
  parts.push(
    text(24, height - 40, `Échelle : ${scaleWord} · projection conique conforme de Lambert`, { size: 14, fill: "#444444" }),
  );
  parts.push(text(24, height - 18, `Source des contours : ${frame.credit} · Noms : INSEE COG`, { size: 14, fill: "#444444" }));
  return svgDocument(width, height, parts);
}

/** Weekly counts by type, stacked, with the communes flagged rising or falling. */
export function trendsSvg(data: TrendsData): string {
  const width = 1280;
  const height = 720;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  parts.push(text(24, 40, `Tendances — renseignements par semaine, ${data.period.label}`, { size: 26, bold: true }));
  const types = data.typeLabels.length > 0 ? data.typeLabels.join(", ") : "tous types";
  parts.push(
    text(
      24,
      70,
      `${data.cellName} · ${periodSpan(data.period, data.timeZone)} · ${plural(data.total, "renseignement")} (période précédente : ${data.previousTotal}) · ${types}`,
      { size: 17, fill: "#333333" },
    ),
  );
  const chart = { x: 80, y: 110, width: 760, height: 500 };
  const max = Math.max(1, ...data.weeks.map((w) => Object.values(w.counts).reduce((a, b) => a + b, 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (v: number) => chart.y + chart.height - (v / top) * chart.height;
  for (let v = 0; v <= top; v += step) {
    parts.push(
      `<line x1="${chart.x}" x2="${chart.x + chart.width}" y1="${y(v)}" y2="${y(v)}" stroke="${v === 0 ? "#333333" : "#dddddd"}" stroke-width="1"/>`,
    );
    parts.push(text(chart.x - 10, y(v) + 5, String(v), { size: 14, anchor: "end", fill: "#444444" }));
  }
  const slot = chart.width / Math.max(1, data.weeks.length);
  const bar = Math.max(4, slot * 0.7);
  data.weeks.forEach((week, i) => {
    let base = 0;
    const x = chart.x + i * slot + (slot - bar) / 2;
    data.types.forEach((type, t) => {
      const n = week.counts[type.key] ?? 0;
      if (n === 0) return;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(base + n).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(base) - y(base + n)).toFixed(1)}" fill="${TYPE_COLOURS[t % TYPE_COLOURS.length]}" stroke="#ffffff" stroke-width="0.5"/>`,
      );
      base += n;
    });
    const total = base;
    parts.push(text(x + bar / 2, y(total) - 6, String(total), { size: 13, anchor: "middle", fill: "#333333" }));
    if (data.weeks.length <= 16 || i % Math.ceil(data.weeks.length / 16) === 0) {
      const d = new TZDate(week.start, data.timeZone);
      parts.push(
        text(
          x + bar / 2,
          chart.y + chart.height + 22,
          `${String(d.getDate()).padStart(2, "0")}/${String(d.getMonth() + 1).padStart(2, "0")}`,
          { size: 13, anchor: "middle", fill: "#444444" },
        ),
      );
    }
  });
  parts.push(
    text(chart.x, chart.y + chart.height + 48, "Semaines commençant le lundi (heure locale)", { size: 13, fill: "#555555" }),
  );
  // Legend of types.
  let py = 120;
  const px = 880;
  parts.push(text(px, py, "Types de faits", { size: 17, bold: true }));
  py += 14;
  data.types.forEach((type, t) => {
    parts.push(`<rect x="${px}" y="${py}" width="20" height="16" fill="${TYPE_COLOURS[t % TYPE_COLOURS.length]}"/>`);
    parts.push(text(px + 30, py + 14, truncate(type.label, 30), { size: 15 }));
    py += 24;
  });
  py += 20;
  const flagged = data.changes
    .filter((c) => c.trend === "hausse" || c.trend === "baisse")
    .sort((a, b) => (a.q ?? 1) - (b.q ?? 1))
    .slice(0, 8);
  parts.push(text(px, py, "Communes en hausse / baisse", { size: 17, bold: true }));
  py += 24;
  if (flagged.length === 0) parts.push(text(px, py, "aucun changement significatif", { size: 15, fill: "#555555" }));
  for (const c of flagged) {
    parts.push(text(px, py, truncate(c.nom, 24), { size: 15 }));
    parts.push(text(width - 44, py, `${c.previous} › ${c.current}`, { size: 15, bold: true, anchor: "end" }));
    parts.push(triangle(width - 32, py - 5, c.trend === "hausse"));
    py += 24;
  }
  parts.push(
    text(
      24,
      height - 18,
      "Test exact de deux comptes de Poisson, correction de Benjamini–Hochberg (5 %) ; moins de 5 faits : non testé.",
      { size: 14, fill: "#444444" },
    ),
  );
  return svgDocument(width, height, parts);
}

type Box = [number, number, number, number];
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** ▲ orange for a rise, ▼ purple for a fall (drawn: the font has no such glyphs). */
function triangle(x: number, y: number, up: boolean): string {
  const points = up ? `${x - 7},${y + 6} ${x + 7},${y + 6} ${x},${y - 6}` : `${x - 7},${y - 6} ${x + 7},${y - 6} ${x},${y + 6}`;
  return `<polygon points="${points}" fill="${up ? CHANGE_COLOURS[6] : CHANGE_COLOURS[0]}"/>`;
}

function niceStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const f of [1, 2, 5, 10]) if (raw <= f * magnitude) return Math.max(1, f * magnitude);
  return 10 * magnitude;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function svgDocument(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
}

/** SVG → PNG with the shipped fonts only. */
export function toPng(svg: string, name: string): RenderedImage {
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
    background: "#ffffff",
  });
  const image = resvg.render();
  return { bytes: image.asPng(), mimetype: "image/png", w: image.width, h: image.height, name };
}

export function renderMap(data: MapData): RenderedImage {
  return toPng(mapSvg(data), `carte-${data.scale}${data.compare ? "-evolution" : ""}.png`);
}

export function renderTrends(data: TrendsData): RenderedImage {
  return toPng(trendsSvg(data), "tendances.png");
}
