import { createHash } from "node:crypto";
import { encryptAttachment } from "./attachment.js";
import { LogLevel, LogService, MatrixClient, MatrixError, MemoryStorageProvider } from "matrix-bot-sdk";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { PendingDecryptionStore } from "../store/pending-decryption.js";
import type { ReceiptStore } from "../store/receipts.js";
import type { MatrixContent } from "./content.js";
import { BotCrypto, type MatrixRequest } from "./e2ee.js";
import { backoffMs, rateLimitDelayMs, sleep } from "./retry.js";
import { RoomStates } from "./room-state.js";
import { readSyncResponse, SYNC_FILTER, type SyncBatch, type SyncEvent, toInboundEvent } from "./sync.js";
import type { InboundEvent, OutboundImage, Transport, TransportHandlers } from "./transport.js";

export interface BotSdkTransportOptions {
  homeserverUrl: string;
  accessToken: string;
  userId: string;
  receipts: Pick<ReceiptStore, "syncPosition" | "saveSyncToken">;
  pending: PendingDecryptionStore;
  /** End-to-end encryption: where the crypto store lives and its passphrase; null disables it. */
  encryption: { storeDir: string; passphrase: string } | null;
  /** Of a room's members, those whose devices may receive the room keys of the bot's messages. */
  keyRecipients(members: string[]): string[];
  log: Logger;
  metrics: Metrics;
  /** Long-poll duration of /sync. */
  syncTimeoutMs?: number;
  /** Told of every failure of a batch; true when it is a full disk (then retried at a steady pace). */
  storageError?(error: unknown): boolean;
  /** Told of every 429 with the delay the homeserver asked for (the fan-out pauses its whole queue). */
  onRateLimited?(retryAfterMs: number): void;
}

/** A batch whose events were all handled but that the disk could not record. */
class StorageFull extends Error {
  constructor(cause: unknown) {
    super(`storage full: ${describe(cause)}`, { cause });
  }
}

/** While the disk is full, batches are retried at this pace (not backed off): new commands still get their answer. */
const FULL_DISK_RETRY_MS = 2000;

const MAX_SEND_ATTEMPTS = 8;
const REQUEST_TIMEOUT_MS = 120_000;
const MAX_BACKFILL_PAGES = 10;
/** Backfill reaches this far before the last saved position, to cover clock skew with the server. */
const BACKFILL_MARGIN_MS = 5 * 60_000;

/**
 * The Matrix transport: matrix-bot-sdk's HTTP client, the bot's own /sync loop, and the Rust crypto
 * (WASM) for encrypted rooms (see docs/e2ee.md).
 *
 * matrix-bot-sdk's own sync saves the position *before* handlers run and does not await them, so a
 * crash loses events. This transport runs its own loop: events are decrypted, handed over one by
 * one and awaited in each room (the rooms of a batch side by side), and the position is saved only
 * after the whole batch is handled and the crypto state is written.
 */
export class BotSdkTransport implements Transport {
  readonly userId: string;
  private readonly client: MatrixClient;
  private readonly abort = new AbortController();
  private readonly rooms: RoomStates;
  private crypto: BotCrypto | null = null;
  private loop: Promise<void> | null = null;
  private lastSync: number | null = null;
  private failedBatches = 0;
  /** A position the disk could not take (full): the loop goes on from it until it can be saved. */
  private unsavedToken: string | null = null;
  private lastBatchError = "";

  constructor(private readonly options: BotSdkTransportOptions) {
    this.userId = options.userId;
    LogService.setLevel(LogLevel.ERROR);
    LogService.muteModule("MatrixHttpClient");
    this.client = new MatrixClient(options.homeserverUrl, options.accessToken, new MemoryStorageProvider());
    this.rooms = new RoomStates(this.request);
  }

  async start(handlers: TransportHandlers): Promise<void> {
    const whoami = await this.client.getWhoAmI();
    if (whoami.user_id !== this.userId) {
      throw new Error(`access token belongs to ${whoami.user_id}, configuration says ${this.userId}`);
    }
    if (this.options.encryption) {
      if (!whoami.device_id) throw new Error("the access token has no device: encryption needs one");
      this.options.metrics.pendingDecryption.set(await this.options.pending.count());
      this.crypto = await BotCrypto.open({
        userId: this.userId,
        deviceId: whoami.device_id,
        storeDir: this.options.encryption.storeDir,
        passphrase: this.options.encryption.passphrase,
        request: this.request,
        log: this.options.log,
      });
    }
    this.loop = this.syncLoop(handlers);
  }

