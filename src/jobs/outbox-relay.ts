import type { OutboxItem, OutboxStore } from "../store/outbox.js";

/** What one hand-over achieved. */
export interface RelayResult {
  /** The queue took the rows due (false: Redis is away; they wait in the outbox). */
  took: boolean;
  /** Nothing due was left behind (false: more rows than one batch, or not taken). */
  complete: boolean;
}

export type DueRow = OutboxItem & { priority: number };

/**
 * Hands due outbox rows to the diffusion queue, one hand-over at a time. A row handed over is marked
 * `queued` in the store in batches — at the next `mark()` (the relay's timer), or at once past
 * `markBatch` rows or a full batch — rather than by one more commit per report: until then this
 * relay remembers it and does not hand it over twice, and reads only the pending rows written since
 * (`watermark`: every pending row up to it has been handed over). A crash before the mark hands
 * the rows over again, which is harmless: the queue dedupes job ids, and delivery skips a row
 * already sent.
 */
export class OutboxRelay {
  private readonly handed = new Set<number>();
  private watermark = 0;
  private turn: Promise<unknown> = Promise.resolve();
  /** The hand-over asked for and not started yet: callers asking now share it. */
  private waiting: Promise<RelayResult> | null = null;
  /** Why the last hand-over failed (for the log), until the next failure. */
  lastError: unknown = null;

  constructor(
    private readonly outbox: Pick<OutboxStore, "dueForQueue" | "markQueued">,
    /** Puts the rows on the queue; throws when it cannot (Redis away). */
    private readonly handOver: (rows: DueRow[]) => Promise<void>,
    private readonly options: { requeueAfterMs: number; batch?: number; markBatch?: number; clock?: () => number },
  ) {}

  /**
   * Hands the rows due now to the queue. Callers that ask while a hand-over is waiting for its
   * turn share it: it starts after their rows were committed, so it reads them (reports stored
   * together are handed over in one read, not one read each behind the others).
   */
  relay(): Promise<RelayResult> {
    if (this.waiting) return this.waiting;
    const next = this.serialised(async () => {
      this.waiting = null;
      return this.handOverDue();
    });
    this.waiting = next;
    return next;
  }

  private async handOverDue(): Promise<RelayResult> {
    const now = (this.options.clock ?? Date.now)();
    const batch = this.options.batch ?? 500;
    const due = await this.outbox.dueForQueue(now, this.options.requeueAfterMs, batch, this.watermark);
    const fresh = due.filter((row) => !this.handed.has(row.id));
    if (fresh.length > 0) {
      try {
        await this.handOver(fresh);
      } catch (error) {
        this.lastError = error;
        return { took: false, complete: false };
      }
      for (const row of fresh) this.handed.add(row.id);
    }
    const complete = due.length < batch;
    // A full batch is not every pending row up to its highest id (it is read by priority): mark
    // what was handed over, so that the pending rows left are exactly those not handed over.
    if (!complete || this.handed.size >= (this.options.markBatch ?? 200)) await this.markHanded(now);
    else this.watermark = Math.max(this.watermark, ...due.map((row) => row.id));
    return { took: true, complete };
  }

  /** Marks `queued` the rows handed over since the last mark (one transaction). */
  mark(): Promise<void> {
    return this.serialised(() => this.markHanded((this.options.clock ?? Date.now)()));
  }

  private async markHanded(now: number): Promise<void> {
    const ids = [...this.handed];
    if (ids.length > 0) await this.outbox.markQueued(ids, now);
    for (const id of ids) this.handed.delete(id);
    // Every row handed over is queued now: the pending ones are all still to hand over. (Also
    // from time to time with nothing to mark: a row id reused after a purge is not skipped long.)
    this.watermark = 0;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work, work);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
