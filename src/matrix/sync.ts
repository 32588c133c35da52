import { isRecord } from "./content.js";
import type { StateChange } from "./room-state.js";
import type { InboundEvent, InboundInvite } from "./transport.js";

/** A timeline event, with its raw form kept for decryption. */
export interface SyncEvent extends InboundEvent {
  raw: Record<string, unknown>;
}

/** The parts of a /sync response the bot reads, already validated and flattened. */
export interface SyncBatch {
  nextBatch: string;
  invites: InboundInvite[];
  rooms: { roomId: string; events: SyncEvent[]; stateChanges: StateChange[]; limited: boolean; prevBatch: string | null }[];
}

/** Presence, typing, receipts and account data are of no use to the bot: do not download them. */
export const SYNC_FILTER = JSON.stringify({
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
  room: {
    timeline: { limit: 100 },
    state: { lazy_load_members: true },
    ephemeral: { not_types: ["*"] },
    account_data: { not_types: ["*"] },
  },
});

export function readSyncResponse(body: unknown, botUserId: string): SyncBatch {
  if (!isRecord(body) || typeof body.next_batch !== "string") throw new Error("malformed /sync response");
  const rooms = isRecord(body.rooms) ? body.rooms : {};
  const invites: InboundInvite[] = [];
  for (const [roomId, room] of Object.entries(isRecord(rooms.invite) ? rooms.invite : {})) {
    const events = isRecord(room) && isRecord(room.invite_state) ? room.invite_state.events : [];
    const invite = (Array.isArray(events) ? events : []).find(
      (e: unknown) =>
        isRecord(e) &&
        e.type === "m.room.member" &&
        e.state_key === botUserId &&
        isRecord(e.content) &&
        e.content.membership === "invite",
    ) as Record<string, unknown> | undefined;
    invites.push({ roomId, inviter: typeof invite?.sender === "string" ? invite.sender : null });
  }
  const joined: SyncBatch["rooms"] = [];
  for (const [roomId, room] of Object.entries(isRecord(rooms.join) ? rooms.join : {})) {
    const timeline = isRecord(room) && isRecord(room.timeline) ? room.timeline : {};
    const state = isRecord(room) && isRecord(room.state) ? room.state : {};
    const rawTimeline: unknown[] = Array.isArray(timeline.events) ? timeline.events : [];
    const rawState: unknown[] = Array.isArray(state.events) ? state.events : [];
    const events = rawTimeline.map((e: unknown) => toInboundEvent(roomId, e)).filter((e): e is SyncEvent => e !== null);
    const stateChanges = [...rawState, ...rawTimeline].map(toStateChange).filter((c): c is StateChange => c !== null);
    joined.push({
      roomId,
      events,
      stateChanges,
      limited: timeline.limited === true,
      prevBatch: typeof timeline.prev_batch === "string" ? timeline.prev_batch : null,
    });
  }
  return { nextBatch: body.next_batch, invites, rooms: joined };
}

export function toInboundEvent(roomId: string, raw: unknown): SyncEvent | null {
  if (!isRecord(raw)) return null;
  const { event_id, type, sender, origin_server_ts, content } = raw;
  if (typeof event_id !== "string" || typeof type !== "string" || typeof sender !== "string") return null;
  if (raw.state_key !== undefined) return null; // state changes are not commands
  return {
    roomId,
    eventId: event_id,
    type,
    sender,
    originServerTs: typeof origin_server_ts === "number" ? origin_server_ts : 0,
    content: isRecord(content) ? content : {},
    // Redactions name their target at the top level before room version 11, in the content after.
    ...(type === "m.room.redaction" ? { redacts: redactedId(raw) } : {}),
    raw,
  };
}

function redactedId(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.redacts === "string") return raw.redacts;
  return isRecord(raw.content) && typeof raw.content.redacts === "string" ? raw.content.redacts : undefined;
}

function toStateChange(raw: unknown): StateChange | null {
  if (!isRecord(raw) || typeof raw.type !== "string" || typeof raw.state_key !== "string") return null;
  return { type: raw.type, stateKey: raw.state_key, content: isRecord(raw.content) ? raw.content : {} };
}
