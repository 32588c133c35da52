import { describe, expect, it } from "vitest";
import { checkHealth } from "../../src/web/health.js";

const up = async (): Promise<void> => undefined;
const fine = () => ({ ok: true });
const steady = { storage: fine, handling: fine };
const down = async (): Promise<void> => {
  throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
};

describe("checkHealth", () => {
  it("is green when the last sync is recent and Redis and SQLite answer", async () => {
    const health = await checkHealth({ lastSyncAt: () => 1000, pingRedis: up, pingSqlite: up, ...steady }, 90, 1030);
    expect(health.ok).toBe(true);
  });

  const never = (): number | null => null;
  const at1000 = (): number | null => 1000;
  it.each([
    ["no sync yet", never, up, up, "sync"],
    ["a sync too old", at1000, up, up, "sync"],
    ["Redis down", at1000, down, up, "redis"],
    ["SQLite down", at1000, up, down, "sqlite"],
  ] as const)("is red with %s, naming the part", async (_label, lastSyncAt, pingRedis, pingSqlite, part) => {
    const health = await checkHealth({ lastSyncAt, pingRedis, pingSqlite, ...steady }, 90, 1000 + (part === "sync" ? 91 : 10));
    expect(health.ok).toBe(false);
    expect(health.checks[part].ok).toBe(false);
    expect(health.checks[part].detail).toBeTruthy();
  });

  it.each([
    ["the disk full", "storage"],
    ["sync batches failing", "events"],
  ] as const)("is red with %s, even when syncs succeed and SQLite answers reads", async (_label, part) => {
    const red = () => ({ ok: false, detail: "no space left on device" });
    const health = await checkHealth(
      {
        lastSyncAt: () => 1000,
        pingRedis: up,
        pingSqlite: up,
        storage: part === "storage" ? red : fine,
        handling: part === "events" ? red : fine,
      },
      90,
      1010,
    );
    expect(health.ok).toBe(false);
    expect(health.checks[part]).toEqual({ ok: false, detail: "no space left on device" });
  });
});
