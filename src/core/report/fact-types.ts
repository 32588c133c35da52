import { closest, distance } from "fastest-levenshtein";

export interface FactType {
  key: string;
  label: string;
  aliases: string[];
}

/** The cell's default list (PRODUCT.md); `capture.types` in the configuration replaces it. */
export const DEFAULT_FACT_TYPES: FactType[] = [
  { key: "point_de_deal", label: "Point de deal", aliases: ["deal", "pdd", "point deal", "vente", "trafic", "point de vente"] },
  {
    key: "livraison",
    label: "Livraison / go-fast",
    aliases: ["go fast", "gofast", "go-fast", "livraison", "convoi", "transport", "drive"],
  },
  { key: "stockage", label: "Stockage", aliases: ["stock", "nourrice", "planque", "cache", "entrepot"] },
  { key: "culture", label: "Culture", aliases: ["plantation", "cannabiculture", "serre", "pieds"] },
  { key: "blanchiment", label: "Blanchiment", aliases: ["argent", "blanchiment d'argent", "cash"] },
  {
    key: "violences",
    label: "Violences liées au trafic",
    aliases: ["violence", "reglement de comptes", "rixe", "agression", "arme", "tirs"],
  },
  { key: "consommation", label: "Consommation", aliases: ["conso", "usage", "usager", "consommateurs"] },
  { key: "nuisances", label: "Nuisances signalées", aliases: ["nuisance", "plainte", "riverains", "rassemblement"] },
  { key: "autre", label: "Autre", aliases: ["divers", "other"] },
];

export type FactTypeMatch = { ok: true; type: FactType; guessed: boolean } | { ok: false; error: string };

const normalise = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[-_'’.]/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** Matches what an officer typed (`deal`, `Go-Fast`, `stockage`, `stokage`, `3`) to a fact type. */
export function matchFactType(text: string, types: readonly FactType[] = DEFAULT_FACT_TYPES): FactTypeMatch {
  const wanted = normalise(text);
  const byNumber = /^\d+$/.test(wanted) ? types[Number(wanted) - 1] : undefined;
  if (byNumber) return { ok: true, type: byNumber, guessed: false };
  const names = new Map<string, FactType>();
  for (const type of types) {
    for (const name of [type.key, type.label, ...type.aliases]) names.set(normalise(name), type);
  }
  const exact = names.get(wanted);
  if (exact) return { ok: true, type: exact, guessed: false };
  const prefixed = [...new Set([...names].filter(([name]) => wanted.length >= 3 && name.startsWith(wanted)).map(([, t]) => t))];
  if (prefixed.length === 1 && prefixed[0]) return { ok: true, type: prefixed[0], guessed: true };
  const nearest = closest(wanted, [...names.keys()]);
  if (wanted.length >= 4 && distance(wanted, nearest) <= 2) {
    const type = names.get(nearest);
    if (type) return { ok: true, type, guessed: true };
  }
  return {
    ok: false,
    error: `Type de fait non compris : « ${text} ». Types : ${types.map((t, i) => `${i + 1}. ${t.label}`).join(", ")} (ex. type=deal).`,
  };
}
