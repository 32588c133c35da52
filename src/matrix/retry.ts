/** Back-off for a failing homeserver: 1 s, 2 s, 4 s … capped, with jitter so restarts do not align. */
export function backoffMs(attempt: number, capMs = 30_000): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(attempt, 15));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * How long a homeserver asked us to wait, from a 429 / `M_LIMIT_EXCEEDED` error: the larger of the
 * body's `retry_after_ms` (older servers) and the `Retry-After` header (seconds or an HTTP date,
 * newer servers; matrix-bot-sdk's `MatrixError` never reads it, so the transport attaches the
 * response headers to the error). A rate-limit error naming no delay waits `fallbackMs`; anything
 * that is not a rate-limit error gives null.
 */
export function rateLimitDelayMs(error: unknown, now = Date.now(), fallbackMs = 1000): number | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as {
    statusCode?: unknown;
    errcode?: unknown;
    retryAfterMs?: unknown;
    body?: { retry_after_ms?: unknown };
    headers?: Record<string, unknown>;
  };
  if (e.statusCode !== 429 && e.errcode !== "M_LIMIT_EXCEEDED") return null;
  const delays: number[] = [];
  const fromBody = typeof e.body?.retry_after_ms === "number" ? e.body.retry_after_ms : e.retryAfterMs;
  if (typeof fromBody === "number" && Number.isFinite(fromBody) && fromBody >= 0) delays.push(fromBody);
  const header = headerValue(e.headers, "retry-after");
  if (header !== undefined) {
    const seconds = Number(header);
    if (header.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) delays.push(seconds * 1000);
    else {
      const at = Date.parse(header);
      if (Number.isFinite(at)) delays.push(Math.max(0, at - now));
    }
  }
  return delays.length > 0 ? Math.ceil(Math.max(...delays)) : fallbackMs;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === "string") return value;
    if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  }
  return undefined;
}
