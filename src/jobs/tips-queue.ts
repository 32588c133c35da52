import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { CaptureDeps } from "../app/capture-deps.js";
import { type CardContext, renderAnswer, renderCard, renderReminder } from "../core/tips/card.js";
import { type HintReport, hintsFor, tipEntities } from "../core/tips/hints.js";
import { receiptKey, TIPS_QUEUE, tipJobSchema } from "../core/tips/wire.js";
import type { Logger } from "../log.js";
import { noticeContent, threadRelation } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { StoredReport } from "../store/reports.js";
import type { StoredTip, TipStore } from "../store/tips.js";
import { redisRetry, withTimeout } from "./timing.js";

/** How long a receipt view stays readable in Redis without being refreshed (the bot rewrites it on each change). */
const RECEIPT_TTL_SECONDS = 400 * 86_400;

export interface TipsIntakeOptions {
  redisUrl: string;
  /** The bot's Redis prefix (`crossbot:<namespace>`), shared with the tips process. */
  prefix: string;
  instanceId: string;
  triageRoomKey: string;
  remindAfterMs: number;
  rejectedRetentionMs: number;
  sweepIntervalMs?: number;
}

export interface TipsIntakeDeps {
  tips: TipStore;
  capture: Pick<CaptureDeps, "reports" | "roomMaySee">;
  /** A room frozen for safety (made public, joined by someone not entitled) is sent nothing; tips wait. */
  isFrozen(roomKey: string): boolean;
  roomIdOf(key: string): string | undefined;
  /** The coordinator service's room, where reminders go. */
  coordinatorRoomKey: string | undefined;
  card: CardContext;
  transport: Pick<Transport, "send" | "sendFile">;
  journal(entry: NewAuditEntry): Promise<void>;
  log: Logger;
  now?: () => number;
}

