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
 * `execute` that returns data and sends nothing, and a `render` that turns the data into a message.
 * `D` names the narrow set of services the command needs; the composition root provides them.
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
  execute(invocation: Invocation<A>, deps: D): Promise<R> | R;
  render(result: R): Message;
  /** ✅ or ❌ on the command; ✅ when absent. */
  verdict?(result: R): "ok" | "ko";
  /** Further messages for the same thread (a digest's detail after its headline). */
  renderMore?(result: R): Message[];
  /** Images for the same thread, posted after the messages (a map, a chart). */
  renderImages?(result: R): CommandImage[];
}

/** An image a command posts: encoded bytes, type, size in pixels, file name. */
export interface CommandImage {
  bytes: Uint8Array;
  mimetype: string;
  w: number;
  h: number;
  name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds commands of any argument/result type
export type AnyCommand<D = any> = Command<any, any, D>;

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
