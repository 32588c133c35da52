import { type Job, type Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "../config/load.js";
import { parsePeriod, previousPeriod } from "../core/rhythm/period.js";
import { isLate } from "../core/rhythm/schedule.js";
import type { Logger } from "../log.js";
import type { Transport } from "../matrix/transport.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import { digestFor } from "../app/rhythm/digest-for.js";
import { postTwoPart } from "./two-part.js";

export const RHYTHM_QUEUE = "cross-rhythm";
const digestJob = z.strictObject({ room: z.string(), period: z.string() });

export interface DigestScheduleDeps {
  config: Pick<Config, "rhythm" | "cross">;
  rhythm: RhythmDeps;
  transport: Pick<Transport, "send">;
  roomIdOf(key: string): string | undefined;
  log: Logger;
}

/**
 * The configured digests as BullMQ job schedulers (cron in the CROSS time zone), reconciled at
 * start-up: an unchanged schedule is left alone (upserting it would drop a run that came due while
 * the bot was down), a removed one is deleted, a new or changed one upserted.
 */
export async function reconcileDigestSchedules(queue: Queue, config: DigestScheduleDeps["config"]): Promise<void> {
  const wanted = new Map(config.rhythm.digests.map((d, i) => [`digest-${d.room}-${i}`, d]));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key.startsWith("digest-") && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
  for (const [id, digest] of wanted) {
    const existing = await queue.getJobScheduler(id);
    const template = existing?.template?.data as { room?: string; period?: string } | undefined;
    if (
      existing?.pattern === digest.cron &&
      existing.tz === config.cross.timezone &&
      template?.room === digest.room &&
      template.period === digest.period
    ) {
      continue;
    }
    await queue.upsertJobScheduler(
      id,
      { pattern: digest.cron, tz: config.cross.timezone },
      { name: "digest", data: { room: digest.room, period: digest.period }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}

/**
 * One scheduled digest: posted once per slot (a late one is marked late), then recorded. Job data
 * that cannot be read is a programming or configuration error: failed for good, never retried.
 */
export async function runDigestJob(
  job: Pick<Job, "id" | "data" | "timestamp" | "repeatJobKey" | "name">,
  deps: DigestScheduleDeps,
) {
  const data = digestJob.safeParse(job.data);
  if (!data.success) throw new UnrecoverableError(`digest job data: ${data.error.message}`);
  const slot = Number(job.id?.split(":").at(-1)) || job.timestamp;
  const key = `digest:${job.repeatJobKey ?? job.name}:${slot}`;
  if ((await deps.rhythm.rhythm.postedKeys(key)).has(key)) return "already posted";
  const now = Date.now();
  const ctx = deps.rhythm.context(now);
  const period = parsePeriod(data.data.period, slot, ctx.timeZone);
  if (!period.ok) throw new UnrecoverableError(`digest period « ${data.data.period} »: ${period.error}`);
  // A room not resolved yet may come back (the homeserver restarting): retried by BullMQ.
  const roomId = deps.roomIdOf(data.data.room);
  if (!roomId) throw new Error(`room ${data.data.room} is not resolved`);
  const late = isLate(slot, now, deps.config.rhythm.late_after_seconds * 1000) ? { scheduledFor: slot } : null;
  // Post first (stable transaction keys make a re-run harmless), then record.
  const digest = await digestFor(data.data.room, period.period, previousPeriod(period.period), deps.rhythm, ctx, late);
  await postTwoPart(deps.transport, roomId, digest, key);
  await deps.rhythm.rhythm.claim(key, now);
  deps.log.info({ room: data.data.room, slot: new Date(slot).toISOString(), late: late !== null }, "scheduled digest posted");
  return "posted";
}

export function startDigestWorker(deps: DigestScheduleDeps, prefix: string, connection: Redis): Worker {
  const worker = new Worker(RHYTHM_QUEUE, (job) => runDigestJob(job, deps), { prefix, connection, concurrency: 1 });
  worker.on("error", (e) => deps.log.debug({ err: e.message }, "rhythm worker error"));
  worker.on("failed", (job, e) => deps.log.warn({ jobId: job?.id, err: e.message }, "scheduled digest failed"));
  return worker;
}
