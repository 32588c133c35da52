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

/** Who goes first when several calls wait for a slot: match alerts, answers to commands, the rest. */
export const URGENCY = { fanOut: 0, answer: 1, alert: 2 } as const;
export type Urgency = (typeof URGENCY)[keyof typeof URGENCY];

/** How long a call waits, at least, while a more urgent one waits for the slot. */
const YIELD_MS = 20;

/**
 * The bot's sending budget: at most `max` Matrix calls in any `durationMs` window (Tchap asks
 * about one call per second), spent on calls, not on jobs — a job that finds its row already sent
 * (a card that went out in a grouped message) costs nothing. A 429 holds the whole budget for as
 * long as the homeserver asked: every call behind it waits, not only the one that was refused.
 * The fan-out worker (concurrency 1) and the answers to commands spend it, so it lives in the
 * process. Calls have an urgency (`URGENCY`): while a more urgent one waits, no call starts, so
 * the next free slot goes to a match alert, then to an officer's answer, then to the rest of the
 * fan-out (cards, updates, notes, withdrawals).
 */
export class SendBudget {
  private readonly starts: number[] = [];
  private heldUntil = 0;
  private readonly waiting = [0, 0, 0];

  constructor(
    private readonly rate: { max: number; durationMs: number },
    private readonly clock: BudgetClock = realClock,
  ) {}

  /** Waits until a call may start, and counts it; a more urgent call waiting goes first. */
  async take(urgency: Urgency = URGENCY.fanOut): Promise<void> {
    this.waiting[urgency] = (this.waiting[urgency] ?? 0) + 1;
    try {
      for (;;) {
        const now = this.clock.now();
        const at = this.nextSlot(now);
        if (at <= now && !this.moreUrgentWaiting(urgency)) {
          this.starts.push(now);
          return;
        }
        await this.clock.sleep(Math.max(at - now, YIELD_MS));
      }
    } finally {
      this.waiting[urgency] = (this.waiting[urgency] ?? 1) - 1;
    }
  }

  /** How long until a call of this urgency could start (0: now), without counting one. */
  waitMs(urgency: Urgency = URGENCY.fanOut): number {
    const now = this.clock.now();
    return Math.max(0, this.nextSlot(now) - now, this.moreUrgentWaiting(urgency) ? YIELD_MS : 0);
  }

  private moreUrgentWaiting(urgency: Urgency): boolean {
    return this.waiting.some((n, level) => level > urgency && n > 0);
  }

  private nextSlot(now: number): number {
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.rate.durationMs) this.starts.shift();
    const slot = this.starts.length < this.rate.max ? now : (this.starts[0] ?? now) + this.rate.durationMs;
    return Math.max(slot, this.heldUntil);
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
 * (same transaction id, so it never posts twice).
 */
export function budgeted(
  transport: Pick<Transport, "send" | "redact">,
  budget: SendBudget,
  urgency: Urgency = URGENCY.fanOut,
): Pick<Transport, "send" | "redact"> {
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      await budget.take(urgency);
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

/**
 * The transport as the message handler uses it to answer commands: each call (the answer, its
 * parts, files and images, the ✅ reaction) is counted in the same budget as the fan-out — after
 * match alerts, ahead of cards and updates — so that the bot as a whole stays within the
 * homeserver's rate. A 429 is handled by the
 * transport itself (it retries and holds the budget).
 */
export function answering<T extends Pick<Transport, "send" | "sendFile" | "sendImage" | "userId">>(
  transport: T,
  budget: SendBudget,
): Pick<Transport, "send" | "sendFile" | "sendImage" | "userId"> {
  return {
    get userId() {
      return transport.userId;
    },
    send: async (roomId, type, content, txnKey) => {
      await budget.take(URGENCY.answer);
      return transport.send(roomId, type, content, txnKey);
    },
    sendFile: async (...args) => {
      await budget.take(URGENCY.answer);
      return transport.sendFile(...args);
    },
    sendImage: async (...args) => {
      await budget.take(URGENCY.answer);
      return transport.sendImage(...args);
    },
  };
}
