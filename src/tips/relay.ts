import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { receiptKey, receiptViewSchema, type ReceiptView, TIPS_QUEUE } from "../core/tips/wire.js";
import type { Logger } from "../log.js";
import type { Spool } from "./spool.js";
import { redisRetry, withTimeout } from "../jobs/timing.js";

/**
 * Hands the spool to the bot through Redis (one BullMQ job per tip or answer, id derived from the
 * submission, so a double hand-off is one job; the bot removes it once stored) and reads back the
 * receipt views the bot publishes. Redis away: the spool keeps everything and the relay retries.
 * A tip is removed from the spool when its receipt view exists (the bot stored it), not before.
 */
export function startRelay(
  options: { redisUrl: string; prefix: string; intervalMs?: number; resendAfterMs?: number },
  spool: Spool,
  log: Logger,
) {
  const connection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: redisRetry,
  });
  connection.on("error", (error) => log.debug({ err: error.message }, "tips relay: redis error"));
  const queue = new Queue(TIPS_QUEUE, {
    prefix: options.prefix,
    connection,
    defaultJobOptions: {
      attempts: 1000,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  queue.on("error", (error) => log.debug({ err: error.message }, "tips queue error"));

  // A tip leaves the spool only once the bot has stored it (its receipt view appears in Redis):
  // a Redis that restarts empty before the bot took the job loses nothing, the job is sent again.
  const queuedAt = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();
  const relayOnce = async () => {
    for (const job of spool.list()) {
      try {
        if (job.kind === "tip") {
          if ((await withTimeout(connection.exists(receiptKey(options.prefix, job.receiptHash)), 2000)) === 1) {
            spool.remove(job);
            queuedAt.delete(job.submissionId);
            continue;
          }
          if (Date.now() - (queuedAt.get(job.submissionId) ?? 0) < (options.resendAfterMs ?? 30_000)) continue;
        }
        await withTimeout(queue.add(job.kind, job, { jobId: `${job.kind}-${job.submissionId}` }), 3000);
      } catch (error) {
        log.warn(
          { waiting: spool.size, err: (error as Error).message },
          "tips relay: Redis unavailable, the spool keeps the tips",
        );
        return;
      }
      if (job.kind === "tip") queuedAt.set(job.submissionId, Date.now());
      else spool.remove(job);
    }
  };
  const kick = () => {
    running = running.then(relayOnce, relayOnce);
    return running;
  };
  const timer = setInterval(() => void kick(), options.intervalMs ?? 2000);
  void kick();

  return {
    kick,
    async readReceipt(receiptHash: string): Promise<ReceiptView | null> {
      const text = await withTimeout(connection.get(receiptKey(options.prefix, receiptHash)), 2000);
      if (text === null) return null;
      const parsed = receiptViewSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    },
    async close() {
      clearInterval(timer);
      await running.catch(() => undefined);
      await queue.close();
      connection.disconnect();
    },
  };
}
