/**
 * End-to-end harness: a fresh CROSS on the real local Synapse for each test file — its own bot
 * account, its own rooms, its own data directory — and the bot run as a real child process, so
 * tests can stop, SIGKILL and restart it like an operator would.
 */
import { textOf } from "../../src/matrix/content.js";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, stringify } from "yaml";
import { overrideRatelimit, registerUser } from "../../scripts/stack/admin.js";
import { freeLoopbackPorts } from "../../scripts/stack/processes.js";
import { type MatrixEvent, MatrixUser } from "../../tools/matrix-user.js";
import { EncryptedUser } from "./encrypted-client.js";

export const STACK_FILE = join(process.cwd(), ".stack", "stack.json");

interface StackUser {
  key: string;
  user_id: string;
  password: string;
  access_token: string;
  role: "officer" | "coordinator" | "referent" | "outsider";
  service: string | null;
}

export interface Stack {
  homeserver: string;
  redis: { url: string };
  admin: { access_token: string; registration_shared_secret: string };
  users: StackUser[];
  config: string;
}

export function readStack(): Stack {
  return JSON.parse(readFileSync(STACK_FILE, "utf8")) as Stack;
}

export interface Cross {
  stack: Stack;
  botUserId: string;
  configPath: string;
  dataDir: string;
  /** Room ids by configured room key (`ddsp`, `coordination`, …). */
  rooms: Record<string, string>;
  user(key: string): MatrixUser;
  /** The bot's own account, as an operator logged into it with a client would use it (tests of mistakes). */
  botAccount: MatrixUser;
  /** Logs a stack user in as a new device with a real encrypting client. */
  encryptedUser(key: string): Promise<EncryptedUser>;
  startBot(options?: { env?: Record<string, string>; waitHealthy?: boolean }): Promise<BotProcess>;
}

interface CrossOptions {
  /** Extra users (stack keys) invited into a room key, e.g. `{ ddsp: ["outsider"] }`. */
  extraMembers?: Record<string, string[]>;
  /** Room keys created end-to-end encrypted (Megolm), as Tchap creates private rooms. */
  encrypted?: string[];
  /** Changes to the configuration file, e.g. `{ capture: { dialogue_timeout_minutes: 0.05 } }`. */
  config?: Record<string, unknown>;
  /** Leave the bot under Synapse's default message rate limit (no admin override). */
  rateLimited?: boolean;
}

export async function createCross(options: CrossOptions = {}): Promise<Cross> {
  const stack = readStack();
  const suffix = randomBytes(4).toString("hex");
  const bot = await registerUser(
    stack.homeserver,
    stack.admin.registration_shared_secret,
    `crossbot-${suffix}`,
    randomBytes(12).toString("hex"),
    false,
  );
  if (!options.rateLimited) await overrideRatelimit(stack.homeserver, stack.admin.access_token, bot.user_id);

  const users = new Map(stack.users.map((u) => [u.key, new MatrixUser(stack.homeserver, u.user_id, u.access_token)]));
  const user = (key: string): MatrixUser => {
    const found = users.get(key);
    if (!found) throw new Error(`no stack user "${key}"`);
    return found;
  };
  const coordinator = stack.users.find((u) => u.role === "coordinator");
  if (!coordinator) throw new Error("stack has no coordinator");

  const raw = parse(readFileSync(stack.config, "utf8")) as {
    matrix: { bot_user_id: string };
    services: { key: string; role: string; members: string[] }[];
    rooms: { key: string; kind: string; service?: string; room: string }[];
  };
  const rooms: Record<string, string> = {};
  await Promise.all(
    raw.rooms.map(async (room) => {
      const members =
        room.kind === "service"
          ? stack.users.filter((u) => u.service === room.service)
          : room.kind === "coordination"
            ? stack.users.filter((u) => u.service !== null)
            : stack.users.filter((u) => u.role === "coordinator");
      const extra = (options.extraMembers?.[room.key] ?? []).map((key) => user(key).userId);
      const invited = [...members.map((m) => m.user_id), ...extra].filter((id) => id !== coordinator.user_id);
      const roomId = await user(coordinator.key).createRoom({
        preset: "private_chat",
        name: `e2e ${suffix} ${room.key}`,
        invite: [...invited, bot.user_id],
        ...(options.encrypted?.includes(room.key)
          ? { initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] }
          : {}),
      });
      await Promise.all(
        invited.map((id) => [...users.values()].find((u) => u.userId === id)?.join(roomId) ?? Promise.resolve("")),
      );
      room.room = roomId;
      rooms[room.key] = roomId;
    }),
  );
  raw.matrix.bot_user_id = bot.user_id;
  Object.assign(raw, options.config ?? {});

  const dir = mkdtempSync(join(tmpdir(), `crossbot-e2e-${suffix}-`));
  const configPath = join(dir, "cross.yaml");
  writeFileSync(configPath, stringify(raw));
  const dataDir = join(dir, "data");

  return {
    stack,
    botUserId: bot.user_id,
    configPath,
    dataDir,
    rooms,
    user,
    botAccount: new MatrixUser(stack.homeserver, bot.user_id, bot.access_token),
    encryptedUser: (key) => {
      const entry = stack.users.find((u) => u.key === key);
      if (!entry) throw new Error(`no stack user "${key}"`);
      return EncryptedUser.login(stack.homeserver, entry.user_id, entry.password);
    },
    startBot: (startOptions = {}) =>
      BotProcess.start(
        configPath,
        {
          MATRIX_HOMESERVER_URL: stack.homeserver,
          MATRIX_ACCESS_TOKEN: bot.access_token,
          REDIS_URL: stack.redis.url,
          CROSS_DATA_DIR: dataDir,
          ...startOptions.env,
        },
        startOptions.waitHealthy ?? true,
      ),
  };
}

