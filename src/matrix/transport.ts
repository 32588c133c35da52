import type { MatrixContent } from "./content.js";
import type { StateChange } from "./room-state.js";

/** A timeline event as the handlers see it, whatever client library delivered it. */
export interface InboundEvent {
  roomId: string;
  eventId: string;
  type: string;
  sender: string;
  originServerTs: number;
  content: Record<string, unknown>;
  /** True when the event arrived encrypted (and was decrypted by the transport). */
  encrypted?: boolean;
  /** For a redaction: the event it removes. */
  redacts?: string;
}

/** An image to post: encoded bytes and what a client needs to lay it out before downloading it. */
export interface OutboundImage {
  bytes: Buffer;
  mimetype: string;
  /** Width and height in pixels. */
  w: number;
  h: number;
  name: string;
}

export interface InboundInvite {
  roomId: string;
  inviter: string | null;
}

export interface TransportHandlers {
  /**
   * Called once per timeline event, in order within its room; the transport waits for it before
   * the room's next event. The rooms of one sync batch are handled side by side.
   */
  onEvent(event: InboundEvent): Promise<void>;
  onInvite(invite: InboundInvite): Promise<void>;
  /** A state change in a joined room (join rules, history visibility, tombstone…). */
  onStateChange?(roomId: string, change: StateChange): Promise<void>;
}

/**
 * Everything the bot needs from a Matrix client, and nothing more: the core never imports a
 * Matrix library. Sends are idempotent: the same `txnKey` never posts twice, even across restarts.
 */
export interface Transport {
  readonly userId: string;
  start(handlers: TransportHandlers): Promise<void>;
  send(roomId: string, type: string, content: MatrixContent, txnKey: string): Promise<string>;
  /** Uploads a file and posts it as `m.file` (encrypted attachment in encrypted rooms). */
  sendFile(
    roomId: string,
    file: { name: string; mimetype: string; bytes: Buffer },
    extra: MatrixContent,
    txnKey: string,
  ): Promise<string>;
  /**
   * Uploads an image and posts it as `m.image` with `info: {mimetype, size, w, h}`; in an encrypted
   * room the attachment is encrypted client-side and the event carries `file`, never `url`.
   */
  sendImage(roomId: string, image: OutboundImage, extra: MatrixContent, txnKey: string): Promise<string>;
  /** Redacts an event (idempotent by `txnKey`). */
  redact(roomId: string, eventId: string, reason: string, txnKey: string): Promise<void>;
  /**
   * Creates a private room the bot owns: end-to-end encrypted and `history_visibility: joined` from
   * its first event (initial state), power levels such that only the bot can invite, kick, redact or
   * change state. Invites `invite`. Returns the room id.
   */
  createRoom(options: { name: string; topic?: string; invite: string[] }): Promise<string>;
  invite(roomId: string, userId: string): Promise<void>;
  kick(roomId: string, userId: string, reason: string): Promise<void>;
  joinRoom(roomIdOrAlias: string): Promise<string>;
  leaveRoom(roomId: string, reason?: string): Promise<void>;
  resolveRoom(roomIdOrAlias: string): Promise<string>;
  displayName(): Promise<string | null>;
  /** Seconds since the epoch of the last successful sync, or null before the first one. */
  lastSyncAt(): number | null;
  /** Whether the latest sync batches were handled (red while they keep failing). */
  handling(): { ok: boolean; detail?: string };
  close(): Promise<void>;
}
