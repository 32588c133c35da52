import { closest, distance } from "fastest-levenshtein";
import { normaliseCommandName, splitWords } from "../core/command-line.js";
import { type AnyCommand, type Command, usage } from "../core/command.js";
import type { Role } from "../core/directory.js";

export type BindResult = { ok: true; args: unknown } | { ok: false; problems: string[] };

/**
 * A registry entry: a command, the function that gives it its dependencies from the composition
 * root, and its sub-verbs. `bind` checks at compile time that what the entry maps is what the
 * command declared it needs.
 */
export interface Entry<Root> {
  readonly command: AnyCommand;
  readonly deps: (root: Root) => unknown;
  readonly verbs: readonly Entry<Root>[];
}

export function bind<Root, A, R, D>(
  command: Command<A, R, D>,
  deps: (root: Root) => NoInfer<D>,
  verbs: readonly Entry<Root>[] = [],
): Entry<Root> {
  return { command, deps, verbs };
}

/** A command found for a line: the entry to run (a sub-verb when one was typed) and its argument text. */
export interface Resolved<Root> {
  entry: Entry<Root>;
  /** The command as `!aide` and usage lines name it (`reunion deplacer`). */
  command: AnyCommand;
  argText: string;
}

/**
 * The one explicit table of commands. Names and aliases are matched without case or accents;
 * a name used twice is a programming error and stops the bot at start-up. Sub-verbs are matched
 * on the first word after their parent's name and named after it (`!reunion deplacer`).
 */
export class CommandRegistry<Root = unknown> {
  private readonly byName = new Map<string, Entry<Root>>();
  private readonly named = new Map<Entry<Root>, AnyCommand>();
  private readonly verbsByName = new Map<Entry<Root>, Map<string, Entry<Root>>>();

  constructor(readonly entries: readonly Entry<Root>[]) {
    for (const entry of entries) {
      for (const name of [entry.command.name, ...entry.command.aliases]) {
        const key = normaliseCommandName(name);
        const existing = this.byName.get(key);
        if (existing) throw new Error(`command name "${key}" used by both ${existing.command.name} and ${entry.command.name}`);
        this.byName.set(key, entry);
      }
      checkParams(entry.command);
      this.named.set(entry, entry.command);
      const verbs = new Map<string, Entry<Root>>();
      for (const verb of entry.verbs) {
        for (const name of [verb.command.name, ...verb.command.aliases]) {
          const key = normaliseCommandName(name);
          if (verbs.has(key)) throw new Error(`verb "${key}" used twice under ${entry.command.name}`);
          verbs.set(key, verb);
        }
        checkParams(verb.command);
        const shown: AnyCommand = { ...verb.command, name: `${entry.command.name} ${verb.command.name}` };
        this.named.set(verb, shown);
      }
      this.verbsByName.set(entry, verbs);
    }
  }

  /** A top-level command by name or alias (`reunion`, `meeting`). */
  find(name: string): AnyCommand | undefined {
    const entry = this.byName.get(normaliseCommandName(name));
    return entry && entry.command;
  }

  /** The command a line names: its sub-verb when the first word is one, else the command itself. */
  resolve(name: string, argText: string): Resolved<Root> | undefined {
    const entry = this.byName.get(normaliseCommandName(name));
    if (!entry) return undefined;
    const [first = ""] = argText.trim().split(/\s+/, 1);
    const verb = first ? this.verbsByName.get(entry)?.get(normaliseCommandName(first)) : undefined;
    if (verb) return { entry: verb, command: this.shown(verb), argText: argText.trim().slice(first.length).trim() };
    return { entry, command: entry.command, argText };
  }

  /** The sub-verbs of a command, named after it, in registry order. */
  verbsOf(command: AnyCommand): AnyCommand[] {
    const entry = this.entries.find((e) => e.command === command);
    return entry ? entry.verbs.map((v) => this.shown(v)) : [];
  }

  /** Top-level commands this role may use, in registry order (`verbsOf` gives their sub-verbs). */
  availableTo(role: Role): AnyCommand[] {
    return this.entries.map((e) => e.command).filter((c) => c.roles.includes(role));
  }

  /** The closest known name for a typo (`!raport` → `report`), if it is close enough to be a guess. */
  suggest(name: string, role: Role): string | null {
    const names = this.entries
      .filter((e) => e.command.roles.includes(role))
      .flatMap((e) => [e.command.name, ...e.command.aliases]);
    if (names.length === 0) return null;
    const guess = closest(normaliseCommandName(name), names);
    return distance(normaliseCommandName(name), guess) <= Math.max(2, Math.floor(guess.length / 3)) ? guess : null;
  }

  private shown(entry: Entry<Root>): AnyCommand {
    return this.named.get(entry) ?? entry.command;
  }
}

function checkParams(command: AnyCommand): void {
  const restIndex = command.params.findIndex((p) => p.rest);
  if (restIndex !== -1 && restIndex !== command.params.length - 1) {
    throw new Error(`command ${command.name}: only the last parameter may take the rest of the line`);
  }
}

/** Binds the words of a command line to its parameters, then checks them with its schema. */
export function bindArguments(command: AnyCommand, argText: string): BindResult {
  const words = splitWords(argText);
  const raw: Record<string, string | undefined> = {};
  const problems: string[] = [];
  command.params.forEach((param, i) => {
    raw[param.name] = param.rest ? words.slice(i).join(" ") || undefined : words[i];
    if (raw[param.name] === undefined && !param.optional) problems.push(`il manque « ${param.name} » (${param.description})`);
  });
  const hasRest = command.params.some((p) => p.rest);
  if (!hasRest && words.length > command.params.length) {
    problems.push(`trop d'éléments : « ${words.slice(command.params.length).join(" ")} » n'est pas attendu`);
  }
  if (problems.length > 0) return { ok: false, problems: [...problems, `usage : ${usage(command)}`] };
  const parsed = command.schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: [
        ...parsed.error.issues.map((issue) => `${issue.path.join(".") || "arguments"} : ${issue.message}`),
        `usage : ${usage(command)}`,
      ],
    };
  }
  return { ok: true, args: parsed.data };
}
