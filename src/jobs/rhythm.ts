import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import type { Config } from "../config/load.js";
import type { Directory } from "../core/directory.js";
import type { Message } from "../core/message.js";
import { parsePeriod, previousPeriod } from "../core/rhythm/period.js";
import { isLate } from "../core/rhythm/schedule.js";
import type { Logger } from "../log.js";
import { type MatrixContent, noticeContent, noticeContents, threadRelation } from "../matrix/content.js";
import type { OutboundImage, Transport } from "../matrix/transport.js";
import { agendaFor } from "../rhythm/agenda-for.js";
import type { RhythmDeps } from "../rhythm/deps.js";
import { digestFor } from "../rhythm/digest-for.js";
import { postDueReminders } from "./reminders.js";

const RHYTHM_QUEUE = "cross-rhythm";
const DAY = 86_400_000;
const digestJob = z.strictObject({ room: z.string(), period: z.string() });

export interface RhythmJobsDeps {
  config: Config;
  directory: Directory;
  rhythm: RhythmDeps;
  transport: Pick<Transport, "send" | "sendImage">;
  roomIdOf(key: string): string | undefined;
  /** Records a reminder citing a report, so that narrowing the report takes the reminder back too. */
  recordReminder(roomKey: string, eventId: string, ref: string): Promise<void>;
  /** The map carried by an agenda (territory): the room's facts since `since`, compared with before. */
  agendaMap?(roomKey: string, since: number, now: number): Promise<{ message: Message; image: OutboundImage }>;
  namespace: string;
  log: Logger;
  tickMs?: number;
}

/**
 * The cell's clock. Scheduled digests are BullMQ job schedulers (cron in the CROSS time zone,
 * upserted at start-up: a deploy never duplicates them); a digest whose time passed while the bot
 * was down is taken once when it comes back, marked late. Agendas before meetings and action
 * reminders are due-date checks over SQLite, every few seconds. Every post has a stable
 * transaction key and is recorded, so none goes out twice.
 */
export async function startRhythmJobs(deps: RhythmJobsDeps): Promise<{ close(): Promise<void> }> {
  const { config, log } = deps;
  const prefix = `crossbot:${deps.namespace}`;
  const queueConnection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  for (const c of [queueConnection, workerConnection]) c.on("error", (e) => log.debug({ err: e.message }, "rhythm: redis error"));
  const queue = new Queue(RHYTHM_QUEUE, { prefix, connection: queueConnection });
  queue.on("error", (e) => log.debug({ err: e.message }, "rhythm queue error"));

  const wanted = new Map(config.rhythm.digests.map((d, i) => [`digest-${d.room}-${i}`, d]));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key.startsWith("digest-") && !wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
  for (const [id, digest] of wanted) {
    // Unchanged schedule: leave it alone. Upserting would recompute the next run from now and drop
    // a run that came due while the bot was down; left in place, that run is taken now, late.
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

  const post = async (roomKey: string, parts: { headline: Message; detail: Message }, key: string, extra: MatrixContent = {}) => {
    const roomId = deps.roomIdOf(roomKey);
    if (!roomId) throw new Error(`room ${roomKey} is not resolved`);
    const root = await deps.transport.send(roomId, "m.room.message", { ...noticeContent(parts.headline), ...extra }, key);
    // The detail may be long (a week of reports): several messages in the thread, each within the event size.
    for (const [i, content] of noticeContents(parts.detail, { eventId: root, threadRootId: root }).entries()) {
      await deps.transport.send(roomId, "m.room.message", content, `${key}:detail${i > 0 ? `:p${i}` : ""}`);
    }
    return { roomId, root };
  };

  const worker = new Worker(
    RHYTHM_QUEUE,
    async (job) => {
      const data = digestJob.parse(job.data);
      const slot = Number(job.id?.split(":").at(-1)) || job.timestamp;
      const key = `digest:${job.repeatJobKey ?? job.name}:${slot}`;
      if ((await deps.rhythm.rhythm.postedKeys(key)).has(key)) return "already posted";
      const now = Date.now();
      const ctx = deps.rhythm.context(now);
      const period = parsePeriod(data.period, slot, ctx.timeZone);
      if (!period.ok) throw new Error(`digest period « ${data.period} »: ${period.error}`);
      const late = isLate(slot, now, config.rhythm.late_after_seconds * 1000) ? { scheduledFor: slot } : null;
      // Post first (stable transaction keys make a re-run harmless), then record.
      await post(
        data.room,
        await digestFor(data.room, period.period, previousPeriod(period.period), deps.rhythm, ctx, late),
        key,
      );
      await deps.rhythm.rhythm.claim(key, now);
      log.info({ room: data.room, slot: new Date(slot).toISOString(), late: late !== null }, "scheduled digest posted");
      return "posted";
    },
    { prefix, connection: workerConnection, concurrency: 1 },
  );
  worker.on("error", (e) => log.debug({ err: e.message }, "rhythm worker error"));
  worker.on("failed", (job, e) => log.warn({ jobId: job?.id, err: e.message }, "scheduled digest failed"));

  const coordinationRoom = config.rooms.find((r) => r.kind === "coordination")?.key;
  const tick = async () => {
    const now = Date.now();
    for (const meeting of await deps.rhythm.rhythm.upcoming(now, 10)) {
      const key = `agenda:${meeting.id}:${meeting.at}`;
      if (!coordinationRoom || now < meeting.at - config.rhythm.agenda_days_before * DAY) continue;
      if ((await deps.rhythm.rhythm.postedKeys(key)).has(key)) continue;
      const posted = await post(coordinationRoom, await agendaFor(meeting, coordinationRoom, deps.rhythm, now), key);
      if (deps.agendaMap) {
        // The map of the period since the last meeting, in the agenda's thread; a map that cannot
        // be drawn never holds the agenda back.
        try {
          const since = (await deps.rhythm.rhythm.lastHeld(now))?.at ?? now - 30 * DAY;
          const map = await deps.agendaMap(coordinationRoom, since, now);
          const thread = { eventId: posted.root, threadRootId: posted.root };
          await deps.transport.send(posted.roomId, "m.room.message", noticeContent(map.message, thread), `${key}:map`);
          await deps.transport.sendImage(
            posted.roomId,
            map.image,
            { "m.relates_to": threadRelation(thread) },
            `${key}:map-image`,
          );
        } catch (error) {
          log.warn({ meeting: meeting.id, err: error }, "agenda map could not be posted");
        }
      }
      await deps.rhythm.rhythm.claim(key, now);
      log.info({ meeting: meeting.id }, "agenda posted");
    }
    await postDueReminders({ ...deps, daysBefore: config.rhythm.reminder_days_before, log }, now);
  };
  let ticking: Promise<void> = Promise.resolve();
  const runTick = () => {
    ticking = ticking.then(tick).catch((error: unknown) => log.warn({ err: String(error) }, "rhythm tick failed"));
  };
  runTick();
  const timer = setInterval(runTick, deps.tickMs ?? 10_000);

  return {
    async close() {
      clearInterval(timer);
      await ticking;
      await worker.close();
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
    },
  };
}
