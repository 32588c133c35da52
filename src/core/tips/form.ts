/**
 * The citizen's form, as data: what each field asks in plain words, and the checks the server makes
 * (the browser's own checks are a convenience only). Pure: the commune list is injected.
 */
import type { TipFields } from "./wire.js";

/** What a citizen sees, in their words, and the fact type it maps to (src/core/report/fact-types.ts). */
export const TIP_KINDS: readonly { value: string; label: string; type: string }[] = [
  { value: "point_de_deal", label: "Vente de drogue dans la rue, un hall, un parking (point de deal)", type: "point_de_deal" },
  { value: "livraison", label: "Livraisons, allers-retours de véhicules, transport de drogue", type: "livraison" },
  { value: "stockage", label: "Un lieu où de la drogue est cachée ou stockée", type: "stockage" },
  { value: "culture", label: "Une plantation (cannabis…)", type: "culture" },
  { value: "violences", label: "Violences, menaces, armes liées au trafic", type: "violences" },
  { value: "consommation", label: "Consommation de drogue", type: "consommation" },
  { value: "nuisances", label: "Nuisances, rassemblements, va-et-vient", type: "nuisances" },
  { value: "autre", label: "Autre chose", type: "autre" },
];

export const LIMITS = { place: 200, when: 200, vehicles: 300, description: 4000, contact: 200, commune: 100 } as const;
export const MIN_DESCRIPTION = 10;

export type FieldName = "commune" | "lieu" | "nature" | "quand" | "personnes" | "vehicules" | "description" | "contact" | "photo";

/** The form as sent (every value a string; absent fields are ""). */
export type RawForm = Record<Exclude<FieldName, "photo">, string>;

export type CommuneCheck = { ok: true; code: string; nom: string } | { ok: false; error: string };

export type FormCheck = { ok: true; fields: TipFields } | { ok: false; errors: Partial<Record<FieldName, string>> };

/** Control characters (but not line breaks or tabs) are dropped; lines trimmed; at most one blank line. */
export function cleanText(text: string, multiline = false): string {
  const noControls = text
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/gu, "");
  if (!multiline) return noControls.replace(/\s+/gu, " ").trim();
  return noControls
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function checkForm(raw: RawForm, resolveCommune: (text: string) => CommuneCheck): FormCheck {
  const errors: Partial<Record<FieldName, string>> = {};
  const value = (name: keyof RawForm, multiline = false) => cleanText(raw[name], multiline);
  const tooLong = (name: FieldName, text: string, max: number) => {
    if (text.length > max) errors[name] = `Ce champ est trop long : ${max} caractères au plus (vous en avez ${text.length}).`;
  };

  const communeText = value("commune");
  let commune: { code: string; nom: string } | null = null;
  if (communeText === "") errors.commune = "Indiquez la commune (ex. Épinal).";
  else if (communeText.length > LIMITS.commune) tooLong("commune", communeText, LIMITS.commune);
  else {
    const checked = resolveCommune(communeText);
    if (checked.ok) commune = { code: checked.code, nom: checked.nom };
    else errors.commune = checked.error;
  }

  const kind = TIP_KINDS.find((k) => k.value === raw.nature.trim());
  if (!kind) errors.nature = "Choisissez ce que vous avez constaté (« Autre chose » si rien ne correspond).";

  const place = value("lieu");
  tooLong("lieu", place, LIMITS.place);
  const when = value("quand");
  tooLong("quand", when, LIMITS.when);
  const vehicles = value("vehicules");
  tooLong("vehicules", vehicles, LIMITS.vehicles);
  const contact = value("contact");
  tooLong("contact", contact, LIMITS.contact);
  const description = value("description", true);
  if (description.length < MIN_DESCRIPTION) {
    errors.description = `Décrivez ce que vous avez vu en quelques mots (${MIN_DESCRIPTION} caractères au moins).`;
  } else tooLong("description", description, LIMITS.description);

  const peopleText = value("personnes");
  let people: number | null = null;
  if (peopleText !== "") {
    if (!/^\d{1,3}$/.test(peopleText)) errors.personnes = "Indiquez un nombre (ex. 3), ou laissez vide si vous ne savez pas.";
    else people = Number(peopleText);
  }

  if (Object.keys(errors).length > 0 || !commune || !kind) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      communeCode: commune.code,
      communeNom: commune.nom,
      place,
      kind: kind.type,
      when,
      people,
      vehicles,
      description,
      contact,
    },
  };
}

/** The answer a citizen writes back to the cell's questions. */
export function checkAnswer(text: string): { ok: true; text: string } | { ok: false; error: string } {
  const cleaned = cleanText(text, true);
  if (cleaned.length === 0) return { ok: false, error: "Écrivez votre réponse avant d'envoyer." };
  if (cleaned.length > LIMITS.description) {
    return { ok: false, error: `Votre réponse est trop longue : ${LIMITS.description} caractères au plus.` };
  }
  return { ok: true, text: cleaned };
}
