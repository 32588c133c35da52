import { formatLocal } from "../core/fr/when.js";
import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand, type Invocation } from "../core/command.js";
import { code, line, message, type Message } from "../core/message.js";
import { parseFutureWhen } from "../core/rhythm/future-date.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import { placeLabel, type StrategyCommandDeps } from "./strategie-shared.js";

export type AdopterResult = { ok: boolean; message: Message };

/** A list older than this is shown again before a number in it is adopted (the ranking moves). */
const SHOWN_TTL = 7 * 86_400_000;

const fail = (...text: Parameters<typeof line>): AdopterResult => ({ ok: false, message: message(line(...text)) });

/**
 * `!strategie adopter <n°> <service> <échéance>`: proposal n° of the last list shown in this room
 * becomes an action for the service (reminders as for `!action`), linked to the place, and keeps
 * its before figures for the assessment at a later meeting. Coordinator only.
 */
export async function adopter(
  invocation: Invocation<unknown>,
  words: string[],
  deps: StrategyCommandDeps & { rhythm: RhythmDeps },
): Promise<AdopterResult> {
  const { rhythm } = deps;
  const { store, timeZone } = deps.strategy;
  if (invocation.sender.kind !== "coordinator") return fail("Seul le coordinateur adopte une proposition de stratégie.");
  const [numberWord = "", serviceWord = "", ...rest] = words;
  const example = code("!strategie adopter 1 ddsp 15/01");
  const rank = /^n?°?(\d{1,2})$/i.exec(numberWord)?.[1];
  if (!rank) return fail("Précisez le n° de la proposition, le service et l'échéance, ex. ", example, ".");
  const shown = await store.lastShown(invocation.roomKey);
  if (!shown || invocation.sentAt - shown.at > SHOWN_TTL)
    return fail("Tapez d'abord ", code("!strategie"), " dans ce salon : le n° renvoie à sa dernière liste.");
  const proposal = shown.proposals.find((p) => p.rank === Number(rank));
  if (!proposal)
    return fail(
      `Pas de proposition n°${rank} dans la dernière liste (${shown.proposals.length === 0 ? "vide" : `n° 1 à ${shown.proposals.length}`}).`,
    );
  const service = serviceWord.toLowerCase();
  if (!rhythm.services.includes(service))
    return fail(`Service inconnu « ${serviceWord} ». Services : ${rhythm.services.join(", ")}. Ex. `, example, ".");
  const due = longestDate(rest, invocation.sentAt, timeZone);
  if (!due) return fail("Échéance non comprise (une date à venir), ex. ", example, " ou « dans 30 jours ».");
  const where = placeLabel(proposal.nom, proposal.place);
  const levers = proposal.levers.length > 0 ? ` — leviers : ${proposal.levers.join(" ; ")}` : "";
  const next = (await rhythm.rhythm.upcoming(invocation.sentAt, 1))[0] ?? (await rhythm.rhythm.lastHeld(invocation.sentAt));
  const action = await rhythm.rhythm.addAction({
    service,
    due,
    text: `Stratégie : agir sur ${where}${levers}`,
    ref: null,
    meetingId: next?.id ?? null,
    by: invocation.sender.userId,
    now: invocation.sentAt,
    eventId: invocation.eventId,
  });
  const adopted = await store.adopt({
    actionId: action.id,
    roomKey: invocation.roomKey,
    proposal,
    service,
    by: invocation.sender.userId,
    now: invocation.sentAt,
    eventId: invocation.eventId,
  });
  return {
    ok: true,
    message: message(
      line(
        `✅ Proposition ${proposal.rank} adoptée (stratégie n°${adopted.id}) : action n°${action.id} pour ${service} — échéance ${formatLocal(new Date(action.due), timeZone)}.`,
      ),
      line(`Avant : ${proposal.current} fait${proposal.current > 1 ? "s" : ""} à ${proposal.nom} (${proposal.periodLabel}).`),
      line("Bilan avant/après à l'ordre du jour des prochaines réunions ; close l'action avec ", code(`!fait ${action.id}`), "."),
    ),
  };
}

/** The longest run of up to 4 words that reads as a future date. */
function longestDate(words: string[], now: number, timeZone: string): number | null {
  for (let n = Math.min(4, words.length); n > 0; n--) {
    const due = parseFutureWhen(words.slice(0, n).join(" "), now, timeZone, 18);
    if (due.ok) return due.at;
  }
  return null;
}

/** `!strategie adopter …` as a sub-verb of `!strategie`. */
export const strategieAdopter = defineCommand({
  name: "adopter",
  aliases: ["adopte", "adoptez", "adopt"],
  summary: "La proposition n° de la dernière liste devient une action du service (rappels, bilan avant/après) (coordinateur).",
  details: ["Ex. !strategie adopter 1 ddsp 15/01"],
  roles: COORDINATOR_ONLY,
  params: [
    { name: "n°", description: "numéro de la proposition" },
    { name: "service", description: "service chargé de l'action" },
    { name: "échéance", description: "date à venir", rest: true },
  ],
  schema: z.object({ "n°": z.string(), service: z.string(), échéance: z.string() }),
  execute: (invocation, deps: StrategyCommandDeps & { rhythm: RhythmDeps }) =>
    adopter(invocation, invocation.rawArgs.trim().split(/\s+/), deps),
  render: (result: AdopterResult) => result.message,
  verdict: (result: AdopterResult) => (result.ok ? "ok" : "ko"),
});
