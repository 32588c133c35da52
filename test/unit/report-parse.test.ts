/**
 * The one-line report as officers type it on a phone, after the `!report ` prefix: typos, missing
 * accents, autocorrect capitals, curly quotes and guillemets, non-breaking spaces, fields in any
 * order, free text around them. Each line asserts what the officer sees in the confirmation (or in
 * the list of problems): type, commune, instant, cotation, diffusion, entities, free text.
 */
import { describe, expect, it } from "vitest";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import { diffusionCode } from "../../src/core/report/diffusion.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import type { CaptureContext, FieldName } from "../../src/core/report/fields.js";
import { gradeCode } from "../../src/core/report/grading.js";
import { parseFieldsOnto, parseReportLine } from "../../src/core/report/parse-line.js";
import type { ReportDraft } from "../../src/core/report/report.js";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

const ctx: CaptureContext = {
  now: new Date("2026-11-26T20:07:00Z"), // Thursday 26 November 2026, 21:07 in Paris
  timeZone: "Europe/Paris",
  maxAgeDays: 365,
  communes: CommuneIndex.vosges(),
  types: DEFAULT_FACT_TYPES,
  services: ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"],
};

// Communes (INSEE codes).
const EPINAL = "88160";
const ST_DIE = "88413";
const REMIREMONT = "88383";
const GOLBEY = "88209";
const GERARDMER = "88196";
const NEUFCHATEAU = "88321";
const VITTEL = "88516";

// Instants (UTC) for what officers type on Thursday 26/11/2026 at 21:07, Paris time (UTC+1).
const HIER = "2026-11-25T11:00:00.000Z"; // a day without a time: noon, local
const HIER_22H = "2026-11-25T21:00:00.000Z";
const HIER_23H = "2026-11-25T22:00:00.000Z";

interface Good {
  line: string;
  type: string;
  commune: string;
  at: string;
  precision?: "minute" | "day";
  /** Defaults: F6, cross, no place, no substances, no count, no entity, no text. */
  grade?: string;
  diffusion?: string;
  place?: string | null;
  substances?: string[];
  people?: number | null;
  /** `kind:value`, the whole set. */
  entities?: string[];
  text?: string;
  /** Each must appear in some note (what the confirmation echoes back). */
  notes?: string[];
}

type ProblemField = FieldName | "inconnu";

interface Bad {
  line: string;
  /** The exact set of fields in trouble; each message of that field must contain these hints. */
  problems: Partial<Record<ProblemField, string[]>>;
  /** What was still understood, when worth checking. */
  understood?: Partial<Pick<Good, "type" | "commune" | "at" | "grade" | "text" | "entities">>;
}

const deal = { type: "point_de_deal", commune: EPINAL, at: HIER, precision: "day" } as const;
const dealAt22 = { type: "point_de_deal", commune: EPINAL, at: HIER_22H, precision: "minute" } as const;

