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
 * The bot's sending budget: at most `max` Matrix calls in any `durationMs` window (Tchap asks
 * about one call per second), spent on calls, not on jobs — a job that finds its row already sent
 * (a card that went out in a grouped message) costs nothing. A 429 holds the whole budget for as
 * long as the homeserver asked: every call behind it waits, not only the one that was refused.
 * The fan-out worker (concurrency 1) and the answers to commands spend it, so it lives in the
 * process; an answer is urgent: while one waits, no fan-out call starts, so the officer's answer
 * takes the next free slot.
 */
export class SendBudget {
  private readonly starts: number[] = [];
  private heldUntil = 0;
  private urgentWaiting = 0;

  constructor(
    private readonly rate: { max: number; durationMs: number },
    private readonly clock: BudgetClock = realClock,
  ) {}

  /**
   * Waits until a call may start, and counts it. An urgent call (an answer to a command) goes
   * before any other waiting for the same slot.
   */
  async take(urgent = false): Promise<void> {
    if (urgent) this.urgentWaiting++;
    try {
      for (;;) {
        const now = this.clock.now();
        const at = this.nextSlot(now);
        if (at <= now && (urgent || this.urgentWaiting === 0)) {
          this.starts.push(now);
          return;
        }
        await this.clock.sleep(Math.max(at - now, YIELD_MS));
      }
    } finally {
      if (urgent) this.urgentWaiting--;
    }
  }

  /** How long until a fan-out call could start (0: now), without counting one. */
  waitMs(): number {
    const now = this.clock.now();
    return Math.max(0, this.nextSlot(now) - now, this.urgentWaiting > 0 ? YIELD_MS : 0);
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

/** How long a fan-out call waits, at least, while an answer waits for the slot. */
const YIELD_MS = 20;

const MAX_RATE_LIMITED_ATTEMPTS = 10;

/**
 * The transport as the fan-out worker uses it: every send and redaction waits for the budget; a
 * 429 that reaches here holds the budget for the server's delay and the same call is retried
 * (same transaction id, so it never posts twice).
 */
export function budgeted(transport: Pick<Transport, "send" | "redact">, budget: SendBudget): Pick<Transport, "send" | "redact"> {
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      await budget.take();
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
 * parts, files and images, the ✅ reaction) is counted in the same budget as the fan-out, ahead of
 * it, so that the bot as a whole stays within the homeserver's rate. A 429 is handled by the
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
      await budget.take(true);
      return transport.send(roomId, type, content, txnKey);
    },
    sendFile: async (...args) => {
      await budget.take(true);
      return transport.sendFile(...args);
    },
    sendImage: async (...args) => {
      await budget.take(true);
      return transport.sendImage(...args);
    },
  };
}
