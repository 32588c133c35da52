import { bullets, em, line, message, type Message, strong } from "../core/message.js";
import { formatLocal } from "../core/fr/when.js";
import { renderMap } from "./render.js";
import type { Territory } from "./service.js";
import type { OutboundImage } from "../matrix/transport.js";

/**
 * The map carried by the agenda before a meeting: what `roomKey` may see since the last meeting
 * (30 days when none was held), against the period of the same length before, with the communes
 * whose change the exact test supports.
 */
export async function meetingMap(
  territory: Territory,
  roomKey: string,
  since: number,
  now: number,
  timeZone: string,
): Promise<{ message: Message; image: OutboundImage }> {
  const data = await territory.map(roomKey, {
    period: { from: since, to: now, label: `depuis le ${formatLocal(new Date(since), timeZone)}` },
    types: [],
    scale: "commune",
    compare: true,
  });
  const flagged = data.units.filter((u) => u.trend === "hausse" || u.trend === "baisse");
  const image = renderMap(data);
  return {
    image: { ...image, name: "carte-reunion.png" },
    message: message(
      line(
        strong("🗺️ Carte de la période depuis la dernière réunion"),
        ` : ${data.total} renseignement${data.total > 1 ? "s" : ""} (période précédente : ${data.previousTotal}).`,
      ),
      ...(flagged.length > 0
        ? [
            line(strong("Communes en hausse ou en baisse significative :")),
            bullets(flagged.map((u) => [`${u.nom} : ${u.previous} → ${u.current} (${u.trend})`])),
          ]
        : [line("Aucune commune en hausse ou en baisse significative (test exact, FDR 5 %).")]),
      line(em("Détail : !carte, !tendances.")),
    ),
  };
}
