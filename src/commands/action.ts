import { z } from "zod";
import { defineCommand, MEMBER_ROLES } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { code, line, message, type Message } from "../core/message.js";
import { parseFutureWhen } from "../core/rhythm/future-date.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type ActionResult = { ok: boolean; message: Message };

const REF = /\b\d{2,3}-\d{4}-\d{4,}\b/;

export const action = defineCommand({
  name: "action",
  aliases: ["suivi", "todo"],
  summary:
    "Crée une action de suivi pour un service avec une échéance (le coordinateur pour tout service, un officier pour le sien).",
  details: [
    "Ex. !action douane 15/12 vérifier le véhicule AB-123-CD (88-2026-40317) — rappels avant l'échéance et en cas de retard.",
  ],
  roles: MEMBER_ROLES,
  params: [
    { name: "service", description: "clé du service responsable, ex. douane" },
    { name: "échéance", description: "ex. 15/12, vendredi, dans 7 jours" },
    { name: "texte", description: "ce qu'il faut faire", rest: true },
  ],
  schema: z.object({ service: z.string(), échéance: z.string(), texte: z.string() }),
  async execute(invocation, deps: WithRhythm): Promise<ActionResult> {
    const { rhythm, capture } = deps;
    const tz = rhythm.context(invocation.sentAt).timeZone;
    const words = invocation.rawArgs.trim().split(/\s+/);
    const service = (words[0] ?? "").toLowerCase();
    if (!rhythm.services.includes(service)) {
      return {
        ok: false,
        message: message(line(`Service inconnu « ${words[0] ?? ""} ». Services : ${rhythm.services.join(", ")}.`)),
      };
    }
    const sender = invocation.sender;
    if (sender.kind === "officer" && sender.service.key !== service) {
      return {
        ok: false,
        message: message(line("Un officier crée des actions pour son propre service ; le coordinateur pour tous.")),
      };
    }
    // The due date is the longest run of words after the service that reads as a date.
    for (let n = Math.min(4, words.length - 2); n > 0; n--) {
      const due = parseFutureWhen(words.slice(1, 1 + n).join(" "), invocation.sentAt, tz, 18);
      if (!due.ok) continue;
      const text = words
        .slice(1 + n)
        .join(" ")
        .trim();
      if (text.length < 3) break;
      const ref = REF.exec(text)?.[0] ?? null;
      const linked = ref ? await capture.reports.byRef(ref) : undefined;
      if (
        ref &&
        (!linked || !capture.roomMaySee({ service: linked.service, diffusion: linked.fields.diffusion }, invocation.roomKey))
      ) {
        return { ok: false, message: message(line(`Aucun renseignement ${ref} accessible depuis ce salon.`)) };
      }
      // The reminders go to the owner service's room: it must be entitled to the report named.
      const ownerRoom = rhythm.serviceRoom(service);
      if (
        linked &&
        (!ownerRoom || !capture.roomMaySee({ service: linked.service, diffusion: linked.fields.diffusion }, ownerRoom))
      ) {
        return {
          ok: false,
          message: message(
            line(`Le service ${service} n'a pas accès à ${linked.ref} : élargissez sa diffusion ou retirez la référence.`),
          ),
        };
      }
      const next = (await rhythm.rhythm.upcoming(invocation.sentAt, 1))[0] ?? (await rhythm.rhythm.lastHeld(invocation.sentAt));
      const created = await rhythm.rhythm.addAction({
        service,
        due: due.at,
        text,
        ref,
        meetingId: next?.id ?? null,
        by: sender.userId,
        now: invocation.sentAt,
        eventId: invocation.eventId,
      });
      return {
        ok: true,
        message: message(
          line(
            `✅ Action n°${created.id} pour ${service} — échéance ${formatLocal(new Date(created.due), tz)} : ${created.text}`,
          ),
          line(
            "Close avec ",
            code(`!fait ${created.id}`),
            " ; rappels dans le salon du service avant l'échéance et en cas de retard.",
          ),
        ),
      };
    }
    return {
      ok: false,
      message: message(
        line(`Échéance non comprise. Ex. !action ${service} 15/12 vérifier le véhicule (une date à venir, puis le texte).`),
      ),
    };
  },
  render: (result: ActionResult) => result.message,
  verdict: (result: ActionResult) => (result.ok ? "ok" : "ko"),
});