/** The bot as a child process (`node --import tsx src/main.ts`), with its logs kept for failures. */
export class BotProcess {
  private output = "";
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly httpPort: number,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static async start(configPath: string, env: Record<string, string>, waitHealthy = true): Promise<BotProcess> {
    const [port] = await freeLoopbackPorts(1);
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--config", configPath], {
      env: { ...process.env, ...env, CROSS_HTTP_PORT: String(port), LOG_LEVEL: "debug" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const bot = new BotProcess(child, port ?? 0);
    if (waitHealthy) await bot.waitHealthy();
    return bot;
  }

  get logs(): string {
    return this.output;
  }

  async health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.httpPort}/metrics`)).text();
  }

  /** Waits until /healthz is green: synced at least once, Redis and SQLite up. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      try {
        if ((await this.health()).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`bot not healthy (exited: ${exited}); logs:\n${this.output.slice(-4000)}`);
  }

  /** Graceful stop (SIGTERM); resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill("SIGTERM");
    return this.exited;
  }

  /** Crash (SIGKILL): no cleanup at all. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** The bot's threaded answer to a command, and its reaction on it. */
export function isAnswerTo(commandId: string, botUserId: string) {
  return (event: MatrixEvent) => {
    const relation = event.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
    return (
      event.sender === botUserId &&
      event.type === "m.room.message" &&
      relation?.rel_type === "m.thread" &&
      relation.event_id === commandId
    );
  };
}

export function isReactionTo(commandId: string, botUserId: string) {
  return (event: MatrixEvent) => {
    const relation = event.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
    return event.sender === botUserId && event.type === "m.reaction" && relation?.event_id === commandId;
  };
}

export function reactionKey(event: MatrixEvent): string | undefined {
  return (event.content["m.relates_to"] as { key?: string } | undefined)?.key;
}

/** All of the bot's answers and reactions to one command, after letting any duplicate arrive. */
export async function answersTo(user: MatrixUser, roomId: string, commandId: string, botUserId: string, settleMs = 2000) {
  await sleep(settleMs);
  const events = await user.roomEvents(roomId, 100);
  return {
    answers: events.filter(isAnswerTo(commandId, botUserId)),
    reactions: events.filter(isReactionTo(commandId, botUserId)),
  };
}

/** Sends a message in the thread of `root` (as clients do: a thread relation with a reply fallback). */
export function sendInThread(user: MatrixUser, roomId: string, root: string, content: Record<string, unknown>): Promise<string> {
  return user.sendEvent(roomId, "m.room.message", {
    ...content,
    "m.relates_to": { rel_type: "m.thread", event_id: root, is_falling_back: true, "m.in_reply_to": { event_id: root } },
  });
}

/** Sends a command and waits for the bot's threaded answer. */
export async function ask(cross: Cross, userKey: string, roomKey: string, body: string, timeoutMs?: number) {
  const roomId = cross.rooms[roomKey] ?? "";
  const user = cross.user(userKey);
  const eventId = await user.sendText(roomId, body);
  const answer = await user.waitForEvent(roomId, isAnswerTo(eventId, cross.botUserId), timeoutMs);
  return { roomId, user, eventId, answer, body: textOf(answer.content.body) };
}

/** The bot's answer to an event sent in a thread: a notice in the same thread replying to it. */
export function isThreadAnswerTo(eventId: string, botUserId: string) {
  return (event: MatrixEvent) => {
    const relation = event.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } } | undefined;
    return event.sender === botUserId && event.type === "m.room.message" && relation?.["m.in_reply_to"]?.event_id === eventId;
  };
}

export function referenceIn(text: string): string {
  const match = /\b88-\d{4}-\d{4,5}\b/.exec(text);
  if (!match) throw new Error(`no report reference in: ${text}`);
  return match[0];
}

/** The bot's messages (not reactions) in a room, oldest first. */
export async function botMessages(user: MatrixUser, roomId: string, botUserId: string, limit = 100): Promise<MatrixEvent[]> {
  return (await user.roomEvents(roomId, limit)).filter((e) => e.sender === botUserId && e.type === "m.room.message").reverse();
}

/**
 * How many cards for `ref` a message holds: one for a card alone, one per line starting with its
 * 📌 reference in a grouped message (the fan-out coalesces cards waiting for the same room).
 */
export function cardsOfIn(body: unknown, ref: string): number {
  return String(body)
    .split("\n")
    .filter((l) => l.startsWith(`📌 ${ref}`)).length;
}