const good: Good[] = [
  // ---------------------------------------------------------------- whole lines, as typed in the field
  {
    line: 'type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 plaque=ab123cd tel=0612345678 3 guetteurs devant le bâtiment C',
    ...dealAt22,
    grade: "B2",
    place: "rue de la Gare",
    entities: ["plate:AB-123-CD", "phone:+33612345678", `address:${EPINAL}:rue de la gare`],
    text: "3 guetteurs devant le bâtiment C",
  },
  { line: "Type=Deal Commune=Epinal Quand=Hier", ...deal }, // autocorrect capitals
  { line: "TYPE=DEAL COMMUNE=EPINAL QUAND=HIER 22H", ...dealAt22 },
  { line: "commune=golbey quand=hier type=deal", ...deal, commune: GOLBEY },
  {
    line: "quand=hier 22h type=stockage commune=remiremont",
    type: "stockage",
    commune: REMIREMONT,
    at: HIER_22H,
    precision: "minute",
  },
  { line: "t=deal c=epinal q=hier", ...deal },
  {
    line: "nature=trafic ville=Gérardmer date=hier soir",
    ...deal,
    commune: GERARDMER,
    at: "2026-11-25T19:00:00.000Z",
    precision: "minute",
  },
  {
    line: "fait=nourrice localite=Neufchateau heure=ce matin",
    type: "stockage",
    commune: NEUFCHATEAU,
    at: "2026-11-26T07:00:00.000Z",
    precision: "minute",
  },
  {
    line: "Nature=Vente Localité=Golbey Date=hier Téléphone=0612345678",
    ...deal,
    commune: GOLBEY,
    entities: ["phone:+33612345678"],
  },
  { line: "type = deal commune = epinal quand = hier", ...deal },
  { line: "type =deal commune= golbey quand =hier", ...deal, commune: GOLBEY },
  { line: `type=deal${NBSP}commune=epinal${NNBSP}quand=hier${NBSP}22h`, ...dealAt22 },
  { line: `type=deal commune=«${NNBSP}st die${NNBSP}» quand=hier`, ...deal, commune: ST_DIE },
  {
    line: "type=deal commune=golbey quand=hier 22h tel=06 12 34 56 78 vendeur en trottinette",
    ...dealAt22,
    commune: GOLBEY,
    entities: ["phone:+33612345678"],
    text: "vendeur en trottinette",
  },
  {
    line: "type=go fast commune=remiremont quand=hier 23h plaque=ab 123 cd 2 individus a bord",
    type: "livraison",
    commune: REMIREMONT,
    at: HIER_23H,
    precision: "minute",
    entities: ["plate:AB-123-CD"],
    text: "2 individus a bord",
  },

  // ---------------------------------------------------------------- communes typed the way they are said
  { line: "type=deal commune=st die quand=hier 22h", ...dealAt22, commune: ST_DIE, notes: ["Saint-Dié-des-Vosges"] },
  { line: "type=deal commune=ste marguerite quand=hier", ...deal, commune: "88424" },
  { line: "type=deal commune=st die des vosges quand=hier", ...deal, commune: ST_DIE },
  { line: "type=deal commune=Saint-Dié-des-Vosges quand=hier", ...deal, commune: ST_DIE },
  { line: "type=deal commune=gerardmer quand=hier", ...deal, commune: GERARDMER },
  { line: "type=deal commune=geradmer quand=hier", ...deal, commune: GERARDMER, notes: ["Gérardmer"] },
  { line: "type=deal commune=remiremon quand=hier", ...deal, commune: REMIREMONT, notes: ["Remiremont"] },
  { line: "type=deal commune=raon l'etape quand=hier", ...deal, commune: "88372" },
  { line: "type=deal commune=Raon l’Étape quand=hier", ...deal, commune: "88372" },
  { line: "type=deal commune=chatel s/ moselle quand=hier", ...deal, commune: "88094" },
  { line: "type=deal commune=la bresse quand=hier", ...deal, commune: "88075" },
  { line: "type=deal commune=bresse quand=hier", ...deal, commune: "88075", notes: ["La Bresse"] },
  { line: "type=deal commune=thaon quand=hier", ...deal, commune: "88465", notes: ["Thaon-les-Vosges"] },
  { line: "type=deal commune=val d'ajol quand=hier", ...deal, commune: "88487" },
  { line: "type=deal commune=bains les bains quand=hier", ...deal, commune: "88029" },
  { line: "type=deal commune=st etienne les remiremont quand=hier", ...deal, commune: "88415" },
  { line: "type=deal commune=88413 quand=hier", ...deal, commune: "88413" },
  { line: "type=deal commune=epinal devant la gare quand=hier", ...deal, text: "devant la gare" },
  { line: "type=deal commune=golbey 3 guetteurs quand=hier", ...deal, commune: GOLBEY, text: "3 guetteurs" },
  { line: "type=deal commune=remiremont centre ville quand=hier", ...deal, commune: REMIREMONT, text: "centre ville" },

  // ---------------------------------------------------------------- dates
  { line: "type=deal commune=epinal quand=maintenant", ...deal, at: "2026-11-26T20:07:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=il y a 2h", ...deal, at: "2026-11-26T18:07:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=il y a 3 jours", ...deal, at: "2026-11-23T11:00:00.000Z" },
  { line: "type=deal commune=epinal quand=lundi 6h30", ...deal, at: "2026-11-23T05:30:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=12/11 23h", ...deal, at: "2026-11-12T22:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=mercredi 23h15", ...deal, at: "2026-11-25T22:15:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=avant-hier 3h", ...deal, at: "2026-11-24T02:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=25 nov 22h", ...dealAt22 },
  { line: "type=deal commune=epinal quand=le 25/11 à 22h30", ...deal, at: "2026-11-25T21:30:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=23h", ...deal, at: HIER_23H, precision: "minute" }, // 23h today is still to come
  { line: "type=deal commune=epinal quand=hier22h", ...dealAt22 },
  { line: "type=deal commune=epinal quand=cette nuit", ...deal, at: "2026-11-26T01:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=ce soir", ...deal, at: "2026-11-26T19:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=hier soir vers 23h", ...deal, at: HIER_23H, precision: "minute" },
  { line: "type=deal commune=epinal quand=14/07 22h", ...deal, at: "2026-07-14T20:00:00.000Z", precision: "minute" }, // summer time
  { line: "type=deal commune=epinal quand=1er novembre", ...deal, at: "2026-11-01T11:00:00.000Z" },
  { line: "type=deal commune=epinal quand=2026-11-20 14h", ...deal, at: "2026-11-20T13:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal date=25/11 heure=22h", ...dealAt22 }, // two halves of one date
  { line: "type=deal commune=epinal heure=22h date=hier", ...dealAt22 },
  { line: "le=hier type=deal commune=epinal", ...deal },
  { line: "type=deal commune=epinal quand=hier 22h 3 guetteurs", ...dealAt22, text: "3 guetteurs" },
  {
    line: "type=deal commune=epinal quand=il y a 1h30 sur place",
    ...deal,
    at: "2026-11-26T18:37:00.000Z",
    precision: "minute",
    text: "sur place",
  },
  { line: "type=deal commune=epinal quand=ce matin vers 7h", ...deal, at: "2026-11-26T06:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=samedi soir", ...deal, at: "2026-11-21T19:00:00.000Z", precision: "minute" },
  { line: "type=deal commune=epinal quand=hier a 14 heures", ...deal, at: "2026-11-25T13:00:00.000Z", precision: "minute" },

  // ---------------------------------------------------------------- quotes and places
  {
    line: "type=deal commune=epinal quand=“hier 22h” lieu=“parking du Lidl”",
    ...dealAt22,
    place: "parking du Lidl",
    entities: [`address:${EPINAL}:parking du lidl`],
  },
  {
    line: `type=deal commune=epinal quand=«${NBSP}hier 22h${NBSP}» lieu=«${NBSP}rue de la Gare${NBSP}»`,
    ...dealAt22,
    place: "rue de la Gare",
    entities: [`address:${EPINAL}:rue de la gare`],
  },
  {
    line: "type=deal commune=epinal quand=hier lieu=‘rue de l’Église’ 2 guetteurs",
    ...deal,
    place: "rue de l’Église",
    entities: [`address:${EPINAL}:rue de l eglise`],
    text: "2 guetteurs",
  },
  {
    // iOS picks the closing quote after "="
    line: "type=deal commune=epinal quand=hier lieu=”parking du Lidl”",
    ...deal,
    place: "parking du Lidl",
    entities: [`address:${EPINAL}:parking du lidl`],
  },
  {
    line: "type=deal commune=epinal quand=hier lieu='rue de l'église'",
    ...deal,
    place: "rue de l'église",
    entities: [`address:${EPINAL}:rue de l eglise`],
  },
  { line: "type=deal commune=epinal quand=hier lieu=gare", ...deal, place: "gare", entities: [`address:${EPINAL}:gare`] },
  {
    line: "type=deal commune=epinal quand=hier lieu=parking du lidl",
    ...deal,
    place: "parking",
    entities: [`address:${EPINAL}:parking`],
    text: "du lidl",
    notes: ["guillemets"],
  },
  {
    line: 'type=deal commune=epinal quand=hier lieu="12 bis r. de la Gare"',
    ...deal,
    place: "12 bis r. de la Gare",
    entities: [`address:${EPINAL}:12 bis rue de la gare`],
  },
  {
    // the closing quote forgotten: the fields after it are still read
    line: 'type=deal commune=epinal quand=hier lieu="rue de la gare cotation=B2',
    ...deal,
    grade: "B2",
    place: "rue de la gare",
    entities: [`address:${EPINAL}:rue de la gare`],
  },
  {
    line: 'type=deal commune=epinal quand=hier adresse="3 rue Jeanne d’Arc" guetteur au 2e',
    ...deal,
    place: "3 rue Jeanne d’Arc",
    entities: [`address:${EPINAL}:3 rue jeanne d arc`],
    text: "guetteur au 2e",
  },

  // ---------------------------------------------------------------- free text
  { line: "3 guetteurs type=deal commune=epinal quand=hier", ...deal, text: "3 guetteurs" },
  {
    line: "type=deal guetteurs au pied de l'immeuble commune=epinal quand=hier vente à la sauvette",
    ...deal,
    text: "guetteurs au pied de l'immeuble vente à la sauvette",
  },
  { line: "type=deal commune=epinal quand=hier prix=10€ le gramme", ...deal, text: "prix=10€ le gramme" },
  { line: "type=deal commune=epinal quand=hier 1g=10€ 5g=40€", ...deal, text: "1g=10€ 5g=40€" },
  { line: "type=deal commune=epinal quand=hier texte=3 guetteurs devant la gare", ...deal, text: "3 guetteurs devant la gare" },
  { line: 'obs="2 individus cagoulés" type=deal commune=epinal quand=hier', ...deal, text: "2 individus cagoulés" },
  { line: "type=deal commune=epinal quand=hier x=3 sur le parking", ...deal, text: "x=3 sur le parking" },
  { line: "type=deal commune=epinal quand=hier cout=20€ la barrette", ...deal, text: "cout=20€ la barrette" },
  {
    line: "type=deal commune=epinal quand=hier contact au 06 98 76 54 32 selon la source",
    ...deal,
    entities: ["phone:+33698765432"],
    text: "contact au 06 98 76 54 32 selon la source",
  },
  {
    line: "type=livraison commune=epinal quand=hier vu 2 vl immat AB-123-CD et 567 ABC 88",
    ...deal,
    type: "livraison",
    entities: ["plate:AB-123-CD", "plate:567ABC88"],
    text: "vu 2 vl immat AB-123-CD et 567 ABC 88",
  },

  // ---------------------------------------------------------------- punctuation between fields
  { line: "type=deal, commune=epinal, quand=hier, cotation=B2, diff=cross, personnes=3.", ...deal, grade: "B2", people: 3 },
  { line: "type=deal,commune=epinal,quand=hier", ...deal },
  { line: "type=deal; commune=golbey; quand=hier 22h;", ...dealAt22, commune: GOLBEY },

  // ---------------------------------------------------------------- types
  { line: "type=Go-Fast commune=remiremont quand=hier", ...deal, type: "livraison", commune: REMIREMONT },
  { line: "type=gofast commune=remiremont quand=hier", ...deal, type: "livraison", commune: REMIREMONT },
  { line: "type=point de deal commune=golbey quand=hier", ...deal, commune: GOLBEY },
  { line: "type=stokage commune=epinal quand=hier", ...deal, type: "stockage", notes: ["Stockage"] },
  { line: "type=3 commune=epinal quand=hier", ...deal, type: "stockage" },
  { line: "type=conso commune=vittel quand=hier", ...deal, type: "consommation", commune: VITTEL },
  { line: "type=rixe commune=epinal quand=hier", ...deal, type: "violences" },
  { line: "type=reglement de comptes commune=epinal quand=hier", ...deal, type: "violences" },
  { line: "type=plantation commune=epinal quand=hier", ...deal, type: "culture" },
  { line: "type=stock 3 sacs commune=epinal quand=hier", ...deal, type: "stockage", text: "3 sacs" },
  { line: "type=Nuisances commune=epinal quand=hier", ...deal, type: "nuisances" },

  // ---------------------------------------------------------------- cotation
  { line: "type=deal commune=epinal quand=hier cotation=2B", ...deal, grade: "B2" },
  { line: "type=deal commune=epinal quand=hier cot=b2", ...deal, grade: "B2" },
  { line: "type=deal commune=epinal quand=hier cotation=B-2", ...deal, grade: "B2" },
  { line: "type=deal commune=epinal quand=hier cote=a1", ...deal, grade: "A1" },
  { line: "type=deal commune=epinal quand=hier cotation=B 2", ...deal, grade: "B2" },
  { line: "type=deal commune=epinal quand=hier grade=c/3", ...deal, grade: "C3" },
  { line: "type=deal commune=epinal quand=hier cot=A 1 recoupé", ...deal, grade: "A1", text: "recoupé" },
  { line: "type=deal commune=epinal quand=hier cotation=B2 source fiable", ...deal, grade: "B2", text: "source fiable" },
  { line: "Type=Deal Commune=Epinal Quand=Hier Cotation=F6", ...deal, grade: "F6" },

  // ---------------------------------------------------------------- diffusion
  { line: "type=deal commune=epinal quand=hier diff=restreint:douane,gir", ...deal, diffusion: "restreint:douane,gir" },
  { line: "type=deal commune=epinal quand=hier diffusion=Restreint:Douane,GIR", ...deal, diffusion: "restreint:douane,gir" },
  { line: "type=deal commune=epinal quand=hier diff=service", ...deal, diffusion: "service" },
  { line: "type=deal commune=epinal quand=hier Diffusion=Service", ...deal, diffusion: "service" },
  { line: "type=deal commune=epinal quand=hier diffusion=tous", ...deal, diffusion: "cross" },
  { line: "type=deal commune=epinal quand=hier diff=restreint douane,gir", ...deal, diffusion: "restreint:douane,gir" },
  { line: "type=deal commune=epinal quand=hier diff=restreinte:sr;gir", ...deal, diffusion: "restreint:sr,gir" },
  { line: "type=deal commune=epinal quand=hier diff=douane,gir", ...deal, diffusion: "restreint:douane,gir" },
  { line: "type=deal commune=epinal quand=hier diff=restreint:douanes", ...deal, diffusion: "restreint:douane" },
  { line: "type=deal commune=epinal quand=hier diff=restreint:douane et gir", ...deal, diffusion: "restreint:douane,gir" },
  { line: "type=deal commune=epinal quand=hier d=r:pref", ...deal, diffusion: "restreint:pref" },
  { line: "type=deal commune=epinal quand=hier diff=restreint : douane, gir", ...deal, diffusion: "restreint:douane,gir" },
  {
    line: "type=deal commune=epinal quand=hier diff=service vu par patrouille",
    ...deal,
    diffusion: "service",
    text: "vu par patrouille",
  },

  // ---------------------------------------------------------------- people
  { line: "type=deal commune=epinal quand=hier personnes=3", ...deal, people: 3 },
  { line: "type=deal commune=epinal quand=hier pers=trois", ...deal, people: 3 },
  { line: "type=deal commune=epinal quand=hier nb=12", ...deal, people: 12 },
  { line: "type=deal commune=epinal quand=hier personnes=une dizaine", ...deal, people: 10 },
  { line: "type=deal commune=epinal quand=hier individus=environ 5 en bas du bloc", ...deal, people: 5, text: "en bas du bloc" },
  { line: "type=deal commune=epinal quand=hier personne=3", ...deal, people: 3, notes: ["3 personne"] },
  { line: "type=deal commune=epinal quand=hier nombre=Deux", ...deal, people: 2 },

  // ---------------------------------------------------------------- substances
  { line: "type=deal commune=epinal quand=hier stups=shit,coke", ...deal, substances: ["cannabis", "cocaïne"] },
  { line: "type=deal commune=epinal quand=hier produit=résine", ...deal, substances: ["cannabis"] },
  { line: "type=deal commune=epinal quand=hier drogue=Héroïne", ...deal, substances: ["héroïne"] },
  {
    line: "type=deal commune=epinal quand=hier substances=cannabis substances=crack",
    ...deal,
    substances: ["cannabis", "crack"],
  },
  {
    line: "type=deal commune=epinal quand=hier substances=shit et coke 3 guetteurs",
    ...deal,
    substances: ["cannabis", "cocaïne"],
    text: "3 guetteurs",
  },
  { line: "type=deal commune=epinal quand=hier stup=beuh+coke", ...deal, substances: ["cannabis", "cocaïne"] },
  { line: "type=deal commune=epinal quand=hier drogue=Ecsta", ...deal, substances: ["MDMA / ecstasy"] },
  { line: "type=deal commune=epinal quand=hier substances=coke crack", ...deal, substances: ["cocaïne", "crack"] },
  {
    line: "type=deal commune=epinal quand=hier substances=herbe en sachets",
    ...deal,
    substances: ["cannabis"],
    text: "en sachets",
  },

  // ---------------------------------------------------------------- plates
  { line: "type=deal commune=epinal quand=hier plaque=AB-123-CD", ...deal, entities: ["plate:AB-123-CD"] },
  { line: "type=deal commune=epinal quand=hier plaque=ab 123 cd", ...deal, entities: ["plate:AB-123-CD"] },
  { line: "type=deal commune=epinal quand=hier immat=ab.123.cd", ...deal, entities: ["plate:AB-123-CD"] },
  { line: "type=deal commune=epinal quand=hier plaque=AB–123–CD", ...deal, entities: ["plate:AB-123-CD"] },
  { line: "type=deal commune=epinal quand=hier plaque=1234 AB 88", ...deal, entities: ["plate:1234AB88"] },
  { line: "type=deal commune=epinal quand=hier vl=567abc88", ...deal, entities: ["plate:567ABC88"] },
  {
    line: "type=deal commune=epinal quand=hier plaque=AB-123-CD plaque=EF-456-GH",
    ...deal,
    entities: ["plate:AB-123-CD", "plate:EF-456-GH"],
  },
  {
    line: "type=deal commune=epinal quand=hier plaques=AB-123-CD,ef456gh",
    ...deal,
    entities: ["plate:AB-123-CD", "plate:EF-456-GH"],
  },
  { line: "type=deal commune=epinal quand=hier plaque=et-123-ab", ...deal, entities: ["plate:ET-123-AB"] },
  {
    line: "type=deal commune=epinal quand=hier Véhicule=Ab 123 Cd clio grise",
    ...deal,
    entities: ["plate:AB-123-CD"],
    text: "clio grise",
  },

  // ---------------------------------------------------------------- phones
  { line: "type=deal commune=epinal quand=hier tel=0612345678", ...deal, entities: ["phone:+33612345678"] },
  {
    line: "type=deal commune=epinal quand=hier tel=06.12.34.56.78 tel=07-81-23-45-67",
    ...deal,
    entities: ["phone:+33612345678", "phone:+33781234567"],
  },
  { line: "type=deal commune=epinal quand=hier tel=+33 6 12 34 56 78", ...deal, entities: ["phone:+33612345678"] },
  { line: "type=deal commune=epinal quand=hier tel=+33612345678", ...deal, entities: ["phone:+33612345678"] },
  { line: "type=deal commune=epinal quand=hier tel=0033612345678", ...deal, entities: ["phone:+33612345678"] },
  {
    line: "type=deal commune=epinal quand=hier tel=+32 470 12 34 56 numéro belge",
    ...deal,
    entities: ["phone:+32470123456"],
    text: "numéro belge",
  },
  { line: "type=deal commune=epinal quand=hier gsm=+32470123456", ...deal, entities: ["phone:+32470123456"] },
  { line: "type=deal commune=epinal quand=hier portable=+33(0)6 12 34 56 78", ...deal, entities: ["phone:+33612345678"] },
  {
    line: "type=deal commune=epinal quand=hier tel=0612345678/0781234567",
    ...deal,
    entities: ["phone:+33612345678", "phone:+33781234567"],
  },
  { line: "type=deal commune=epinal quand=hier tél=03 29 82 12 34", ...deal, entities: ["phone:+33329821234"] },

  // ---------------------------------------------------------------- persons
  {
    line: "type=deal commune=epinal quand=hier personne=“LEBON Kevin dit Le Gitan”",
    ...deal,
    entities: ["person:lebon kevin dit le gitan"],
  },
  { line: "type=deal commune=epinal quand=hier alias=Bibi", ...deal, entities: ["person:bibi"] },
  { line: "type=deal commune=epinal quand=hier individu=“N’Diaye Moussa”", ...deal, entities: ["person:n'diaye moussa"] },
  {
    line: 'type=deal commune=epinal quand=hier nom="Dupont" nom="Martin"',
    ...deal,
    entities: ["person:dupont", "person:martin"],
  },
  {
    line: "type=deal commune=epinal quand=hier suspect=« El Padre » surnom=‘Le Chinois’",
    ...deal,
    entities: ["person:el padre", "person:le chinois"],
  },

  // ---------------------------------------------------------------- everything at once, any order
  {
    line: "3 jeunes encagoulés quand=“cette nuit” cot=C3 Commune=St Dié diff=restreint:sr,gir type=deal plaque=GH-789-JK tel=07 81 23 45 67 personnes=3 stups=coke",
    type: "point_de_deal",
    commune: ST_DIE,
    at: "2026-11-26T01:00:00.000Z",
    precision: "minute",
    grade: "C3",
    diffusion: "restreint:sr,gir",
    people: 3,
    substances: ["cocaïne"],
    entities: ["plate:GH-789-JK", "phone:+33781234567"],
    text: "3 jeunes encagoulés",
    notes: ["Saint-Dié-des-Vosges"],
  },
  {
    line: "Type=Go fast Commune=Vittel Quand=Avant-hier 3h Plaque=1234 AB 88 Tel=+32 470 12 34 56 Stups=Shit Personne=“X dit Le Belge” Diff=Service Cotation=b3",
    type: "livraison",
    commune: VITTEL,
    at: "2026-11-24T02:00:00.000Z",
    precision: "minute",
    grade: "B3",
    diffusion: "service",
    substances: ["cannabis"],
    entities: ["plate:1234AB88", "phone:+32470123456", "person:x dit le belge"],
  },
];

