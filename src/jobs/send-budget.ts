import type { Transport } from "../matrix/transport.js";
import { rateLimitDelayMs } from "../matrix/retry.js";

export interface BudgetClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: BudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The fan-out's sending budget: at most `max` Matrix calls in any `durationMs` window (Tchap asks
 * about one call per second), spent on calls, not on jobs — a job that finds its row already sent
 * (a card that went out in a grouped message) costs nothing. A 429 holds the whole budget for as
 * long as the homeserver asked: every job behind it waits, not only the one that was refused.
 * One worker (concurrency 1) per bot spends it, so it lives in the process.
 */
export class SendBudget {
  private readonly starts: number[] = [];
  private heldUntil = 0;

  constructor(
    private readonly rate: { max: number; durationMs: number },
    private readonly clock: BudgetClock = realClock,
  ) {}

  /** Waits until a call may start, and counts it. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.rate.durationMs) this.starts.shift();
      const slot = this.starts.length < this.rate.max ? now : (this.starts[0] ?? now) + this.rate.durationMs;
      const at = Math.max(slot, this.heldUntil);
      if (at <= now) {
        this.starts.push(now);
        return;
      }
      await this.clock.sleep(at - now);
    }
  }

  /**
   * Waits only while a 429 holds the budget, and counts nothing: for a message that answers an
   * officer (see `budgeted`'s `answering`), outside the budget like the bot's replies.
   */
  async waitForHold(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (this.heldUntil <= now) return;
      await this.clock.sleep(this.heldUntil - now);
    }
  }

  /** How long until a call could start (0: now), without counting one. */
  waitMs(): number {
    const now = this.clock.now();
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.rate.durationMs) this.starts.shift();
    const slot = this.starts.length < this.rate.max ? now : (this.starts[0] ?? now) + this.rate.durationMs;
    return Math.max(0, Math.max(slot, this.heldUntil) - now);
  }

  /** The homeserver said "too many requests": no call starts for `ms`. */
  hold(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + ms);
  }

  /** When the next call could start at the earliest (for tests and logs). */
  heldUntilMs(): number {
    return this.heldUntil;
  }
}

const MAX_RATE_LIMITED_ATTEMPTS = 10;

/**
 * The transport as the fan-out worker uses it: every send and redaction waits for the budget; a
 * 429 that reaches here holds the budget for the server's delay and the same call is retried
 * (same transaction id, so it never posts twice). `answering`: the match alert to the room whose
 * officer just reported, which answers that report as the confirmation does — it spends no slot
 * of the budget (nor do the bot's replies), but waits like every call while a 429 holds it.
 */
export function budgeted(
  transport: Pick<Transport, "send" | "redact">,
  budget: SendBudget,
  { answering = false }: { answering?: boolean } = {},
): Pick<Transport, "send" | "redact"> {
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      await (answering ? budget.waitForHold() : budget.take());
      try {
        return await work();
      } catch (error) {
        const wait = rateLimitDelayMs(error);
        if (wait === null || attempt >= MAX_RATE_LIMITED_ATTEMPTS) throw error;
        budget.hold(wait);
      }
    }
  };
  return {
    send: (roomId, type, content, txnKey) => call(() => transport.send(roomId, type, content, txnKey)),
    redact: (roomId, eventId, reason, txnKey) => call(() => transport.redact(roomId, eventId, reason, txnKey)),
  };
}
