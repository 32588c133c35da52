/**
 * Builds data/geo/territory-88.json, the map frame used by `!carte` and `!tendances` (src/territory/):
 * the 506 current communes of the Vosges as SVG paths already projected and simplified, their
 * neighbours (adjacency from shared borders), their canton and arrondissement, and the cantons and
 * arrondissements drawn as unions of communes (so every border lines up exactly).
 *
 *   node --import tsx scripts/data/build-territory.ts
 *
 * Inputs (committed): data/geo/communes-88-vosges.geojson (IGN Admin Express COG 2018),
 * data/geo/cantons-88-vosges.geojson (same), data/geo/communes-88.json (INSEE COG, names).
 * Done once here, not at run time: projection (Lambert conformal conic, the parallels of Lambert-93),
 * topology (topojson-server), topology-preserving simplification (topojson-simplify), adjacency
 * (topojson-client `neighbors`). The output is deterministic: a rerun gives no diff.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { geoConicConformal, geoContains, geoDistance, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from "geojson";
import { feature, merge, neighbors } from "topojson-client";
import { topology } from "topojson-server";
import { presimplify, simplify } from "topojson-simplify";
import type { GeometryCollection } from "topojson-specification";
import { MAP_FRAME } from "../../src/territory/frame.js";

const read = <T>(name: string) => JSON.parse(readFileSync(new URL(`../../data/geo/${name}`, import.meta.url), "utf8")) as T;
const OUTPUT = new URL("../../data/geo/territory-88.json", import.meta.url);
/** Triangle area below which a point goes, in square pixels of the 1280-pixel-wide map. */
const MIN_WEIGHT = 0.6;
/** 2018 commune merged since into another (its contour is added to the absorbing commune's). */
const MERGED: Record<string, string> = { "88393": "88321" };
/** The 2018 canton file drops articles and accents; the cantons' official names. */
const CANTON_NAMES: Record<string, string> = {
  Bresse: "La Bresse",
  Thillot: "Le Thillot",
  "Raon-l'Etape": "Raon-l'Étape",
  "Val-d'Ajol": "Le Val-d'Ajol",
};

interface CommuneRow {
  code: string;
  nom: string;
  arrondissement: string;
}
type Props = { code: string; nom: string };

const contours = read<FeatureCollection<Polygon | MultiPolygon, Props>>("communes-88-vosges.geojson");
const cantonContours = read<FeatureCollection<Polygon | MultiPolygon, Props>>("cantons-88-vosges.geojson");
const list = read<{ communes: CommuneRow[]; arrondissements: Record<string, string> }>("communes-88.json");

const { width, height, map } = MAP_FRAME;
const projection = geoConicConformal()
  .parallels([44, 49])
  .rotate([-3, 0])
  .fitExtent(
    [
      [map.x, map.y],
      [map.x + map.width, map.y + map.height],
    ],
    contours,
  );

// Project every contour to pixels first: simplification then works in pixels, the unit that matters.
const projectRing = (ring: Position[]) =>
  ring.map(([lon, lat]) => {
    const p = projection([lon ?? 0, lat ?? 0]);
    if (!p) throw new Error("point outside the projection");
    return p;
  });
const projectGeometry = (g: Polygon | MultiPolygon): Polygon | MultiPolygon =>
  g.type === "Polygon"
    ? { type: "Polygon", coordinates: g.coordinates.map(projectRing) }
    : { type: "MultiPolygon", coordinates: g.coordinates.map((poly) => poly.map(projectRing)) };

const projected: Record<string, Feature<Polygon | MultiPolygon, Props>> = {};
for (const f of [...contours.features].sort((a, b) => a.properties.code.localeCompare(b.properties.code))) {
  projected[f.properties.code] = { ...f, geometry: projectGeometry(f.geometry) };
}
const input: FeatureCollection = { type: "FeatureCollection", features: Object.values(projected) };
let topo = topology({ communes: input }, 1e5);
topo = simplify(presimplify(topo as never), MIN_WEIGHT);
const collection = topo.objects.communes as GeometryCollection<Props>;
const geometries = collection.geometries;
const codeOf = (g: { properties?: unknown } | undefined) => (g?.properties as Props | undefined)?.code ?? "";
const indexOf = new Map(geometries.map((g, i) => [codeOf(g), i]));
const adjacency = neighbors(geometries);

const round = (n: number) => Math.round(n * 10) / 10;
function pathOf(geometry: Geometry): string {
  const polygons =
    geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons
    .flatMap((rings) =>
      rings.map((ring) => {
        const points = ring.slice(0, -1).map(([x, y]) => `${round(x ?? 0)},${round(y ?? 0)}`);
        const unique = points.filter((p, i) => p !== points[i - 1]);
        return unique.length >= 3 ? `M${unique.join("L")}Z` : "";
      }),
    )
    .join("");
}
const planar = geoPath();
const labelAt = (geometry: Geometry): [number, number] => {
  const [x, y] = planar.centroid(geometry);
  return [round(x), round(y)];
};

