/** One component's state in /healthz. */
export interface Check {
  ok: boolean;
  detail?: string;
}

export interface HealthProbes {
  /** Seconds since the epoch of the last successful sync, or null before the first. */
  lastSyncAt(): number | null;
  pingRedis(): Promise<void>;
  pingSqlite(): Promise<void>;
  /** Can the bot write (SQLite, crypto store, attachments)? Red while the disk is full. */
  storage(): Check;
  /** Are events actually being handled (not only synced)? Red while sync batches keep failing. */
  handling(): Check;
}

/** Pure verdict on the bot's health from its probes; red as soon as one part is. */
export async function checkHealth(probes: HealthProbes, maxSyncAgeSeconds: number, nowSeconds: number) {
  const lastSync = probes.lastSyncAt();
  const age = lastSync === null ? null : Math.round(nowSeconds - lastSync);
  const sync: Check =
    age === null
      ? { ok: false, detail: "no successful sync yet" }
      : { ok: age <= maxSyncAgeSeconds, detail: `last successful sync ${age}s ago` };
  const [redis, sqlite] = await Promise.all([probe(probes.pingRedis), probe(probes.pingSqlite)]);
  const checks = { sync, redis, sqlite, storage: probes.storage(), events: probes.handling() };
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

async function probe(ping: () => Promise<void>): Promise<Check> {
  try {
    await ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
