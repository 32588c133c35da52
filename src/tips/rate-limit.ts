import { createHmac, randomBytes } from "node:crypto";

/**
 * Sliding-window counters kept in memory only, keyed by an HMAC of the client's address with a
 * key drawn at start-up: the address itself is never kept, and the keys mean nothing once the
 * process has stopped.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, now: number): number {
    const since = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    this.hits.set(key, times);
    if (times.length <= this.max) return 0;
    return Math.max(1, Math.ceil(((times[times.length - this.max - 1] ?? now) + this.windowMs - now) / 1000));
  }

  /** Drops the counters with nothing left in the window. */
  prune(now: number): void {
    const since = now - this.windowMs;
    for (const [key, times] of this.hits) if (!times.some((t) => t > since)) this.hits.delete(key);
  }

  get size(): number {
    return this.hits.size;
  }
}

export function clientKeyer(): (address: string) => string {
  const key = randomBytes(32);
  return (address) => createHmac("sha256", key).update(address).digest("base64url");
}
