import { z } from "zod";
import { ALL_ROLES, type AnyCommand, defineCommand, usage } from "../core/command.js";
import type { Role } from "../core/directory.js";
import { bullets, code, em, type Inline, line, message, strong } from "../core/message.js";

/** The part of the registry `!aide` reads: it never sees more than the command list. */
export interface HelpDeps {
  catalog: {
    /** Top-level commands this role may use, in registry order. */
    availableTo(role: Role): AnyCommand[];
    find(name: string): AnyCommand | undefined;
    /** A command's sub-verbs, named after it (`reunion deplacer`). */
    verbsOf(command: AnyCommand): AnyCommand[];
  };
}

type HelpResult =
  | { kind: "list"; commands: Entry[] }
  | { kind: "one"; command: Entry & { details: string[]; aliases: string[]; verbEntries: Entry[] } }
  | { kind: "unknown"; name: string; commands: Entry[] };

interface Entry {
  usage: string;
  summary: string;
  /** The names of its sub-verbs the sender may use. */
  verbs: string[];
}

export const aide = defineCommand({
  name: "aide",
  aliases: ["help", "commandes"],
  summary: "Liste les commandes que vous pouvez utiliser, ou explique l'une d'elles.",
  roles: ALL_ROLES,
  params: [
    { name: "commande", description: "nom d'une commande à détailler (ex. reunion deplacer)", optional: true, rest: true },
  ],
  schema: z.object({ commande: z.string().optional() }),
  execute(invocation, deps: HelpDeps): HelpResult {
    const role = invocation.sender.kind;
    const { catalog } = deps;
    const verbsFor = (command: AnyCommand) => catalog.verbsOf(command).filter((v) => v.roles.includes(role));
    const entry = (command: AnyCommand): Entry => ({
      usage: usage(command),
      summary: command.summary,
      verbs: verbsFor(command).map((v) => v.name.slice(command.name.length + 1)),
    });
    const available = catalog.availableTo(role);
    const [wanted, verbWanted] = (invocation.args.commande ?? "")
      .replace(/^(\/\/|!|\/)/, "")
      .trim()
      .split(/\s+/);
    if (!wanted) return { kind: "list", commands: available.map(entry) };
    const parent = catalog.find(wanted);
    if (!parent || !available.includes(parent)) return { kind: "unknown", name: wanted, commands: available.map(entry) };
    const verb = verbWanted
      ? verbsFor(parent).find((v) => v.name === `${parent.name} ${verbWanted}` || v.aliases.includes(verbWanted))
      : undefined;
    const command = verb ?? parent;
    return {
      kind: "one",
      command: {
        ...entry(command),
        details: command.details ?? [],
        aliases: verb ? [] : command.aliases,
        verbEntries: verb ? [] : verbsFor(parent).map(entry),
      },
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
        ...(command.verbEntries.length > 0 ? [bullets(command.verbEntries.map((v) => [code(v.usage), " — ", v.summary]))] : []),
        ...(aliases.length > 0 ? [line(...aliases)] : []),
      );
    }
    const list = bullets(
      result.commands.map((c) => [
        code(c.usage),
        " — ",
        c.summary,
        ...(c.verbs.length > 0 ? [em(` Aussi : ${c.verbs.join(", ")}.`)] : []),
      ]),
    );
    const intro =
      result.kind === "unknown"
        ? line("Pas de commande « ", result.name, " » pour vous. Voici celles que vous pouvez utiliser :")
        : line(strong("Commandes disponibles"));
    return message(intro, list, line(em("Tapez les commandes avec "), code("!"), em(" (ex. "), code("!aide ping"), em(").")));
  },
});
