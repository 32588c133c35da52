import { z } from "zod";
import { COORDINATOR_ONLY, defineCommand } from "../core/command.js";
import { formatLocal } from "../core/fr/when.js";
import { code, line, message, type Message } from "../core/message.js";
import { parseFutureWhen } from "../core/rhythm/future-date.js";
import type { WithRhythm } from "../app/rhythm/deps.js";

type MeetingResult = { ok: boolean; message: Message };

export const reunion = defineCommand({
  name: "reunion",
  aliases: ["meeting"],
  summary: "Programme la prochaine réunion de la cellule (coordinateur).",
  details: ["Ex. !reunion 15/12 14h salle du COB"],
  roles: COORDINATOR_ONLY,
  params: [{ name: "date", description: "date et heure, puis le lieu", rest: true }],
  schema: z.object({ date: z.string() }),
  async execute(invocation, deps: WithRhythm): Promise<MeetingResult> {
    const { rhythm } = deps;
    const tz = rhythm.context(invocation.sentAt).timeZone;
    const words = invocation.rawArgs.trim().split(/\s+/);
    // The longest run of leading words that reads as a date; the rest is the place.
    for (let n = Math.min(4, words.length); n > 0; n--) {
      const when = parseFutureWhen(words.slice(0, n).join(" "), invocation.sentAt, tz, 14);
      if (!when.ok) continue;
      const place = words.slice(n).join(" ").trim() || null;
      const meeting = await rhythm.rhythm.addMeeting(
        when.at,
        place,
        invocation.sender.userId,
        invocation.sentAt,
        invocation.eventId,
      );
      return {
        ok: true,
        message: message(
          line(`📅 Réunion n°${meeting.id} programmée le ${formatLocal(new Date(meeting.at), tz)}${place ? `, ${place}` : ""}.`),
          line(
            "L'ordre du jour sera publié dans le salon de coordination avant la réunion ; ",
            code("!agenda"),
            " le montre dès maintenant.",
          ),
        ),
      };
    }
    const why = parseFutureWhen(words.slice(0, 2).join(" "), invocation.sentAt, tz, 14);
    return {
      ok: false,
      message: message(
        line(why.ok ? `Date non comprise : « ${invocation.rawArgs} ».` : why.error),
        line("Ex. !reunion 15/12 14h salle du COB"),
      ),
    };
  },
  render: (result: MeetingResult) => result.message,
  verdict: (result: MeetingResult) => (result.ok ? "ok" : "ko"),
});
