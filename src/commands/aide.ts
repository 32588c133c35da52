import { z } from "zod";
import { ALL_ROLES, type AnyCommand, defineCommand, usage } from "../core/command.js";
import type { Role } from "../core/directory.js";
import { bullets, code, em, type Inline, line, message, strong } from "../core/message.js";

/** The part of the registry `!aide` reads: it never sees more than the command list. */
export interface HelpDeps {
  catalog: {
    availableTo(role: Role): AnyCommand[];
    find(name: string): AnyCommand | undefined;
  };
}

type HelpResult =
  | { kind: "list"; commands: Entry[] }
  | { kind: "one"; command: Entry & { details: string[]; aliases: string[] } }
  | { kind: "unknown"; name: string; commands: Entry[] };

interface Entry {
  usage: string;
  summary: string;
}

const entry = (command: AnyCommand): Entry => ({ usage: usage(command), summary: command.summary });

export const aide = defineCommand({
  name: "aide",
  aliases: ["help", "commandes"],
  summary: "Liste les commandes que vous pouvez utiliser, ou explique l'une d'elles.",
  roles: ALL_ROLES,
  params: [{ name: "commande", description: "nom d'une commande à détailler", optional: true }],
  schema: z.object({ commande: z.string().optional() }),
  execute(invocation, deps: HelpDeps): HelpResult {
    const available = deps.catalog.availableTo(invocation.sender.kind);
    const wanted = invocation.args.commande?.replace(/^(\/\/|!|\/)/, "");
    if (!wanted) return { kind: "list", commands: available.map(entry) };
    const command = deps.catalog.find(wanted);
    if (!command || !available.includes(command)) {
      return { kind: "unknown", name: wanted, commands: available.map(entry) };
    }
    return {
      kind: "one",
      command: { ...entry(command), details: command.details ?? [], aliases: command.aliases },
    };
  },
  render(result: HelpResult) {
    if (result.kind === "one") {
      const { command } = result;
      const aliases: Inline[] =
        command.aliases.length > 0 ? ["Aussi : ", ...command.aliases.flatMap((a, i) => [i ? ", " : "", code(`!${a}`)])] : [];
      return message(
        line(code(command.usage)),
        line(command.summary),
        ...command.details.map((d) => line(d)),
        ...(aliases.length > 0 ? [line(...aliases)] : []),
      );
    }
    const list = bullets(result.commands.map((c) => [code(c.usage), " — ", c.summary]));
    const intro =
      result.kind === "unknown"
        ? line("Pas de commande « ", result.name, " » pour vous. Voici celles que vous pouvez utiliser :")
        : line(strong("Commandes disponibles"));
    return message(intro, list, line(em("Tapez les commandes avec "), code("!"), em(" (ex. "), code("!aide ping"), em(").")));
  },
});