const bad: Bad[] = [
  // ---------------------------------------------------------------- communes
  {
    // 88160 is Épinal's INSEE code and Le Thillot's postal code: the bot asks rather than guesses.
    line: "type=deal commune=88160 quand=hier",
    problems: { commune: ["code postal", "Épinal"] },
    understood: { type: "point_de_deal", at: HIER },
  },
  {
    line: "type=deal commune=paris quand=hier",
    problems: { commune: ["paris", "Vosges"] },
    understood: { type: "point_de_deal", at: HIER },
  },
  { line: "type=deal commune=nancy quand=hier 22h", problems: { commune: ["nancy", "Vosges"] }, understood: { at: HIER_22H } },
  { line: "type=deal commune=saint quand=hier", problems: { commune: ["ambiguë", "Saint-Dié-des-Vosges"] } },
  { line: "type=deal commune=raon quand=hier", problems: { commune: ["ambiguë", "Raon-l'Étape", "Raon-aux-Bois"] } },
  { line: "type=deal commune=saulxures quand=hier", problems: { commune: ["Saulxures-sur-Moselotte"] } },
  { line: "type=deal commune=88000 quand=hier", problems: { commune: ["code postal", "Épinal"] } },
  { line: "type=deal commune=girmont quand=hier", problems: { commune: ["Girmont-Val-d'Ajol", "Thaon-les-Vosges"] } },
  {
    line: "commune= quand=hier type=deal",
    problems: { commune: ["vide", "commune=epinal"] },
    understood: { type: "point_de_deal", at: HIER },
  },
  {
    line: "type=deal commune=epinal commune=golbey quand=hier",
    problems: { commune: ["deux fois"] },
    understood: { commune: EPINAL },
  },

  // ---------------------------------------------------------------- dates
  { line: "type=deal commune=epinal quand=demain", problems: { when: ["demain", "hier 22h"] } },
  { line: "type=deal commune=epinal quand=28/11", problems: { when: ["28/11", "futur"] } },
  { line: "type=deal commune=epinal quand=30/11/2026 22h", problems: { when: ["futur"] } },
  { line: "type=deal commune=epinal quand=31/02", problems: { when: ["31/02", "impossible"] } },
  { line: "type=deal commune=epinal quand=hier 25h", problems: { when: ["hier 25h", "impossible"] } },
  { line: "type=deal commune=epinal quand=12/11/2024", problems: { when: ["365 jours"] } },
  { line: "type=deal commune=epinal quand=", problems: { when: ["vide", 'quand="hier 22h"'] } },
  { line: "type=deal commune=epinal quand=hier quand=lundi", problems: { when: ["deux fois"] }, understood: { at: HIER } },

  // ---------------------------------------------------------------- types
  { line: "type=braquage commune=epinal quand=hier", problems: { type: ["braquage", "Point de deal", "type=deal"] } },
  { line: "type=12 commune=epinal quand=hier", problems: { type: ["« 12 »", "9. Autre"] } },
  { line: "type= commune=epinal quand=hier", problems: { type: ["vide", "type=deal"] }, understood: { commune: EPINAL } },
  {
    line: "type=deal type=stockage commune=epinal quand=hier",
    problems: { type: ["deux fois"] },
    understood: { type: "point_de_deal" },
  },

  // ---------------------------------------------------------------- cotation
  { line: "type=deal commune=epinal quand=hier cotation=G2", problems: { grade: ["G2", "A–F", "cotation=B2"] } },
  { line: "type=deal commune=epinal quand=hier cotation=B7", problems: { grade: ["B7", "1–6"] } },
  { line: "type=deal commune=epinal quand=hier cotation=B", problems: { grade: ["« B »"] } },
  { line: "type=deal commune=epinal quand=hier cot=", problems: { grade: ["vide", "cotation=B2"] } },
  { line: "type=deal commune=epinal quand=hier cotation=fiable", problems: { grade: ["fiable"] } },

  // ---------------------------------------------------------------- diffusion
  { line: "type=deal commune=epinal quand=hier diff=restreint:police", problems: { diffusion: ["police", "douane", "gir"] } },
  { line: "type=deal commune=epinal quand=hier diff=restreint:gendarmerie,gir", problems: { diffusion: ["gendarmerie", "ggd"] } },
  { line: "type=deal commune=epinal quand=hier diffusion=secret", problems: { diffusion: ["secret", "restreint:douane,gir"] } },
  { line: "type=deal commune=epinal quand=hier diff=restreint", problems: { diffusion: ["précisez", "restreint:douane,gir"] } },

  // ---------------------------------------------------------------- misspelled keys
  { line: "type=deal comune=epinal quand=hier", problems: { inconnu: ["comune", "« commune »"], commune: ["manque"] } },
  { line: "tipe=deal commune=epinal quand=hier", problems: { inconnu: ["tipe", "« type »"], type: ["manque"] } },
  { line: "type=deal commune=epinal qand=hier 22h", problems: { inconnu: ["qand", "« quand »"], when: ["manque"] } },
  { line: "type=deal commune=epinal quand=hier cotaton=B2", problems: { inconnu: ["cotaton", "« cotation »"] } },
  { line: "type=deal commune=epinal quand=hier tell=0612345678", problems: { inconnu: ["tell", "« tel »"] } },
  { line: 'type=deal commune=epinal quand=hier lieux="la gare"', problems: { inconnu: ["lieux", "« lieu »"] } },
  { line: "type=deal commune=epinal quand=hier diffussion=service", problems: { inconnu: ["diffussion", "« diffusion »"] } },

  // ---------------------------------------------------------------- missing required fields
  {
    line: "3 guetteurs devant la gare",
    problems: { type: ["manque", "type=deal"], commune: ["manque", "commune=epinal"], when: ["manque", "quand="] },
    understood: { text: "3 guetteurs devant la gare" },
  },
  { line: "", problems: { type: ["manque"], commune: ["manque"], when: ["manque"] } },
  { line: "type=deal commune=epinal", problems: { when: ["manque", 'quand="hier 22h"'] } },
  {
    line: "commune=golbey quand=hier 22h 3 guetteurs",
    problems: { type: ["manque"] },
    understood: { commune: GOLBEY, at: HIER_22H, text: "3 guetteurs" },
  },
  { line: "type=deal quand=hier lieu=gare", problems: { commune: ["manque"] } },

  // ---------------------------------------------------------------- entities and counts
  { line: "type=deal commune=epinal quand=hier tel=612345678", problems: { phone: ["ambigu", "06 12 34 56 78"] } },
  { line: "type=deal commune=epinal quand=hier tel=0612345", problems: { phone: ["0612345", "non reconnu"] } },
  { line: "type=deal commune=epinal quand=hier plaque=AB123", problems: { plate: ["AB123", "AB-123-CD"] } },
  { line: "type=deal commune=epinal quand=hier personnes=beaucoup", problems: { people: ["beaucoup", "personnes=3"] } },
  { line: "type=deal commune=epinal quand=hier personnes=3-4", problems: { people: ["3-4"] } },
  { line: 'type=deal commune=epinal quand=hier lieu=""', problems: { place: ["vide"] } },
  { line: "type=deal commune=epinal quand=hier personne=“ ”", problems: { person: ["vide"] } },

  // ---------------------------------------------------------------- several at once
  {
    line: "type=dael commune=paris quand=demain cotation=Z9",
    problems: { commune: ["paris"], when: ["demain"], grade: ["Z9"] },
    understood: { type: "point_de_deal" },
  },
  {
    line: "type=vol commune=st quand=32/13 diff=restreint:bac",
    problems: { type: ["vol"], commune: ["ambiguë"], when: ["impossible"], diffusion: ["bac"] },
  },
];

