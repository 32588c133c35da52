import { Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { OutboxStore } from "../store/outbox.js";
import { deliver, type DeliveryDeps } from "./deliver.js";
import { redisRetry, withTimeout } from "./timing.js";

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
  /** A queued row not sent after this long is queued again (Redis may have lost it). */
  requeueAfterMs?: number;
  relayIntervalMs?: number;
}

export interface Diffusion {
  /** Hands due outbox rows to the queue; false when Redis cannot take them now. */
  relay(): Promise<boolean>;
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
  // The queue fails fast when Redis is away (the relay retries); the worker waits for it forever.
  const queueConnection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: redisRetry,
  });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, retryStrategy: redisRetry });
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
      const outcome = await deliver(data.data.outboxId, deps);
      deps.metrics.diffusions.inc({ outcome });
      return outcome;
    },
    {
      prefix,
      connection: workerConnection,
      concurrency: 1,
      limiter: { max: options.rateLimit.max, duration: options.rateLimit.durationMs },
    },
  );
  worker.on("error", (error) => log.debug({ err: error.message }, "diffusion worker error"));
  worker.on("failed", (job, error) =>
    log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, "diffusion attempt failed"),
  );

  let relaying: Promise<boolean> = Promise.resolve(true);
  const relayOnce = async (): Promise<boolean> => {
    const due = await deps.outbox.dueForQueue(Date.now(), options.requeueAfterMs ?? 120_000);
    if (due.length === 0) return true;
    try {
      await withTimeout(
        queue.addBulk(
          due.map((row) => ({
            name: row.kind,
            data: { outboxId: row.id },
            opts: { jobId: `o-${options.instanceId}-${row.id}` },
          })),
        ),
        2000,
      );
    } catch (error) {
      deps.metrics.relayFailures.inc();
      log.warn({ pending: due.length, err: (error as Error).message }, "diffusion relay: queue unavailable, will retry");
      return false;
    }
    await deps.outbox.markQueued(
      due.map((row) => row.id),
      Date.now(),
    );
    return true;
  };
  const relay = () => {
    relaying = relaying.then(relayOnce, relayOnce);
    return relaying;
  };
  const timer = setInterval(() => void relay(), options.relayIntervalMs ?? 2000);
  void relay();

  return {
    relay,
    async close() {
      clearInterval(timer);
      await relaying.catch(() => undefined);
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
      queueConnection.disconnect();
    },
  };
}
