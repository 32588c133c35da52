/** Reconnection delay for the ioredis connections of queues and workers: linear, capped at 5 s. */
export function redisRetry(times: number): number {
  return Math.min(times * 500, 5000);
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
