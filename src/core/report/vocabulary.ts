import type { FactType } from "./fact-types.js";

/**
 * The words and trade slang that name a fact type in a free-form line ("nourrice", "pdd", "plants",
 * "seringues", "rixe"…), by type key. `capture.vocabulary` in the configuration adds phrases to these.
 * A phrase marked with a leading "~" is weak: generic words ("trafic", "vente", "arme") decide only
 * when nothing more specific is said.
 */
export const DEFAULT_FREE_WORDS: Readonly<Record<string, readonly string[]>> = {
  point_de_deal: [
    "point de deal", "pdd", "point deal", "point de vente", "point de revente", "four", "charbonneur", "charbonneurs",
    "vente de shit", "vente de cannabis", "vente de resine", "vente de coke", "vente de cocaine", "vente d herbe",
    "vente de stups", "vente de produits", "revente", "dealer", "dealers", "dealeur", "dealeurs", "deale", "dealent",
    "deal de rue", "~deal", "~vente", "~vend", "~vendent", "~vendeur", "~vendeurs", "~trafic", "~trafic de stups",
  ],
  livraison: [
    "go fast", "gofast", "go slow", "goslow", "livraison", "livraisons", "livreur", "livreurs", "convoi", "convoyage",
    "mule", "mules", "ravitaillement", "drive", "livraison a domicile", "~transport", "~livre",
  ],
  stockage: [
    "nourrice", "nourrices", "stockage", "stocke", "stockee", "stockes", "planque", "planquee", "entrepot", "~stock",
    "~cache", "~caches",
  ],
  culture: [
    "plants", "plant de cannabis", "plants de cannabis", "pieds de cannabis", "plantation", "plantations", "culture",
    "cannabiculture", "chambre de culture", "growbox", "grow box", "serre de cannabis", "~pieds", "~serre",
  ],
  blanchiment: ["blanchiment", "blanchit", "blanchiment d argent", "argent sale", "~cash", "~liasses", "~argent"],
  violences: [
    "rixe", "rixes", "bagarre", "bagarres", "reglement de comptes", "reglement de compte", "agression", "agresse",
    "coups de feu", "coup de feu", "tirs", "coups de couteau", "coup de couteau", "violences", "fusillade",
    "~arme", "~armes", "~menaces",
  ],
  consommation: [
    "seringue", "seringues", "consommation", "conso", "consomment", "consommateur", "consommateurs", "usager",
    "usagers", "toxico", "toxicos", "shoot", "pipe a crack", "joints", "fument", "~joint", "~fumer", "~usage",
  ],
  nuisances: ["nuisances", "nuisance", "tapage", "riverains", "rassemblement", "attroupement", "~plainte"],
}; // prettier-ignore

/** Aliases too generic to name a type on their own in a sentence ("l'autre soir" is not type "autre"). */
const NOT_IN_FREE_TEXT = new Set(["autre", "divers", "other"]);

export interface FreeWord {
  /** Normalised (see `normaliseWords`), surrounded by single spaces for whole-word search. */
  phrase: string;
  type: string;
  weak: boolean;
}

export function normaliseWords(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** The vocabulary of free-form lines: the types' own names and aliases, the defaults, the configuration's. */
export function freeWords(types: readonly FactType[], extra: Readonly<Record<string, readonly string[]>> = {}): FreeWord[] {
  const keys = new Set(types.map((t) => t.key));
  const words = new Map<string, FreeWord>();
  const add = (type: string, raw: string, mode: "default" | "override" | "unlessKnown" = "default") => {
    const weak = raw.startsWith("~");
    const phrase = normaliseWords(weak ? raw.slice(1) : raw);
    if (phrase === "" || NOT_IN_FREE_TEXT.has(phrase) || !keys.has(type)) return;
    const existing = words.get(phrase);
    if (existing && mode === "unlessKnown") return;
    // A phrase claimed by two types names neither, unless the configuration says which.
    if (mode === "override") words.set(phrase, { phrase: ` ${phrase} `, type, weak });
    else if (existing && existing.type !== type) words.set(phrase, { ...existing, type: "" });
    else if (!existing || (existing.weak && !weak)) words.set(phrase, { phrase: ` ${phrase} `, type, weak });
  };
  // The defaults say which aliases are weak ("vente", "arme"); the other names of a type are strong.
  for (const [type, phrases] of Object.entries(DEFAULT_FREE_WORDS)) for (const p of phrases) add(type, p);
  for (const [type, phrases] of Object.entries(extra)) for (const p of phrases) add(type, p, "override");
  for (const type of types) for (const name of [type.label, ...type.aliases]) add(type.key, name, "unlessKnown");
  return [...words.values()].filter((w) => w.type !== "");
}
