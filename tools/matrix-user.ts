/**
 * A tiny raw-HTTP Matrix client for test drivers and the demo (not for the bot, which uses
 * matrix-bot-sdk). Only the client-server calls that drivers need; every non-2xx throws.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { HttpError, isObject, requestJson, seg, stringField } from "../scripts/stack/http.js";

export { HttpError };

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
}

export interface CreateRoomOptions {
  name?: string;
  topic?: string;
  preset?: "private_chat" | "public_chat" | "trusted_private_chat";
  visibility?: "private" | "public";
  room_alias_name?: string;
  invite?: string[];
  is_direct?: boolean;
  initial_state?: { type: string; state_key?: string; content: Record<string, unknown> }[];
  power_level_content_override?: Record<string, unknown>;
}

let txnCounter = 0;
const txnPrefix = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}`;

function nextTxnId(): string {
  txnCounter += 1;
  return `${txnPrefix}-${txnCounter}`;
}

function toEvent(raw: unknown): MatrixEvent | undefined {
  if (!isObject(raw)) return undefined;
  const { event_id, type, sender, content, origin_server_ts, state_key } = raw;
  if (typeof event_id !== "string" || typeof type !== "string" || typeof sender !== "string") return undefined;
  const event: MatrixEvent = {
    event_id,
    type,
    sender,
    content: isObject(content) ? content : {},
    origin_server_ts: typeof origin_server_ts === "number" ? origin_server_ts : 0,
  };
  if (typeof state_key === "string") event.state_key = state_key;
  return event;
}

export class MatrixUser {
  constructor(
    readonly homeserver: string,
    readonly userId: string,
    readonly accessToken: string,
  ) {}

  /** Password login (m.login.password with an m.id.user identifier). */
  static async login(homeserver: string, userId: string, password: string, deviceId?: string): Promise<MatrixUser> {
    const body: Record<string, unknown> = {
      type: "m.login.password",
      identifier: { type: "m.id.user", user: userId },
      password,
    };
    if (deviceId !== undefined) body["device_id"] = deviceId;
    const answer = await requestJson(homeserver, "POST", "/_matrix/client/v3/login", { body });
    return new MatrixUser(
      homeserver,
      stringField(answer, "user_id", "POST /_matrix/client/v3/login"),
      stringField(answer, "access_token", "POST /_matrix/client/v3/login"),
    );
  }

  /** Authenticated client-server call; `path` starts after `/_matrix/client/v3`. */
  request(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return requestJson(this.homeserver, method, `/_matrix/client/v3${path}`, { token: this.accessToken, body });
  }

  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const path = `/rooms/${seg(roomId)}/send/${seg(type)}/${seg(nextTxnId())}`;
    const answer = await this.request("PUT", path, content);
    return stringField(answer, "event_id", `PUT ${path}`);
  }

  /** Sends an m.text message; `extraContent` is merged into the content (e.g. m.relates_to). */
  sendText(roomId: string, body: string, extraContent: Record<string, unknown> = {}): Promise<string> {
    return this.sendEvent(roomId, "m.room.message", { msgtype: "m.text", body, ...extraContent });
  }

  async sendState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string> {
    const path = `/rooms/${seg(roomId)}/state/${seg(type)}/${seg(stateKey)}`;
    const answer = await this.request("PUT", path, content);
    return stringField(answer, "event_id", `PUT ${path}`);
  }

  /** Joins a room by id or alias; returns the room id. */
  async join(roomIdOrAlias: string): Promise<string> {
    const answer = await this.request("POST", `/join/${seg(roomIdOrAlias)}`, {});
    return stringField(answer, "room_id", "POST /join");
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.request("POST", `/rooms/${seg(roomId)}/invite`, { user_id: userId });
  }

  async leave(roomId: string): Promise<void> {
    await this.request("POST", `/rooms/${seg(roomId)}/leave`, {});
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<void> {
    await this.request(
      "POST",
      `/rooms/${seg(roomId)}/kick`,
      reason === undefined ? { user_id: userId } : { user_id: userId, reason },
    );
  }

  /** Creates a room; returns its id. */
  async createRoom(opts: CreateRoomOptions = {}): Promise<string> {
    const answer = await this.request("POST", "/createRoom", opts);
    return stringField(answer, "room_id", "POST /createRoom");
  }

  /** Resolves `#alias:server` to a room id. */
  async resolveAlias(alias: string): Promise<string> {
    const answer = await this.request("GET", `/directory/room/${seg(alias)}`);
    return stringField(answer, "room_id", "GET /directory/room");
  }

  /** Room ids this user has joined. */
  async joinedRooms(): Promise<string[]> {
    const answer = await this.request("GET", "/joined_rooms");
    const rooms = answer["joined_rooms"];
    return Array.isArray(rooms) ? rooms.filter((r): r is string => typeof r === "string") : [];
  }

  /** The latest `limit` timeline events of a room, newest first. */
  async roomEvents(roomId: string, limit = 50): Promise<MatrixEvent[]> {
    const answer = await this.request("GET", `/rooms/${seg(roomId)}/messages?dir=b&limit=${limit}`);
    const chunk = answer["chunk"];
    if (!Array.isArray(chunk)) return [];
    return chunk.map(toEvent).filter((e): e is MatrixEvent => e !== undefined);
  }

  /**
   * Waits until an event matching `predicate` appears among the room's latest 50 timeline events,
   * polling every 250 ms. Throws after `timeoutMs` (default 15 s) with the last events seen.
   */
  async waitForEvent(roomId: string, predicate: (event: MatrixEvent) => boolean, timeoutMs = 15_000): Promise<MatrixEvent> {
    const deadline = Date.now() + timeoutMs;
    let last: MatrixEvent[] = [];
    for (;;) {
      last = await this.roomEvents(roomId, 50);
      const found = last.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() >= deadline) break;
      await sleep(Math.min(250, Math.max(0, deadline - Date.now())));
    }
    const seen = last
      .slice(0, 10)
      .map((e) => `${e.sender} ${e.type} ${JSON.stringify(e.content).slice(0, 160)}`)
      .join("\n  ");
    throw new Error(`${this.userId}: no matching event in ${roomId} after ${timeoutMs} ms; latest events:\n  ${seen}`);
  }
}
