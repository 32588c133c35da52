import {
  CollectStrategy,
  DecryptionSettings,
  DeviceId,
  DeviceLists,
  EncryptionSettings,
  initAsync,
  KeysBackupRequest,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  OlmMachine,
  type OutgoingRequest,
  RoomId,
  RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
  TrustRequirement,
  UserId,
} from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "../log.js";
import { isRecord } from "./content.js";
import { openIndexedDb, type CryptoStoreHandle } from "./crypto-store.js";

/** A raw client-server request: the transport's HTTP, so retries and auth live in one place. */
export type MatrixRequest = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) => Promise<unknown>;

export type DecryptResult =
  { ok: true; type: string; content: Record<string, unknown> } | { ok: false; reason: string; retryable: boolean };

export interface BotCryptoOptions {
  userId: string;
  deviceId: string;
  storeDir: string;
  passphrase: string;
  request: MatrixRequest;
  log: Logger;
}

/**
 * End-to-end encryption for the bot, on the maintained Rust crypto (vodozemac) compiled to WASM and
 * shipped inside its npm package — nothing is downloaded at install time. The bot's own sync loop
 * feeds it; it never talks to the homeserver by itself except through `request`.
 */
export class BotCrypto {
  private outgoing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly machine: OlmMachine,
    private readonly store: CryptoStoreHandle,
    private readonly options: BotCryptoOptions,
  ) {}

  static async open(options: BotCryptoOptions): Promise<BotCrypto> {
    await initAsync();
    const store = await openIndexedDb(options.storeDir);
    const machine = await withoutConsoleLog(() =>
      OlmMachine.initialize(new UserId(options.userId), new DeviceId(options.deviceId), "cross-bot-crypto", options.passphrase),
    );
    const crypto = new BotCrypto(machine, store, options);
    options.log.info(
      { deviceId: options.deviceId, ed25519: machine.identityKeys.ed25519.toBase64() },
      "end-to-end encryption ready",
    );
    await crypto.processOutgoingRequests();
    return crypto;
  }

  get ed25519(): string {
    return this.machine.identityKeys.ed25519.toBase64();
  }

  /** Feeds one /sync response's crypto parts (to-device messages, device lists, key counts). */
  async receiveSync(body: Record<string, unknown>): Promise<{ toDeviceCount: number }> {
    const toDevice = isRecord(body.to_device) && Array.isArray(body.to_device.events) ? body.to_device.events : [];
    const lists = isRecord(body.device_lists) ? body.device_lists : {};
    const ids = (value: unknown) =>
      (Array.isArray(value) ? value : []).filter((v): v is string => typeof v === "string").map((v) => new UserId(v));
    const counts = new Map<string, number>();
    if (isRecord(body.device_one_time_keys_count)) {
      for (const [algorithm, count] of Object.entries(body.device_one_time_keys_count)) {
        if (typeof count === "number") counts.set(algorithm, count);
      }
    }
    const fallback = Array.isArray(body.device_unused_fallback_key_types)
      ? new Set(body.device_unused_fallback_key_types.filter((v): v is string => typeof v === "string"))
      : undefined;
    await this.machine.receiveSyncChanges(
      JSON.stringify(toDevice),
      new DeviceLists(ids(lists.changed), ids(lists.left)),
      counts,
      fallback,
    );
    await this.processOutgoingRequests();
    return { toDeviceCount: toDevice.length };
  }

  /** Tells the crypto whose devices to follow (members of the encrypted rooms). */
  async trackUsers(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.machine.updateTrackedUsers(userIds.map((id) => new UserId(id)));
    await this.processOutgoingRequests();
  }

  async decrypt(roomId: string, event: Record<string, unknown>): Promise<DecryptResult> {
    try {
      const decrypted = await this.machine.decryptRoomEvent(
        JSON.stringify(event),
        new RoomId(roomId),
        new DecryptionSettings(TrustRequirement.Untrusted),
      );
      const clear: unknown = JSON.parse(decrypted.event);
      if (!isRecord(clear) || typeof clear.type !== "string" || !isRecord(clear.content)) {
        return { ok: false, reason: "decrypted payload is malformed", retryable: false };
      }
      // Relations stay in clear on the encrypted event (the spec): keep them on the decrypted one.
      const content = { ...clear.content };
      const outer = isRecord(event.content) ? event.content["m.relates_to"] : undefined;
      if (outer !== undefined && content["m.relates_to"] === undefined) content["m.relates_to"] = outer;
      return { ok: true, type: clear.type, content };
    } catch (error) {
      const code = (error as { code?: number }).code;
      const description = (error as { description?: string }).description ?? String(error);
      // MissingRoomKey (0) and UnknownMessageIndex (1) can heal when the sender's keys arrive.
      return { ok: false, reason: description, retryable: code === 0 || code === 1 };
    }
  }

  /**
   * Encrypts for exactly `recipients` (user ids): only their devices receive the room key. The
   * caller decides who they are — for the bot, the configured members present in the room.
   */
  async encrypt(roomId: string, type: string, content: Record<string, unknown>, recipients: string[]) {
    const ids = [...new Set([...recipients, this.options.userId])];
    // wasm-bindgen moves the objects of an array argument: each call needs fresh ones.
    const users = () => ids.map((id) => new UserId(id));
    await this.machine.updateTrackedUsers(users());
    await this.processOutgoingRequests(); // device lists of new users
    const claim = await this.machine.getMissingSessions(users());
    if (claim) await this.send(claim);
    const settings = new EncryptionSettings();
    settings.sharingStrategy = CollectStrategy.deviceBasedStrategy(false, false);
    for (const request of await this.machine.shareRoomKey(new RoomId(roomId), users(), settings)) await this.send(request);
    const encrypted: unknown = JSON.parse(await this.machine.encryptRoomEvent(new RoomId(roomId), type, JSON.stringify(content)));
    if (!isRecord(encrypted)) throw new Error("encryption produced no content");
    return encrypted;
  }

  /** Persists pending crypto writes; called before the sync position moves on. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  async close(): Promise<void> {
    await this.outgoing.catch(() => undefined);
    await this.flush();
    this.machine.close();
  }

  /** Sends what the crypto asks for (key uploads, queries, to-device), one batch at a time. */
  processOutgoingRequests(): Promise<void> {
    const run = this.outgoing.then(async () => {
      for (const request of await this.machine.outgoingRequests()) await this.send(request);
    });
    this.outgoing = run.catch((error: unknown) => this.options.log.warn({ err: String(error) }, "crypto request failed"));
    return this.outgoing;
  }

  private async send(request: OutgoingRequest | KeysClaimRequest | ToDeviceRequest): Promise<void> {
    const { request: http } = this.options;
    let response: unknown;
    if (request instanceof KeysUploadRequest)
      response = await http("POST", "/_matrix/client/v3/keys/upload", JSON.parse(request.body));
    else if (request instanceof KeysQueryRequest)
      response = await http("POST", "/_matrix/client/v3/keys/query", JSON.parse(request.body));
    else if (request instanceof KeysClaimRequest)
      response = await http("POST", "/_matrix/client/v3/keys/claim", JSON.parse(request.body));
    else if (request instanceof SignatureUploadRequest) {
      response = await http("POST", "/_matrix/client/v3/keys/signatures/upload", JSON.parse(request.body));
    } else if (request instanceof ToDeviceRequest) {
      const path = `/_matrix/client/v3/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
      response = await http("PUT", path, JSON.parse(request.body));
    } else if (request instanceof RoomMessageRequest) {
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
      response = await http("PUT", path, JSON.parse(request.body));
    } else if (request instanceof KeysBackupRequest) {
      response = {}; // the bot keeps no server-side key backup
    } else {
      return;
    }
    if (request.id !== undefined) {
      await this.machine.markRequestAsSent(request.id, request.type, JSON.stringify(response ?? {}));
    }
  }
}

/** node-indexeddb prints debugging lines with console.log when a database opens: keep stdout JSON-only. */
async function withoutConsoleLog<T>(work: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = () => undefined;
  try {
    return await work();
  } finally {
    console.log = original;
  }
}