  async send(roomId: string, type: string, content: MatrixContent, txnKey: string): Promise<string> {
    const room = await this.rooms.get(roomId);
    let eventType = type;
    let body = content;
    if (room.encrypted) {
      // Never a clear event in an encrypted room: without crypto, refuse to send.
      if (!this.crypto) throw new Error(`room ${roomId} is encrypted and encryption is disabled`);
      body = await this.crypto.encrypt(roomId, type, content, this.options.keyRecipients([...room.members]));
      eventType = "m.room.encrypted";
    }
    const txnId = `cb${createHash("sha256").update(txnKey).digest("hex").slice(0, 40)}`;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(eventType)}/${txnId}`;
    const response = (await this.request("PUT", path, body)) as { event_id: string };
    return response.event_id;
  }

  async sendFile(
    roomId: string,
    file: { name: string; mimetype: string; bytes: Buffer },
    extra: MatrixContent,
    txnKey: string,
  ): Promise<string> {
    const room = await this.rooms.get(roomId);
    const info = { mimetype: file.mimetype, size: file.bytes.length };
    if (!room.encrypted) {
      const url = await this.client.uploadContent(file.bytes, file.mimetype, file.name);
      return this.send(roomId, "m.room.message", { ...extra, msgtype: "m.file", body: file.name, url, info }, txnKey);
    }
    const sealed = encryptAttachment(file.bytes);
    const url = await this.client.uploadContent(sealed.data, "application/octet-stream", "attachment");
    return this.send(
      roomId,
      "m.room.message",
      { ...extra, msgtype: "m.file", body: file.name, file: { ...sealed.file, url }, info },
      txnKey,
    );
  }

  async sendImage(roomId: string, image: OutboundImage, extra: MatrixContent, txnKey: string): Promise<string> {
    const room = await this.rooms.get(roomId);
    const info = { mimetype: image.mimetype, size: image.bytes.length, w: image.w, h: image.h };
    const content = { "m.mentions": {}, ...extra, msgtype: "m.image", body: image.name, info };
    if (!room.encrypted) {
      const url = await this.client.uploadContent(image.bytes, image.mimetype, image.name);
      return this.send(roomId, "m.room.message", { ...content, url }, txnKey);
    }
    const sealed = encryptAttachment(image.bytes);
    const url = await this.client.uploadContent(sealed.data, "application/octet-stream", "attachment");
    return this.send(roomId, "m.room.message", { ...content, file: { ...sealed.file, url } }, txnKey);
  }

  async redact(roomId: string, eventId: string, reason: string, txnKey: string): Promise<void> {
    const txnId = `cb${createHash("sha256").update(txnKey).digest("hex").slice(0, 40)}`;
    await this.request(
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/${txnId}`,
      { reason },
    );
  }

  async createRoom(options: { name: string; topic?: string; invite: string[] }): Promise<string> {
    const response = (await this.request("POST", "/_matrix/client/v3/createRoom", createRoomBody(options))) as {
      room_id: string;
    };
    return response.room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: userId });
  }

  async kick(roomId: string, userId: string, reason: string): Promise<void> {
    await this.request("POST", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/kick`, { user_id: userId, reason });
  }

  async joinRoom(roomIdOrAlias: string): Promise<string> {
    return this.client.joinRoom(roomIdOrAlias);
  }

  async leaveRoom(roomId: string, reason?: string): Promise<void> {
    await this.client.leaveRoom(roomId, reason);
  }

  async resolveRoom(roomIdOrAlias: string): Promise<string> {
    return this.client.resolveRoom(roomIdOrAlias);
  }

  async displayName(): Promise<string | null> {
    try {
      const profile = (await this.client.getUserProfile(this.userId)) as { displayname?: string };
      return profile.displayname ?? null;
    } catch {
      return null;
    }
  }

  lastSyncAt(): number | null {
    return this.lastSync;
  }

  handling(): { ok: boolean; detail?: string } {
    return this.failedBatches === 0
      ? { ok: true }
      : { ok: false, detail: `${this.failedBatches} sync batch(es) in a row not handled: ${this.lastBatchError}` };
  }

  /** The bot's device fingerprint (ed25519), for operators verifying it; null without encryption. */
  deviceFingerprint(): string | null {
    return this.crypto?.ed25519 ?? null;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.crypto?.close();
  }

  /**
   * Every client-server call goes through here: 429 waits for the server's delay, 5xx and network
   * errors back off and retry. Callers make retries safe (transaction ids).
   */
  private readonly request: MatrixRequest = async (method, path, body) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchJson(method, path, body);
      } catch (error) {
        const wait = retryDelay(error, attempt);
        const limited = rateLimitDelayMs(error);
        if (limited !== null) this.options.onRateLimited?.(limited);
        if (wait === null || attempt + 1 >= MAX_SEND_ATTEMPTS || this.abort.signal.aborted) throw error;
        this.options.log.warn(
          { method, path: path.split("?")[0], attempt, waitMs: wait, err: describe(error) },
          "request failed, retrying",
        );
        await sleep(wait, this.abort.signal);
      }
    }
  };

  /**
   * One client-server call. Not matrix-bot-sdk's `doRequest`: its `MatrixError` drops the response
   * headers, and a 429's `Retry-After` is in them. Errors are still `MatrixError`s, with `headers`.
   */
  private async fetchJson(method: string, path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.options.homeserverUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.options.accessToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { errcode: "M_UNKNOWN", error: text.slice(0, 200) };
    }
    if (response.ok) return parsed;
    const errorBody =
      typeof parsed === "object" && parsed !== null && "errcode" in parsed
        ? (parsed as Record<string, unknown>)
        : { errcode: "M_UNKNOWN", error: `HTTP ${response.status}` };
    const error = new MatrixError(errorBody as never, response.status) as MatrixError & { headers: Record<string, string> };
    error.headers = Object.fromEntries(response.headers.entries());
    throw error;
  }

  private async syncLoop(handlers: TransportHandlers): Promise<void> {
    const { log, metrics, receipts } = this.options;
    let failures = 0;
    let catchingUp = true; // the first sync returns at once, so health is green as soon as we are current
    const failedEvents: string[] = [];
    while (!this.abort.signal.aborted) {
      const position = await receipts.syncPosition();
      const since = this.unsavedToken ?? position?.token ?? null;
      let raw: Record<string, unknown>;
      let batch: SyncBatch;
      try {
        raw = await this.sync(since, catchingUp ? 0 : (this.options.syncTimeoutMs ?? 30_000));
        batch = readSyncResponse(raw, this.userId);
      } catch (error) {
        if (this.abort.signal.aborted) break;
        metrics.syncFailures.inc();
        const wait = backoffMs(failures++);
        log.warn({ err: describe(error), failures, waitMs: wait }, "sync failed");
        await sleep(wait, this.abort.signal);
        continue;
      }
      failures = 0;
      this.lastSync = Date.now() / 1000;
      metrics.lastSync.set(this.lastSync);
      try {
        // Room keys arrive as to-device messages: take them in before decrypting the timeline.
        // On a full disk the crypto store cannot take them: the rest of the batch is still handled
        // (clear rooms keep working), and the batch is not marked done, so the keys come again.
        let deferred: unknown = null;
        const keys = this.crypto
          ? await this.crypto.receiveSync(raw).catch((error: unknown) => {
              if (!this.options.storageError?.(error)) throw error;
              deferred = error;
              return { toDeviceCount: 0 };
            })
          : { toDeviceCount: 0 };
        log.debug(
          { rooms: batch.rooms.length, events: batch.rooms.reduce((n, r) => n + r.events.length, 0), since: since !== null },
          "sync batch",
        );
        for (const room of batch.rooms) {
          this.rooms.update(room.roomId, room.stateChanges);
          for (const change of room.stateChanges) await handlers.onStateChange?.(room.roomId, change);
        }
        for (const invite of batch.invites) await handlers.onInvite(invite);
        if (keys.toDeviceCount > 0) await this.retryPending(handlers);
        // A brand-new bot (no saved position) starts from now: it does not answer the rooms' history.
        // The rooms of a batch are handled side by side, each room's events in order: officers
        // writing in several rooms at once wait for their own room only, and their reports share
        // the store's commits (group commit, src/store/db.ts).
        if (since !== null) {
          const rooms = await Promise.allSettled(
            batch.rooms.map(async (room) => {
              const earlier =
                room.limited && room.prevBatch && position
                  ? await this.backfill(room.roomId, room.prevBatch, position.savedAt - BACKFILL_MARGIN_MS)
                  : [];
              for (const event of [...earlier, ...room.events]) {
                if (this.abort.signal.aborted) return;
                // One event that fails must not hold the others: each is tried, and the batch comes
                // again only for the ones that failed (the ledger skips what was done).
                try {
                  const clear = await this.reveal(event);
                  if (clear) await handlers.onEvent(clear);
                } catch (error) {
                  failedEvents.push(event.eventId);
                  log.error({ err: error, eventId: event.eventId, roomId: event.roomId }, "handling an event failed");
                }
              }
            }),
          );
          if (this.abort.signal.aborted) return;
          // A room whose history could not be fetched: the batch comes again, once every room is done.
          const failed = rooms.find((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed) throw failed.reason;
        }
        await this.crypto?.flush().catch((error: unknown) => {
          if (!this.options.storageError?.(error)) throw error;
          deferred ??= error;
        });
        if (failedEvents.length > 0) throw new Error(`${failedEvents.length} event(s) not handled: ${failedEvents.join(", ")}`);
        if (deferred) throw new StorageFull(deferred);
      } catch (error) {
        // The position is not saved: the batch comes again and the ledger skips what was done.
        this.failedBatches++;
        this.lastBatchError = describe(error);
        const full = error instanceof StorageFull;
        // Every event was handled (answered « stockage plein » or done), only the disk refused to
        // record it: the next sync starts after this batch, in memory — asking the homeserver for
        // the same position again would only get its cached answer, without the new commands.
        if (full) this.unsavedToken = batch.nextBatch;
        log.error({ err: full ? error.cause : error, storageFull: full }, "handling a sync batch failed; it will be retried");
        await sleep(full ? FULL_DISK_RETRY_MS : backoffMs(failures++), this.abort.signal);
        continue;
      } finally {
        failedEvents.length = 0;
      }
      this.failedBatches = 0;
      try {
        await receipts.saveSyncToken(batch.nextBatch);
        this.unsavedToken = null;
      } catch (error) {
        // A full disk: the batch will come again from the old position; the ledger (and the
        // handler's memory while the disk is full) keeps it from being answered twice.
        const full = this.options.storageError?.(error) ?? false;
        if (full) this.unsavedToken = batch.nextBatch;
        log.error({ err: error, storageFull: full }, "cannot save the sync position");
        await sleep(full ? FULL_DISK_RETRY_MS : backoffMs(failures++), this.abort.signal);
        continue;
      }
      catchingUp = false;
    }
  }

  /** The event as handlers see it: decrypted when it was encrypted, or null when it cannot be yet. */
  private async reveal(event: SyncEvent): Promise<InboundEvent | null> {
    const { raw, ...inbound } = event;
    if (event.type !== "m.room.encrypted" || event.sender === this.userId) return inbound;
    if (!this.crypto) {
      this.options.metrics.undecryptable.inc();
      this.options.log.warn({ roomId: event.roomId, eventId: event.eventId }, "encrypted event but encryption is disabled");
      return null;
    }
    const result = await this.crypto.decrypt(event.roomId, raw);
    if (result.ok) return { ...inbound, type: result.type, content: result.content, encrypted: true };
    const isNew = await this.options.pending.add(event.roomId, event.eventId, raw, result.reason);
    if (isNew) this.options.metrics.undecryptable.inc();
    this.options.metrics.pendingDecryption.set(await this.options.pending.count());
    this.options.log.warn(
      { roomId: event.roomId, eventId: event.eventId, reason: result.reason, retryable: result.retryable },
      "undecryptable event kept for retry",
    );
    return null;
  }

  /** Keys came in: try the events kept undecrypted again, oldest first. */
  private async retryPending(handlers: TransportHandlers): Promise<void> {
    if (!this.crypto) return;
    for (const pending of await this.options.pending.list()) {
      const result = await this.crypto.decrypt(pending.roomId, pending.event);
      if (!result.ok) {
        await this.options.pending.failedAgain(pending.eventId, result.reason);
        continue;
      }
      const inbound = toInboundEvent(pending.roomId, pending.event);
      if (inbound) {
        const { raw: _raw, ...event } = inbound;
        this.options.log.info(
          { roomId: pending.roomId, eventId: pending.eventId, attempts: pending.attempts },
          "late decryption succeeded",
        );
        await handlers.onEvent({ ...event, type: result.type, content: result.content, encrypted: true });
      }
      await this.options.pending.remove(pending.eventId);
    }
    this.options.metrics.pendingDecryption.set(await this.options.pending.count());
  }

  private async sync(since: string | null, timeoutMs: number): Promise<Record<string, unknown>> {
    const params = new URLSearchParams({ filter: SYNC_FILTER, timeout: String(since ? timeoutMs : 0) });
    if (since) params.set("since", since);
    const response = await fetch(`${this.options.homeserverUrl}/_matrix/client/v3/sync?${params.toString()}`, {
      headers: { authorization: `Bearer ${this.options.accessToken}` },
      // A homeserver that accepts the connection but never answers must not freeze the loop.
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs + 30_000)]),
    });
    if (!response.ok) throw new Error(`/sync answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /**
   * A "limited" timeline means more happened while the bot was away than /sync returns: page
   * backwards so that no command typed during an outage is missed (the ledger drops repeats).
   */
  private async backfill(roomId: string, from: string, notBefore: number): Promise<SyncEvent[]> {
    const events: SyncEvent[] = [];
    let token: string | undefined = from;
    for (let page = 0; page < MAX_BACKFILL_PAGES && token; page++) {
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${new URLSearchParams({ from: token, dir: "b", limit: "100" }).toString()}`;
      const response = (await this.request("GET", path)) as { chunk?: unknown[]; end?: string };
      const chunk = (response.chunk ?? []).map((e) => toInboundEvent(roomId, e)).filter((e): e is SyncEvent => e !== null);
      const recent = chunk.filter((e) => e.originServerTs >= notBefore);
      events.push(...recent);
      token = recent.length === chunk.length && chunk.length > 0 ? response.end : undefined;
    }
    if (events.length > 0) this.options.log.warn({ roomId, events: events.length }, "timeline was limited; backfilled");
    return events.reverse();
  }
}

/** How long to wait before retrying a failed request, or null when retrying cannot help. */
function retryDelay(error: unknown, attempt: number): number | null {
  const limited = rateLimitDelayMs(error, Date.now(), backoffMs(attempt));
  if (limited !== null) return limited;
  if (error instanceof MatrixError) {
    return error.statusCode >= 500 ? backoffMs(attempt) : null;
  }
  return backoffMs(attempt); // network error: the server may have the request already; callers made retrying safe
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `/createRoom` body of a room the bot owns (see MATRIX.md "Rooms the bot creates"): encryption
 * and `joined` history in the initial state, so nothing sent before someone joins is readable by
 * them; everybody else at 0, and invite/kick/redact/state changes at 100 (the bot alone).
 * No key bundle of history is ever built for these rooms.
 */
export function createRoomBody(options: { name: string; topic?: string; invite: string[] }) {
  return {
    preset: "private_chat",
    name: options.name,
    ...(options.topic ? { topic: options.topic } : {}),
    invite: options.invite,
    initial_state: [
      { type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } },
      { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } },
    ],
    // No `users`: the homeserver gives the creator (the bot) full power itself — room version 12
    // makes creators all-powerful and refuses them in `users`; older versions default them to 100.
    power_level_content_override: {
      users_default: 0,
      events_default: 0,
      state_default: 100,
      invite: 100,
      kick: 100,
      ban: 100,
      redact: 100,
      events: {
        "m.room.name": 100,
        "m.room.power_levels": 100,
        "m.room.history_visibility": 100,
        "m.room.encryption": 100,
        "m.room.join_rules": 100,
        "m.room.tombstone": 100,
      },
    },
  };
}