export interface TipsIntake {
  /** Posts what is owed (cards, answers, receipt views, reminders, purges); safe to call any time. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export const tipRef = (n: number) => `signalement-${n}`;

/**
 * The bot's side of the citizen tips: a BullMQ worker takes each tip (or answer) from the public
 * process, stores it in SQLite, and lets Redis forget it (the job is removed once stored). A sweep
 * then posts what is owed to Matrix and publishes the receipt views back to Redis, so Matrix or
 * Redis being away only delays things: every step is recorded in SQLite and retried.
 */
export function startTipsIntake(options: TipsIntakeOptions, deps: TipsIntakeDeps): TipsIntake {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, retryStrategy: redisRetry });
  const publishConnection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: redisRetry,
  });
  workerConnection.on("error", (error) => log.debug({ err: error.message }, "tips worker: redis error"));
  publishConnection.on("error", (error) => log.debug({ err: error.message }, "tips publisher: redis error"));

  const worker = new Worker(
    TIPS_QUEUE,
    async (job) => {
      const parsed = tipJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed tips job ${job.id ?? ""}`);
      const data = parsed.data;
      if (data.kind === "tip") {
        const { tip, created } = await deps.tips.store(data, now());
        if (created) {
          await deps.journal({
            at: now(),
            actor: "citoyen",
            action: "collect",
            ref: tipRef(tip.number),
            room: options.triageRoomKey,
            detail: `signalement citoyen reçu${data.pow ? "" : " (sans JavaScript)"}${data.photo ? ", avec photo" : ""}`,
          });
          log.info({ tip: tip.number }, "citizen tip stored");
        }
      } else {
        const stored = await deps.tips.storeAnswer(data);
        if (!stored) log.info("answer for an unknown or purged receipt dropped");
        else if (stored.created) {
          await deps.journal({
            at: now(),
            actor: "citoyen",
            action: "modify",
            ref: tipRef(stored.tipId),
            room: options.triageRoomKey,
            detail: "réponse de l'auteur du signalement",
          });
        }
      }
      void sweep();
      return "stored";
    },
    { prefix: options.prefix, connection: workerConnection, concurrency: 1 },
  );
  worker.on("error", (error) => log.debug({ err: error.message }, "tips worker error"));
  worker.on("failed", (job, error) => log.warn({ jobId: job?.id, err: error.message }, "tips job failed"));

  const hintReports = async (tip: StoredTip): Promise<HintReport[]> => {
    const seen = new Map<number, StoredReport>();
    for (const r of await deps.capture.reports.search({ terms: [], entities: [], communeCode: tip.fields.communeCode }, 100))
      seen.set(r.id, r);
    for (const e of tipEntities(tip.fields))
      for (const r of await deps.capture.reports.withEntity(e.kind, e.value)) seen.set(r.id, r);
    return [...seen.values()]
      .filter((r) => r.status === "active")
      .filter((r) => deps.capture.roomMaySee({ service: r.service, diffusion: r.fields.diffusion }, options.triageRoomKey))
      .map((r) => ({ ref: r.ref, communeCode: r.fields.commune.code, place: r.fields.place, entities: r.fields.entities }));
  };

  const postCards = async (triage: string) => {
    for (const tip of await deps.tips.withoutCard()) {
      const others = (await deps.tips.inCommune(tip.fields.communeCode)).filter((t) => t.number < tip.number);
      const hints = hintsFor(tip, await hintReports(tip), others);
      const eventId = await deps.transport.send(
        triage,
        "m.room.message",
        noticeContent(renderCard(tip, hints, deps.card)),
        `tip-card:${options.instanceId}:${tip.id}`,
      );
      const photo = tip.photo ? await deps.tips.photo(tip.id) : null;
      if (photo) {
        const extension = photo.mimetype.split("/")[1] ?? "jpg";
        await deps.transport.sendFile(
          triage,
          { name: `signalement-${tip.number}.${extension}`, mimetype: photo.mimetype, bytes: photo.bytes },
          { "m.relates_to": threadRelation({ eventId, threadRootId: eventId }) },
          `tip-photo:${options.instanceId}:${tip.id}`,
        );
      }
      await deps.tips.setCard(tip.id, eventId);
      await deps.journal({
        at: now(),
        actor: "bot",
        action: "communicate",
        ref: tipRef(tip.number),
        room: options.triageRoomKey,
        detail: "carte du signalement citoyen",
      });
    }
  };

  const postAnswers = async (triage: string) => {
    for (const answer of await deps.tips.answersToPost()) {
      const eventId = await deps.transport.send(
        triage,
        "m.room.message",
        noticeContent(renderAnswer(answer.tipId, answer.text), { eventId: answer.cardEventId, threadRootId: answer.cardEventId }),
        `tip-answer:${options.instanceId}:${answer.id}`,
      );
      await deps.tips.markAnswerPosted(answer.id, eventId);
    }
  };

  const publish = async () => {
    for (const item of await deps.tips.toPublish()) {
      await withTimeout(
        publishConnection.set(receiptKey(options.prefix, item.receiptHash), JSON.stringify(item.view), "EX", RECEIPT_TTL_SECONDS),
        2000,
      );
      await deps.tips.markPublished(item.id, now());
    }
  };

  let lastHousekeeping = 0;
  const housekeeping = async () => {
    // Every 30 s, or more often when the delays are short (tests, demos).
    const every = Math.min(30_000, Math.max(1000, Math.min(options.remindAfterMs, options.rejectedRetentionMs) / 4));
    if (now() - lastHousekeeping < every) return;
    lastHousekeeping = now();
    const due = await deps.tips.dueReminders(now() - options.remindAfterMs);
    const coordinatorRoom =
      deps.coordinatorRoomKey && !deps.isFrozen(deps.coordinatorRoomKey) ? deps.roomIdOf(deps.coordinatorRoomKey) : undefined;
    if (due.length > 0 && coordinatorRoom) {
      await deps.transport.send(
        coordinatorRoom,
        "m.room.message",
        noticeContent(renderReminder(due, deps.card)),
        `tip-remind:${options.instanceId}:${due.map((t) => t.id).join(",")}`,
      );
      await deps.tips.markReminded(
        due.map((t) => t.id),
        now(),
      );
    }
    for (const tip of await deps.tips.duePurge(now() - options.rejectedRetentionMs)) {
      if (tip.receiptHash) await withTimeout(publishConnection.del(receiptKey(options.prefix, tip.receiptHash)), 2000);
      await deps.tips.purge(tip.id, now());
      await deps.journal({
        at: now(),
        actor: "bot",
        action: "cancel",
        ref: tipRef(tip.number),
        room: options.triageRoomKey,
        detail: "signalement rejeté purgé (durée de conservation échue)",
      });
      log.info({ tip: tip.number }, "rejected tip purged");
    }
  };

  let running: Promise<void> = Promise.resolve();
  const sweepOnce = async () => {
    const triage = deps.isFrozen(options.triageRoomKey) ? undefined : deps.roomIdOf(options.triageRoomKey);
    for (const step of [
      () => (triage ? postCards(triage) : Promise.resolve()),
      () => (triage ? postAnswers(triage) : Promise.resolve()),
      publish,
      housekeeping,
    ]) {
      try {
        await step();
      } catch (error) {
        log.warn({ err: (error as Error).message }, "tips sweep step failed, will retry");
      }
    }
  };
  const sweep = () => {
    running = running.then(sweepOnce, sweepOnce);
    return running;
  };
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 2000);
  void sweep();

  return {
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
      await running.catch(() => undefined);
      workerConnection.disconnect();
      publishConnection.disconnect();
    },
  };
}
