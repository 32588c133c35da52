import { readFileSync } from "node:fs";

/** The image layout shared by the build script (projection extent) and the renderer (pixels). */
export const MAP_FRAME = {
  width: 1280,
  height: 860,
  /** Where the département is drawn: title above, legend and ranking on the right, source below. */
  map: { x: 24, y: 104, width: 900, height: 680 },
} as const;

export interface FrameCommune {
  code: string;
  nom: string;
  arrondissement: string;
  canton: string;
  label: [number, number];
  neighbours: string[];
  /** SVG path, already projected in MAP_FRAME pixels. */
  d: string;
}

export interface FrameUnit {
  code: string;
  nom: string;
  label: [number, number];
  d: string;
}

/** data/geo/territory-88.json, built by scripts/data/build-territory.ts (see data/geo/SOURCE.md). */
export interface TerritoryFrame {
  credit: string;
  width: number;
  height: number;
  /** Length of 10 km on the map, for the scale bar. */
  pixelsPer10Km: number;
  outline: string;
  communes: FrameCommune[];
  cantons: FrameUnit[];
  arrondissements: FrameUnit[];
}

const DATA_URL = new URL("../../data/geo/territory-88.json", import.meta.url);
let cached: TerritoryFrame | undefined;

/** The Vosges, read once per process. */
export function vosgesFrame(): TerritoryFrame {
  cached ??= JSON.parse(readFileSync(DATA_URL, "utf8")) as TerritoryFrame;
  return cached;
}
