import { z } from "zod";
import { defineCommand, MEMBER_ROLES, type Reply } from "../core/command.js";
import { line, message, type Message } from "../core/message.js";
import { parsePeriod, previousPeriod } from "../core/rhythm/period.js";
import type { TwoPart } from "../core/rhythm/types.js";
import type { WithRhythm } from "../app/rhythm/deps.js";
import { digestFor } from "../app/rhythm/digest-for.js";

type DigestResult = { ok: false; error: string } | { ok: true; digest: TwoPart<Message> };

export const digest = defineCommand({
  name: "synthese",
  aliases: ["digest", "resume"],
  summary:
    "Synthèse de ce que ce salon peut voir sur une période : nouveaux renseignements, points chauds, rapprochements, actions.",
  details: ["Périodes : 24h (défaut), 7j, semaine, mois, depuis 12/11. Le détail suit dans le fil."],
  roles: MEMBER_ROLES,
  params: [{ name: "période", description: "24h, 7j, semaine, depuis 12/11…", optional: true, rest: true }],
  schema: z.object({ période: z.string().optional() }),
  async execute(invocation, deps: WithRhythm): Promise<DigestResult> {
    const ctx = deps.rhythm.context(invocation.sentAt);
    const parsed = parsePeriod(invocation.rawArgs, invocation.sentAt, ctx.timeZone);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    return {
      ok: true,
      digest: await digestFor(invocation.roomKey, parsed.period, previousPeriod(parsed.period), deps.rhythm, ctx, null),
    };
  },
  render: (result: DigestResult): Reply =>
    result.ok ? { message: result.digest.headline, more: [result.digest.detail] } : { message: message(line(result.error)) },
  verdict: (result: DigestResult) => (result.ok ? "ok" : "ko"),
});
