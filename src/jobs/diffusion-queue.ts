import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { type OutboxStore, PRIORITY } from "../store/outbox.js";
import { deliver, type DeliveryDeps } from "./deliver.js";
import { OutboxRelay, type RelayResult } from "./outbox-relay.js";
import { budgeted, SendBudget } from "./send-budget.js";
import { redisReconnect, withTimeout } from "./timing.js";

export const DIFFUSION_QUEUE = "cross-diffusion";

/** Job payloads carry ids only — never report text or personal data (they sit in Redis). */
const jobSchema = z.strictObject({ outboxId: z.number().int().positive() });

export interface DiffusionOptions {
  redisUrl: string;
  /**
   * Keeps this bot's jobs apart in a shared Redis (key prefix), and ties job ids to this database:
   * a job id from another bot, or from a database restored from backup, never shadows a new row.
   */
  namespace: string;
  instanceId: string;
  /** Sends per window, for the whole homeserver (Tchap asks about one call per second). */
  rateLimit: { max: number; durationMs: number };
  /** The budget those sends are counted against (shared with the transport, which reports 429s). */
  budget?: SendBudget;
  /** A queued row not sent after this long is queued again (Redis may have lost it). */
  requeueAfterMs?: number;
  relayIntervalMs?: number;
}

export interface Diffusion {
  /** Hands due outbox rows to the queue (see `RelayResult`). */
  relay(): Promise<RelayResult>;
  close(): Promise<void>;
}

/**
 * The diffusion pipeline: SQLite outbox → relay → BullMQ queue → one worker (concurrency 1, so a
 * room's messages keep their order) → Matrix. Redis down: rows wait in the outbox and the relay
 * retries; the report itself is already safe in SQLite.
 */
export function startDiffusion(
  options: DiffusionOptions,
  deps: DeliveryDeps & { outbox: OutboxStore; log: Logger; metrics: Metrics },
): Diffusion {
  const { log } = deps;
  const budget = options.budget ?? new SendBudget(options.rateLimit);
  const delivery: DeliveryDeps = { ...deps, transport: budgeted(deps.transport, budget) };
  // The match alert to the room whose officer just reported answers that report: it leaves at
  // once, outside the budget like the confirmation it follows (the other alerts waiting for that
  // room leave in the same message, up to 8), and the budget's slots stay for the other rooms.
  const answering: DeliveryDeps = { ...deps, transport: budgeted(deps.transport, budget, { answering: true }) };
  // The queue fails fast when Redis is away (the relay retries); the worker waits for it forever.
  // Both reconnect with a short capped back-off, so the backlog leaves soon after Redis returns.
  const queueConnection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: redisReconnect,
  });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, retryStrategy: redisReconnect });
  queueConnection.on("error", (error) => log.debug({ err: error.message }, "diffusion queue: redis error"));
  workerConnection.on("error", (error) => log.debug({ err: error.message }, "diffusion worker: redis error"));
  const prefix = `crossbot:${options.namespace}`;
  const queue = new Queue(DIFFUSION_QUEUE, {
    prefix,
    connection: queueConnection,
    defaultJobOptions: {
      attempts: 12,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: { count: 5000 },
      removeOnFail: { count: 5000 },
    },
  });
  queue.on("error", (error) => log.debug({ err: error.message }, "diffusion queue error"));

  const worker = new Worker(
    DIFFUSION_QUEUE,
    async (job) => {
      const data = jobSchema.safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`malformed diffusion job ${job.id ?? ""}`);
      // No slot free yet (budget spent, or held after a 429): the job goes back to the queue and
      // the whole queue pauses until the slot frees, so that the slot goes to the most urgent job
      // then — a match alert that came in meanwhile — rather than to the one that happened to wait.
      // A second at most: an alert answering a report needs no slot, and must not wait out a
      // longer pause (a slow budget, a long 429) before it is even looked at.
      const answer = job.opts.priority === PRIORITY.alertToReporter;
      const wait = answer ? 0 : budget.waitMs();
      if (wait > 0) {
        await queue.rateLimit(Math.min(wait, 1000));
        throw Worker.RateLimitError();
      }
      const outcome = await deliver(data.data.outboxId, answer ? answering : delivery);
      deps.metrics.diffusions.inc({ outcome });
      return outcome;
    },
    {
      prefix,
      connection: workerConnection,
      concurrency: 1,
      // BullMQ's limiter would count jobs, and a job whose card already left in a grouped message
      // costs no call: the budget (`SendBudget`) counts Matrix calls instead. The limiter is set
      // out of reach only so that the manual pause above (`queue.rateLimit`) applies.
      // A failed fetch (Redis away) is retried soon, not after BullMQ's default 15 s.
      runRetryDelay: 200,
      limiter: { max: 1_000_000, duration: 1000 },
    },
  );
  worker.on("error", (error) => log.debug({ err: error.message }, "diffusion worker error"));
  worker.on("failed", (job, error) =>
    log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, "diffusion attempt failed"),
  );

  const relayer = new OutboxRelay(
    deps.outbox,
    async (due) => {
      await withTimeout(
        queue.addBulk(
          due.map((row) => ({
            name: row.kind,
            data: { outboxId: row.id },
            // Match alerts first, then cards, then thread updates and withdrawals (see `PRIORITY` in src/store/outbox.ts).
            opts: { jobId: `o-${options.instanceId}-${row.id}`, priority: row.priority },
          })),
        ),
        2000,
      );
    },
    { requeueAfterMs: options.requeueAfterMs ?? 120_000 },
  );
  const relay = async (): Promise<RelayResult> => {
    const result = await relayer.relay();
    if (!result.took) {
      deps.metrics.relayFailures.inc();
      log.warn({ err: (relayer.lastError as Error | null)?.message }, "diffusion relay: queue unavailable, will retry");
    }
    return result;
  };
  const tick = () =>
    void relay()
      .then(() => relayer.mark())
      .catch((error: unknown) => log.warn({ err: String(error) }, "diffusion relay: tick failed"));
  const timer = setInterval(tick, options.relayIntervalMs ?? 2000);
  // Redis is back: hand the backlog over at once rather than at the next tick of the timer.
  queueConnection.on("ready", () => void relay());
  void relay();

  return {
    relay,
    async close() {
      clearInterval(timer);
      await relayer.mark().catch(() => undefined);
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
      queueConnection.disconnect();
    },
  };
}
