import { z } from "zod";
import { ALL_ROLES, defineCommand } from "../core/command.js";
import { code, line, message } from "../core/message.js";

export interface PingDeps {
  now: () => number;
}

export const ping = defineCommand({
  name: "ping",
  aliases: [],
  summary: "Vérifie que le bot répond (et en combien de temps).",
  roles: ALL_ROLES,
  params: [],
  schema: z.object({}),
  execute: (invocation, deps: PingDeps) => ({ delayMs: Math.max(0, deps.now() - invocation.sentAt) }),
  render: ({ delayMs }: { delayMs: number }) =>
    message(line("Pong 🏓 — message traité ", code(`${delayMs} ms`), " après sa réception par le serveur.")),
});
