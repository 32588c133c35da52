import { z } from "zod";
import { MEMBER_ROLES, defineCommand, type Reply } from "../core/command.js";
import { bullets, em, type Inline, line, message, type Message, strong } from "../core/message.js";
import type { FactType } from "../core/report/fact-types.js";
import { MIN_FACTS } from "../core/territory/compare.js";
import { HOT_SPOT_MIN } from "../core/territory/hotspots.js";
import { parseTerritoryRequest } from "../core/territory/request.js";
import type { MapData } from "../core/territory/types.js";
import { periodSpan, renderMap } from "../territory/render.js";
import type { Territory } from "../territory/service.js";

export interface TerritoryCommandDeps {
  territory: Territory;
  territoryContext: { timeZone: string; types: readonly FactType[] };
}

type MapResult = { ok: false; problems: string[] } | { ok: true; data: MapData; guessed: string[] };

const SHOWN = 5;
const SCALE_PLURAL = { commune: "communes", canton: "cantons", arrondissement: "arrondissements" } as const;
const s = (n: number) => (n > 1 ? "s" : "");

export const carte = defineCommand({
  name: "carte",
  aliases: ["map", "cartographie"],
  summary: "Carte des renseignements que ce salon peut voir, par commune, canton ou arrondissement (image et résumé).",
  details: [
    "Période : 30j (défaut), 7j, mois, trimestre, depuis 01/09. Types : deal, stockage… Échelle : commune (défaut), canton, arrondissement.",
    `« comparer » : évolution contre la période précédente de même durée ; hausse ou baisse seulement si le test exact le permet (au moins ${MIN_FACTS} faits).`,
    "Ex. !carte 7j deal canton · !carte trimestre comparer",
  ],
  // Not for referents: a matter room sees its grants only, never a map of the département.
  roles: MEMBER_ROLES,
  params: [{ name: "options", description: "période, types, échelle, comparer", optional: true, rest: true }],
  schema: z.object({ options: z.string().optional() }),
  async execute(invocation, deps: TerritoryCommandDeps): Promise<MapResult> {
    const { timeZone, types } = deps.territoryContext;
    const parsed = parseTerritoryRequest(invocation.rawArgs, invocation.sentAt, timeZone, types);
    if (!parsed.ok) return { ok: false, problems: parsed.problems };
    const data = await deps.territory.map(invocation.roomKey, parsed.request);
    return { ok: true, data, guessed: parsed.request.guessed };
  },
  render: (result: MapResult): Reply =>
    result.ok
      ? { message: mapText(result.data, result.guessed), images: [renderMap(result.data)] }
      : { message: problemsText("carte", result.problems) },
  verdict: (result: MapResult) => (result.ok ? "ok" : "ko"),
});

export function problemsText(command: string, problems: readonly string[]): Message {
  return message(
    line(`Je n'ai pas compris !${command} :`),
    bullets(problems.map((p) => [p])),
    line(em(`Ex. !${command} 30j deal canton · !${command} trimestre comparer`)),
  );
}

/** The companion of the image: what a phone shows without downloading the picture. */
export function mapText(data: MapData, guessed: readonly string[] = []): Message {
  const types = data.typeLabels.length > 0 ? data.typeLabels.join(", ") : "tous types";
  const blocks = [
    line(strong(`🗺️ Carte par ${data.scale} — ${data.period.label}`), ` (${periodSpan(data.period, data.timeZone)}), ${types}.`),
    line(
      `Ce salon voit ${data.total} renseignement${s(data.total)} sur la période`,
      ` (période précédente : ${data.previousTotal}).`,
    ),
  ];
  if (guessed.length > 0) blocks.push(line(em(`Compris : ${guessed.join(", ")}.`)));
  if (data.total === 0 && !data.compare) {
    blocks.push(line(`Aucun fait sur la période : toutes les ${SCALE_PLURAL[data.scale]} sont à 0.`));
  }
  if (data.compare) {
    const up = data.units.filter((u) => u.trend === "hausse");
    const down = data.units.filter((u) => u.trend === "baisse");
    const few = data.units.filter((u) => u.trend === "trop peu de faits" && u.current + u.previous > 0).length;
    const change = (u: MapData["units"][number]): Inline[] => [`${u.nom} : ${u.previous} → ${u.current}`];
    if (up.length > 0) blocks.push(line(strong("Hausse significative :")), bullets(up.map(change)));
    if (down.length > 0) blocks.push(line(strong("Baisse significative :")), bullets(down.map(change)));
    if (up.length + down.length === 0) blocks.push(line("Aucune hausse ni baisse significative (test exact, FDR 5 %)."));
    if (few > 0)
      blocks.push(
        line(
          `${few} ${few > 1 ? SCALE_PLURAL[data.scale] : data.scale} : trop peu de faits pour conclure (moins de ${MIN_FACTS} sur les deux périodes).`,
        ),
      );
  } else if (data.total > 0) {
    const top = data.units
      .filter((u) => u.current > 0)
      .sort((a, b) => b.current - a.current || a.nom.localeCompare(b.nom, "fr"))
      .slice(0, SHOWN);
    blocks.push(
      line(strong(data.scale === "commune" ? "Les plus concernées :" : "Les plus concernés :")),
      bullets(top.map((u) => [`${u.nom} : ${u.current}`])),
    );
  }
  if (data.hotSpots.length > 0) {
    blocks.push(
      line(
        strong(`Points chauds (${HOT_SPOT_MIN} faits ou plus) : `),
        data.hotSpots
          .slice(0, SHOWN)
          .map((u) => `${u.nom} (${u.current})`)
          .join(", "),
        data.hotSpots.length > SHOWN ? "…" : "",
      ),
    );
  }
  if (data.places.length > 0) {
    blocks.push(
      line(strong("Lieux répétés : ")),
      bullets(data.places.slice(0, SHOWN).map((p) => [`${p.display} (${p.nom}) : ${p.n} faits`])),
    );
  }
  if (data.relocations.length > 0) {
    blocks.push(
      line(strong("Faits nouveaux près d'un point chaud récent (déplacement possible) :")),
      bullets(
        data.relocations
          .slice(0, SHOWN)
          .map((r) => [
            `${r.nom} : ${r.previous} → ${r.current}, voisine de ${r.near.map((n) => `${n.nom} (${n.previous} la période précédente)`).join(", ")}`,
          ]),
      ),
    );
  }
  blocks.push(line(em("Carte en image dans ce fil. Contours : IGN Admin Express, Licence Ouverte.")));
  return message(...blocks);
}
