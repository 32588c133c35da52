import { createHash } from "node:crypto";
import { MatrixClient, MatrixError, MemoryStorageProvider, LogService, LogLevel } from "matrix-bot-sdk";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { ReceiptStore } from "../store/receipts.js";
import type { MatrixContent } from "./content.js";
import { backoffMs, sleep } from "./retry.js";
import { readSyncResponse, SYNC_FILTER, toInboundEvent, type SyncBatch } from "./sync.js";
import type { InboundEvent, Transport, TransportHandlers } from "./transport.js";

export interface BotSdkTransportOptions {
  homeserverUrl: string;
  accessToken: string;
  userId: string;
  receipts: Pick<ReceiptStore, "syncPosition" | "saveSyncToken">;
  log: Logger;
  metrics: Metrics;
  /** Long-poll duration of /sync. */
  syncTimeoutMs?: number;
}

const MAX_SEND_ATTEMPTS = 8;
const MAX_BACKFILL_PAGES = 10;
/** Backfill reaches this far before the last saved position, to cover clock skew with the server. */
const BACKFILL_MARGIN_MS = 5 * 60_000;

/**
 * The Matrix transport on matrix-bot-sdk (clear rooms only; see docs/e2ee.md).
 *
 * matrix-bot-sdk's own sync saves the position *before* handlers run and does not await them, so a
 * crash loses events. This transport runs its own /sync loop instead: events are handed over one by
 * one and awaited, and the position is saved only after the whole batch is handled. The SDK's
 * client is used for every other call.
 */
export class BotSdkTransport implements Transport {
  readonly userId: string;
  private readonly client: MatrixClient;
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private lastSync: number | null = null;

  constructor(private readonly options: BotSdkTransportOptions) {
    this.userId = options.userId;
    LogService.setLevel(LogLevel.ERROR);
    LogService.muteModule("MatrixHttpClient");
    this.client = new MatrixClient(options.homeserverUrl, options.accessToken, new MemoryStorageProvider());
  }

  async start(handlers: TransportHandlers): Promise<void> {
    const whoami = (await this.client.getWhoAmI()) as { user_id: string };
    if (whoami.user_id !== this.userId) {
      throw new Error(`access token belongs to ${whoami.user_id}, configuration says ${this.userId}`);
    }
    this.loop = this.syncLoop(handlers);
  }

  async send(roomId: string, type: string, content: MatrixContent, txnKey: string): Promise<string> {
    const txnId = `cb${createHash("sha256").update(txnKey).digest("hex").slice(0, 40)}`;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${txnId}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = (await this.client.doRequest("PUT", path, null, content)) as { event_id: string };
        return response.event_id;
      } catch (error) {
        const wait = retryDelay(error, attempt);
        if (wait === null || attempt + 1 >= MAX_SEND_ATTEMPTS || this.abort.signal.aborted) throw error;
        this.options.log.warn({ roomId, attempt, waitMs: wait, err: describe(error) }, "send failed, retrying");
        await sleep(wait, this.abort.signal);
      }
    }
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

  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async syncLoop(handlers: TransportHandlers): Promise<void> {
    const { log, metrics, receipts } = this.options;
    let failures = 0;
    let catchingUp = true; // the first sync returns at once, so health is green as soon as we are current
    while (!this.abort.signal.aborted) {
      const position = await receipts.syncPosition();
      const since = position?.token ?? null;
      let batch: SyncBatch;
      try {
        batch = await this.sync(since, catchingUp ? 0 : (this.options.syncTimeoutMs ?? 30_000));
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
        for (const invite of batch.invites) await handlers.onInvite(invite);
        // A brand-new bot (no saved position) starts from now: it does not answer the rooms' history.
        if (since !== null) {
          for (const room of batch.rooms) {
            const earlier =
              room.limited && room.prevBatch && position
                ? await this.backfill(room.roomId, room.prevBatch, position.savedAt - BACKFILL_MARGIN_MS)
                : [];
            for (const event of [...earlier, ...room.events]) {
              if (this.abort.signal.aborted) return;
              await handlers.onEvent(event);
            }
          }
        }
      } catch (error) {
        // The position is not saved: the batch comes again and the ledger skips what was done.
        log.error({ err: error }, "handling a sync batch failed; it will be retried");
        await sleep(backoffMs(failures++), this.abort.signal);
        continue;
      }
      await receipts.saveSyncToken(batch.nextBatch);
      catchingUp = false;
    }
  }

  private async sync(since: string | null, timeoutMs: number): Promise<SyncBatch> {
    const params = new URLSearchParams({ filter: SYNC_FILTER, timeout: String(since ? timeoutMs : 0) });
    if (since) params.set("since", since);
    const response = await fetch(`${this.options.homeserverUrl}/_matrix/client/v3/sync?${params}`, {
      headers: { authorization: `Bearer ${this.options.accessToken}` },
      // A homeserver that accepts the connection but never answers must not freeze the loop.
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs + 30_000)]),
    });
    if (!response.ok) throw new Error(`/sync answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return readSyncResponse(await response.json(), this.userId);
  }

  /**
   * A "limited" timeline means more happened while the bot was away than /sync returns: page
   * backwards so that no command typed during an outage is missed (the ledger drops repeats).
   */
  private async backfill(roomId: string, from: string, notBefore: number): Promise<InboundEvent[]> {
    const events: InboundEvent[] = [];
    let token: string | undefined = from;
    for (let page = 0; page < MAX_BACKFILL_PAGES && token; page++) {
      const response = (await this.client.doRequest(
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`,
        { from: token, dir: "b", limit: 100 },
      )) as { chunk?: unknown[]; end?: string };
      const chunk = (response.chunk ?? []).map((e) => toInboundEvent(roomId, e)).filter((e): e is InboundEvent => e !== null);
      const recent = chunk.filter((e) => e.originServerTs >= notBefore);
      events.push(...recent);
      token = recent.length === chunk.length && chunk.length > 0 ? response.end : undefined;
    }
    this.options.log.warn({ roomId, events: events.length }, "timeline was limited; backfilled");
    return events.reverse();
  }
}

/** How long to wait before retrying a failed send, or null when retrying cannot help. */
function retryDelay(error: unknown, attempt: number): number | null {
  if (error instanceof MatrixError) {
    if (error.errcode === "M_LIMIT_EXCEEDED") return error.retryAfterMs ?? backoffMs(attempt);
    return error.statusCode >= 500 ? backoffMs(attempt) : null;
  }
  return backoffMs(attempt); // network error: the server may have the event already; the txn id makes retrying safe
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
