/**
 * What the triage room learns next to a tip: known reports (already filtered by the diffusion
 * policy for the triage room) sharing its commune and place or an entity, other tips about the
 * same place, and whether it looks like a duplicate of a recent one. Pure.
 */
import { distance } from "fastest-levenshtein";
import { type Entity, extractEntities, normaliseAddress, normalisePlate } from "../fr/entities.js";
import type { TipFields } from "./wire.js";

export interface HintReport {
  ref: string;
  communeCode: string;
  place: string | null;
  entities: readonly Entity[];
}

export interface HintTip {
  number: number;
  receivedAt: number;
  status: string;
  fields: Pick<TipFields, "communeCode" | "place" | "kind" | "description">;
}

export interface Hints {
  reports: { ref: string; why: string }[];
  sameplace: number[];
  duplicateOf: number | null;
}

const DUPLICATE_WINDOW_MS = 14 * 86_400_000;
const MAX_REPORTS = 5;

/** Entities a citizen's words carry: phones and plates in the description and the vehicles line. */
export function tipEntities(fields: Pick<TipFields, "description" | "vehicles">): Entity[] {
  const found = extractEntities(`${fields.description}\n${fields.vehicles}`);
  for (const word of fields.vehicles.split(/[\s,;]+/)) {
    const plate = normalisePlate(word);
    if (plate.ok && !found.some((e) => e.kind === "plate" && e.value === plate.entity.value)) found.push(plate.entity);
  }
  return found.filter((e) => e.kind === "plate" || e.kind === "phone");
}

export function samePlace(a: { communeCode: string; place: string | null }, b: { communeCode: string; place: string | null }) {
  if (a.communeCode !== b.communeCode || !a.place || !b.place) return false;
  return placeKey(a.place) === placeKey(b.place);
}

export function hintsFor(
  tip: { number: number; receivedAt: number; fields: TipFields },
  reports: readonly HintReport[],
  tips: readonly HintTip[],
): Hints {
  const entities = tipEntities(tip.fields);
  const matched: Hints["reports"] = [];
  for (const report of reports) {
    const shared = entities.find((e) => report.entities.some((r) => r.kind === e.kind && r.value === e.value));
    if (shared) matched.push({ ref: report.ref, why: `${shared.kind === "plate" ? "plaque" : "téléphone"} ${shared.display}` });
    else if (samePlace(tip.fields, report)) matched.push({ ref: report.ref, why: "même lieu" });
  }
  const others = tips.filter((t) => t.number !== tip.number && t.status !== "rejected");
  const sameplace = others.filter((t) => samePlace(tip.fields, t.fields)).map((t) => t.number);
  const duplicate = others.find(
    (t) =>
      Math.abs(tip.receivedAt - t.receivedAt) <= DUPLICATE_WINDOW_MS &&
      t.fields.communeCode === tip.fields.communeCode &&
      t.fields.kind === tip.fields.kind &&
      (samePlace(tip.fields, t.fields) || (!tip.fields.place && !t.fields.place)) &&
      similar(t.fields.description, tip.fields.description),
  );
  return { reports: matched.slice(0, MAX_REPORTS), sameplace, duplicateOf: duplicate?.number ?? null };
}

function placeKey(place: string): string {
  const address = normaliseAddress(place);
  return address.ok ? address.entity.value : simplify(place);
}

function simplify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Nearly the same words (a re-sent tip, a copy-paste): 80 % similar or more. */
export function similar(a: string, b: string): boolean {
  const x = simplify(a);
  const y = simplify(b);
  if (x === y) return true;
  const longest = Math.max(x.length, y.length);
  return longest > 0 && 1 - distance(x, y) / longest >= 0.8;
}
