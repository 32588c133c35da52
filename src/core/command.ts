import type { z } from "zod";
import type { Identity, Role } from "./directory.js";
import type { Message } from "./message.js";

/** A positional argument: its name in usage texts, what it means, and how to check it. */
export interface Param {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes the rest of the line (free text). Only the last parameter may. */
  rest?: boolean;
}

/** What every command gets about the message that invoked it. */
export interface Invocation<A> {
  args: A;
  sender: Identity;
  roomKey: string;
  roomId: string;
  /** The command's Matrix event: the key that makes anything it creates idempotent. */
  eventId: string;
  /** The thread the answer goes to (the command itself, or the thread it was typed in). */
  threadRoot: string;
  /** The argument text as typed, quotes included, for commands with their own syntax. */
  rawArgs: string;
  /** When the homeserver received the command (ms since the epoch). */
  sentAt: number;
}

/**
 * One command, in one file: names, one-line summary, who may use it, typed arguments, an
 * `execute` that returns data and sends nothing, and a `render` that turns the data into what is
 * posted in the command's thread. `D` names the narrow set of services the command needs; its
 * registry entry maps them from the composition root (`commands/index.ts`), so a command whose
 * dependency nobody provides does not compile. A sub-verb (`!reunion deplacer`) is a command of its
 * own, attached to its parent in the registry.
 */
export interface Command<A, R, D> {
  name: string;
  aliases: string[];
  summary: string;
  /** Extra lines shown by `!aide <commande>`. */
  details?: string[];
  roles: readonly Role[];
  params: readonly Param[];
  schema: z.ZodType<A>;
  /** A property, not a method: its `deps` are checked strictly (contravariantly), so an entry that maps less than the command needs is refused. */
  execute: (invocation: Invocation<A>, deps: D) => Promise<R> | R;
  render(result: R): Message | Reply;
  /** ✅ or ❌ on the command; ✅ when absent. */
  verdict?(result: R): "ok" | "ko";
}

/**
 * Everything a command posts in its thread, in order: the answer, further messages (a digest's
 * detail after its headline), files (an export), images (a map, a chart). Only the handler sends.
 */
export interface Reply {
  message: Message;
  more?: Message[];
  files?: CommandFile[];
  images?: CommandImage[];
}

/** A file a command attaches: its name, type and bytes. */
export interface CommandFile {
  name: string;
  mimetype: string;
  bytes: Uint8Array;
}

/** An image a command posts: encoded bytes, type, size in pixels, file name. */
export interface CommandImage {
  bytes: Uint8Array;
  mimetype: string;
  w: number;
  h: number;
  name: string;
}

/** `render` may give a bare message; the handler always works with a whole reply. */
export function asReply(rendered: Message | Reply): Reply {
  return "blocks" in rendered ? { message: rendered } : rendered;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds commands of any argument/result/deps type, each bound to its deps by its entry
export type AnyCommand = Command<any, any, any>;

export function defineCommand<A, R, D>(command: Command<A, R, D>): Command<A, R, D> {
  return command;
}

export function usage(command: Pick<AnyCommand, "name" | "params">): string {
  const params = command.params.map((p) => {
    const name = p.rest ? `${p.name}…` : p.name;
    return p.optional ? `[${name}]` : `<${name}>`;
  });
  return [`!${command.name}`, ...params].join(" ");
}

export const ALL_ROLES: readonly Role[] = ["coordinator", "officer", "referent"];
export const MEMBER_ROLES: readonly Role[] = ["coordinator", "officer"];
export const COORDINATOR_ONLY: readonly Role[] = ["coordinator"];