/** A French message: words of French, nothing from a stack trace or a missing value. */
function expectFrench(message: string): void {
  expect(message.trim()).not.toBe("");
  expect(message).toMatch(
    /(?<!\p{L})(?:le|la|les|de|du|des|un|une|ex|exemples?|inconnue?s?|manque|vide|comprise?|ambiguë|ambigu|précisez|impossible|futur|vouliez-vous|donnée?|choix|services?|remonte|reconnue?|défaut)(?!\p{L})/iu,
  );
  expect(message).not.toMatch(/undefined|\bnull\b|NaN|\[object|Error|TypeError|\bexpected\b/);
}

function entitiesOf(draft: ReportDraft): string[] {
  return (draft.entities ?? []).map((e) => `${e.kind}:${e.value}`).sort();
}

describe("parseReportLine: lines officers type", () => {
  it("has enough lines, and enough bad ones", () => {
    expect(good.length + bad.length).toBeGreaterThanOrEqual(110);
    expect(bad.length).toBeGreaterThanOrEqual(25);
    expect(new Set([...good, ...bad].map((c) => c.line)).size).toBe(good.length + bad.length);
  });

  it.each(good)("$line", (c) => {
    const { draft, problems, notes } = parseReportLine(c.line, ctx);
    expect(problems).toEqual([]);
    expect(draft.type).toBe(c.type);
    expect(draft.commune?.code).toBe(c.commune);
    expect(draft.observedAt).toBe(c.at);
    if (c.precision) expect(draft.observedPrecision).toBe(c.precision);
    expect(draft.grade && gradeCode(draft.grade)).toBe(c.grade ?? "F6");
    expect(draft.diffusion && diffusionCode(draft.diffusion)).toBe(c.diffusion ?? "cross");
    expect(draft.place).toBe(c.place ?? null);
    expect(draft.substances).toEqual(c.substances ?? []);
    expect(draft.peopleCount).toBe(c.people ?? null);
    expect(entitiesOf(draft)).toEqual([...(c.entities ?? [])].sort());
    expect(draft.text).toBe(c.text ?? "");
    for (const hint of c.notes ?? []) expect(notes.join("\n")).toContain(hint);
    for (const note of notes) expectFrench(note);
  });

  it.each(bad)("refused: $line", (c) => {
    const { draft, problems } = parseReportLine(c.line, ctx);
    expect(new Set(problems.map((p) => p.field))).toEqual(new Set(Object.keys(c.problems)));
    for (const problem of problems) {
      expectFrench(problem.message);
      for (const hint of c.problems[problem.field] ?? []) expect(problem.message).toContain(hint);
    }
    const u = c.understood ?? {};
    if (u.type !== undefined) expect(draft.type).toBe(u.type);
    if (u.commune !== undefined) expect(draft.commune?.code).toBe(u.commune);
    if (u.at !== undefined) expect(draft.observedAt).toBe(u.at);
    if (u.text !== undefined) expect(draft.text).toBe(u.text);
  });
});

describe("parseFieldsOnto: !maj and the guided dialogue", () => {
  const base = parseReportLine(
    'type=deal commune=epinal quand="hier 22h" plaque=AB-123-CD tel=0612345678 cotation=B2',
    ctx,
  ).draft;

  it("replaces the fields given and keeps the others", () => {
    const { draft, problems, given } = parseFieldsOnto("commune=st die cotation=A1 personnes=4", base, ctx);
    expect(problems).toEqual([]);
    expect([...given].sort()).toEqual(["commune", "grade", "people"]);
    expect(draft.commune?.code).toBe(ST_DIE);
    expect(draft.grade && gradeCode(draft.grade)).toBe("A1");
    expect(draft.peopleCount).toBe(4);
    expect(draft.observedAt).toBe(HIER_22H);
    expect(entitiesOf(draft)).toEqual(["phone:+33612345678", "plate:AB-123-CD"]);
  });

  it("replaces the plates when plates are given, and appends free text", () => {
    const { draft } = parseFieldsOnto("plaque=ef 456 gh revu ce soir", base, ctx);
    expect(entitiesOf(draft)).toEqual(["phone:+33612345678", "plate:EF-456-GH"]);
    expect(draft.text).toBe("revu ce soir");
  });

  it("reads personne=3 as a head count and keeps the persons already designated", () => {
    const withPerson = parseFieldsOnto("personne=“LEBON Kevin”", base, ctx).draft;
    const { draft, problems, notes } = parseFieldsOnto("personne=3", withPerson, ctx);
    expect(problems).toEqual([]);
    expect(draft.peopleCount).toBe(3);
    expect(entitiesOf(draft)).toEqual(["person:lebon kevin", "phone:+33612345678", "plate:AB-123-CD"]);
    expect(notes.join(" ")).toContain("3 personne");
  });

  it("joins a date and a time given as two fields", () => {
    const { draft, problems } = parseFieldsOnto("date=24/11 heure=6h30", base, ctx);
    expect(problems).toEqual([]);
    expect(draft.observedAt).toBe("2026-11-24T05:30:00.000Z");
  });

  it("reports problems in French without losing the draft", () => {
    const { draft, problems } = parseFieldsOnto("commune=paris quand=demain", base, ctx);
    expect(problems.map((p) => p.field).sort()).toEqual(["commune", "when"]);
    for (const p of problems) expectFrench(p.message);
    expect(draft.commune?.code).toBe(EPINAL);
    expect(draft.observedAt).toBe(HIER_22H);
  });
});
