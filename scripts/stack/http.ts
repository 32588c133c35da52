/**
 * Minimal JSON-over-HTTP helper for the local stack scripts and test drivers.
 * Every non-2xx answer becomes an Error carrying method, path, status and body.
 */

export interface RequestOptions {
  /** Bearer access token, if the endpoint needs one. */
  token?: string;
  /** JSON body; sent only for methods other than GET/HEAD. */
  body?: unknown;
  /** Abort after this many milliseconds (default 30 s). */
  timeoutMs?: number;
}

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} -> HTTP ${status}: ${body.slice(0, 2000)}`);
    this.name = "HttpError";
  }

  /** Matrix errcode of the body, if it is a Matrix error. */
  get errcode(): string | undefined {
    try {
      const parsed: unknown = JSON.parse(this.body);
      if (isObject(parsed) && typeof parsed["errcode"] === "string") return parsed["errcode"];
    } catch {
      // not JSON
    }
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Calls `baseUrl + path` and returns the parsed JSON object of a 2xx answer. */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined && method !== "GET" && method !== "HEAD") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const url = baseUrl.replace(/\/+$/, "") + path;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${method} ${path} failed before any answer (${url}): ${reason}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) throw new HttpError(method, path, response.status, text);
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} -> HTTP ${response.status}: body is not JSON: ${text.slice(0, 500)}`);
  }
  if (!isObject(parsed)) {
    throw new Error(`${method} ${path} -> HTTP ${response.status}: body is not a JSON object: ${text.slice(0, 500)}`);
  }
  return parsed;
}

/** Reads a string field of a response, or throws naming the call. */
export function stringField(obj: Record<string, unknown>, field: string, what: string): string {
  const value = obj[field];
  if (typeof value !== "string" || value === "") {
    throw new Error(`${what}: expected a string "${field}" in ${JSON.stringify(obj).slice(0, 500)}`);
  }
  return value;
}

/** Percent-encodes one path segment (user ids, room ids, aliases). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
