import { closest, distance } from "fastest-levenshtein";
import { normaliseCommandName, splitWords } from "../core/command-line.js";
import { type AnyCommand, usage } from "../core/command.js";
import type { Role } from "../core/directory.js";

export type BindResult = { ok: true; args: unknown } | { ok: false; problems: string[] };

/**
 * The one explicit table of commands. Names and aliases are matched without case or accents;
 * a name used twice is a programming error and stops the bot at start-up.
 */
export class CommandRegistry {
  private readonly byName = new Map<string, AnyCommand>();

  constructor(readonly commands: readonly AnyCommand[]) {
    for (const command of commands) {
      for (const name of [command.name, ...command.aliases]) {
        const key = normaliseCommandName(name);
        const existing = this.byName.get(key);
        if (existing) throw new Error(`command name "${key}" used by both ${existing.name} and ${command.name}`);
        this.byName.set(key, command);
      }
      const restIndex = command.params.findIndex((p) => p.rest);
      if (restIndex !== -1 && restIndex !== command.params.length - 1) {
        throw new Error(`command ${command.name}: only the last parameter may take the rest of the line`);
      }
    }
  }

  find(name: string): AnyCommand | undefined {
    return this.byName.get(normaliseCommandName(name));
  }

  /** Commands this role may use, in registry order. */
  availableTo(role: Role): AnyCommand[] {
    return this.commands.filter((c) => c.roles.includes(role));
  }

  /** The closest known name for a typo (`!raport` → `report`), if it is close enough to be a guess. */
  suggest(name: string, role: Role): string | null {
    const names = this.availableTo(role).flatMap((c) => [c.name, ...c.aliases]);
    if (names.length === 0) return null;
    const guess = closest(normaliseCommandName(name), names);
    return distance(normaliseCommandName(name), guess) <= Math.max(2, Math.floor(guess.length / 3)) ? guess : null;
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