// The 2018 canton of each commune: the canton contour containing the commune's centre.
const cantonOf = (code: string): { code: string; nom: string } => {
  const source = contours.features.find((f) => f.properties.code === code);
  if (!source) throw new Error(`no contour for ${code}`);
  // Planar centroid of lon/lat: good enough at the scale of a commune.
  const centre = geoPath().centroid(source);
  const hit =
    cantonContours.features.find((c) => geoContains(c, centre)) ??
    // A centre on a concave edge: the nearest canton by centre distance.
    [...cantonContours.features].sort((a, b) => dist(geoPath().centroid(a), centre) - dist(geoPath().centroid(b), centre))[0];
  if (!hit) throw new Error(`no canton for ${code}`);
  return { code: hit.properties.code, nom: CANTON_NAMES[hit.properties.nom] ?? hit.properties.nom };
};
const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

const communes = list.communes.map((c) => {
  const parts = [c.code, ...Object.entries(MERGED).filter(([, into]) => into === c.code).map(([from]) => from)];
  const members = parts.map((code) => {
    const i = indexOf.get(code);
    const g = i === undefined ? undefined : geometries[i];
    if (i === undefined || !g) throw new Error(`no contour for ${code}`);
    return { i, g };
  });
  const geometry: Geometry =
    members.length === 1 && members[0]
      ? feature(topo, members[0].g as never).geometry
      : merge(topo, members.map((m) => m.g) as never[]);
  const neighbourCodes = new Set<string>();
  for (const m of members) {
    for (const j of adjacency[m.i] ?? []) {
      const code = codeOf(geometries[j]);
      neighbourCodes.add(MERGED[code] ?? code);
    }
  }
  neighbourCodes.delete(c.code);
  const canton = cantonOf(c.code);
  return {
    code: c.code,
    nom: c.nom,
    arrondissement: c.arrondissement,
    canton: canton.code,
    label: labelAt(geometry),
    neighbours: [...neighbourCodes].sort(),
    d: pathOf(geometry),
  };
});

function union(codes: string[]): Geometry {
  const parts = codes.flatMap((code) => [code, ...Object.keys(MERGED).filter((from) => MERGED[from] === code)]);
  return merge(topo, parts.map((code) => geometries[indexOf.get(code) ?? -1]) as never[]);
}
const cantonNames = new Map<string, string>();
for (const c of cantonContours.features) cantonNames.set(c.properties.code, CANTON_NAMES[c.properties.nom] ?? c.properties.nom);
const cantons = [...cantonNames.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, nom]) => {
    const geometry = union(communes.filter((c) => c.canton === code).map((c) => c.code));
    return { code, nom, label: labelAt(geometry), d: pathOf(geometry) };
  });
const arrondissements = Object.entries(list.arrondissements)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, nom]) => {
    const geometry = union(communes.filter((c) => c.arrondissement === code).map((c) => c.code));
    return { code, nom, label: labelAt(geometry), d: pathOf(geometry) };
  });
const outline = pathOf(merge(topo, geometries as never[]));

// Pixels for 10 km at the centre of the map (the scale bar); the Earth's mean radius is 6371 km.
const centre = [map.x + map.width / 2, map.y + map.height / 2] as const;
const a = projection.invert?.([centre[0] - 50, centre[1]]);
const b = projection.invert?.([centre[0] + 50, centre[1]]);
if (!a || !b) throw new Error("projection cannot be inverted");
const pixelsPer10Km = round((100 / (geoDistance(a, b) * 6371)) * 10);

const output = {
  source:
    "Contours : IGN Admin Express COG 2018 (data/geo/communes-88-vosges.geojson, cantons-88-vosges.geojson) ; noms : INSEE COG (data/geo/communes-88.json)",
  licence: "Licence Ouverte / Open Licence (Etalab)",
  credit: "IGN Admin Express (COG 2018), Licence Ouverte",
  generated_by: "scripts/data/build-territory.ts",
  projection: "Lambert conique conforme (parallèles 44° et 49°, méridien 3° E), simplifié à 0,6 px²",
  width,
  height,
  pixelsPer10Km,
  outline,
  communes,
  cantons,
  arrondissements,
};
const json = `{\n${Object.entries(output)
  .map(([key, value]) =>
    Array.isArray(value)
      ? `  "${key}": [\n${value.map((v) => `    ${JSON.stringify(v)}`).join(",\n")}\n  ]`
      : `  "${key}": ${JSON.stringify(value)}`,
  )
  .join(",\n")}\n}\n`;
writeFileSync(OUTPUT, json);
console.log(`wrote ${OUTPUT.pathname}: ${communes.length} communes, ${cantons.length} cantons, ${json.length} bytes`);
