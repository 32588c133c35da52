/**
 * A real encrypting Matrix client: matrix-js-sdk with its Rust crypto, the library Element is built
 * on. It plays an officer (or an intruder) in end-to-end tests and the officers of `npm run demo`;
 * it reads and writes clear rooms too. Tests import it through `test/e2e/encrypted-client.ts`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ClientEvent, createClient, type MatrixClient, type MatrixEvent, SyncState } from "matrix-js-sdk";
import { type Logger, logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { loginWithPassword } from "../scripts/stack/admin.js";

// The SDK logs every decryption failure; the intruder's are expected here.
(sdkLogger as unknown as { setLevel(level: string): void }).setLevel("silent");

const quiet: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  getChild: () => quiet,
};

/**
 * Mutes `console.debug`, `console.info` and `console.trace` for this whole process: the Rust crypto
 * inside matrix-js-sdk traces every key exchange there at debug level (matrix-js-sdk turns it on in
 * `initRustCrypto`), and so do its per-room loggers. For tools that print to the console with
 * `console.log` (the demo); warnings and errors still show.
 */
export function muteCryptoTracing(): void {
  const mute = (): void => undefined;
  console.debug = mute;
  console.info = mute;
  console.trace = mute;
}

export interface SeenEvent {
  eventId: string;
  sender: string;
  /** Type after decryption (`m.room.encrypted` when it failed). */
  type: string;
  content: Record<string, unknown>;
  wasEncrypted: boolean;
  decryptionFailed: boolean;
  /** The homeserver's timestamp of the event (ms since the epoch). */
  originServerTs: number;
}

export class EncryptedUser {
  private constructor(
    readonly client: MatrixClient,
    readonly userId: string,
    readonly deviceId: string,
  ) {}

  /** Logs in as a new device, starts crypto and sync. */
  static async login(homeserver: string, userId: string, password: string): Promise<EncryptedUser> {
    const session = await loginWithPassword(homeserver, userId, password);
    const client = createClient({
      baseUrl: homeserver,
      userId: session.user_id,
      accessToken: session.access_token,
      deviceId: session.device_id,
      logger: quiet,
    });
    await client.initRustCrypto({ useIndexedDB: false });
    const ready = new Promise<void>((resolve) => {
      const onSync = (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        }
      };
      client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 30, threadSupport: false });
    await ready;
    return new EncryptedUser(client, session.user_id, session.device_id);
  }

  async sendText(roomId: string, body: string): Promise<string> {
    await this.waitForRoom(roomId);
    const { event_id } = await this.client.sendMessage(roomId, { msgtype: "m.text", body } as never);
    return event_id;
  }

  async sendContent(roomId: string, content: Record<string, unknown>): Promise<string> {
    await this.waitForRoom(roomId);
    const { event_id } = await this.client.sendMessage(roomId, content as never);
    return event_id;
  }

  /** Waits for an event in the room's live timeline (decrypted when possible) matching `predicate`. */
  async waitFor(roomId: string, predicate: (event: SeenEvent) => boolean, timeoutMs = 20_000): Promise<SeenEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events(roomId).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.events(roomId)
          .slice(-8)
          .map((e) => `${e.sender} ${e.type} ${JSON.stringify(e.content).slice(0, 120)}`);
        throw new Error(`${this.userId}: no matching event in ${roomId}; last events:\n  ${seen.join("\n  ")}`);
      }
      await sleep(200);
    }
  }

  events(roomId: string): SeenEvent[] {
    const room = this.client.getRoom(roomId);
    if (!room) return [];
    return room.getLiveTimeline().getEvents().map(toSeen);
  }

  async waitForRoom(roomId: string): Promise<void> {
    for (let i = 0; i < 100 && !this.client.getRoom(roomId); i++) await sleep(100);
    if (!this.client.getRoom(roomId)) throw new Error(`${this.userId} does not see room ${roomId}`);
  }

  stop(): void {
    this.client.stopClient();
  }
}

function toSeen(event: MatrixEvent): SeenEvent {
  return {
    eventId: event.getId() ?? "",
    sender: event.getSender() ?? "",
    type: event.getType(),
    content: event.getContent(),
    wasEncrypted: event.isEncrypted(),
    decryptionFailed: event.isDecryptionFailure(),
    originServerTs: event.getTs(),
  };
}
