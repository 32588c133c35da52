import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Config } from "../config/load.js";
import type { Directory } from "../core/directory.js";
import type { Message } from "../core/message.js";
import type { Logger } from "../log.js";
import type { OutboundImage, Transport } from "../matrix/transport.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import { postDueAgendas } from "./agenda-tick.js";
import { reconcileDigestSchedules, RHYTHM_QUEUE, startDigestWorker } from "./digest-schedule.js";
import { postDueReminders } from "./reminders.js";

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
 * The cell's clock: scheduled digests (`digest-schedule.ts`: BullMQ job schedulers, a digest whose
 * time passed while the bot was down taken once when it comes back, marked late), and a tick every
 * few seconds for agendas before meetings (`agenda-tick.ts`) and action reminders (`reminders.ts`),
 * due-date checks over SQLite. Every post has a stable transaction key and is recorded.
 */
export async function startRhythmJobs(deps: RhythmJobsDeps): Promise<{ close(): Promise<void> }> {
  const { config, log } = deps;
  const prefix = `crossbot:${deps.namespace}`;
  const queueConnection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  for (const c of [queueConnection, workerConnection]) c.on("error", (e) => log.debug({ err: e.message }, "rhythm: redis error"));
  const queue = new Queue(RHYTHM_QUEUE, { prefix, connection: queueConnection });
  queue.on("error", (e) => log.debug({ err: e.message }, "rhythm queue error"));
  await reconcileDigestSchedules(queue, config);
  const worker = startDigestWorker(deps, prefix, workerConnection);

  const coordinationRoom = config.rooms.find((r) => r.kind === "coordination")?.key;
  const tick = async () => {
    const now = Date.now();
    await postDueAgendas({ ...deps, coordinationRoom, daysBefore: config.rhythm.agenda_days_before }, now);
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
