/** Reconnection delay for the ioredis connections of queues and workers: linear, capped at 5 s. */
export function redisRetry(times: number): number {
  return Math.min(times * 500, 5000);
}

/**
 * Reconnection delay of the fan-out's connections: 50, 100, 200 ms, then every 200 ms, so that the
 * first card leaves within a second of Redis coming back (a reconnect attempt is one cheap TCP
 * connect to a local Redis; the linear 5 s cap above kept cards waiting up to 4.5 s).
 */
export function redisReconnect(times: number): number {
  return Math.min(50 * 2 ** Math.max(0, times - 1), 200);
}

/** `promise`, or a rejection after `ms` (a queue call must not hang while Redis is away). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
