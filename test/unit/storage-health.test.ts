import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isDiskFull, StorageHealth } from "../../src/store/storage-health.js";

describe("isDiskFull", () => {
  it.each([
    ["SQLite", Object.assign(new Error("SQLITE_FULL: database or disk is full"), { code: "SQLITE_FULL" })],
    ["the file system", Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })],
    ["LevelDB (crypto store)", new Error("IO error: /data/crypto/indexeddb/000012.log: No space left on device")],
    ["a wrapped cause", new Error("transaction aborted", { cause: new Error("No space left on device") })],
  ])("recognises %s", (_label, error) => {
    expect(isDiskFull(error)).toBe(true);
  });

  it.each([
    ["a locked database", Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" })],
    ["a network error", new Error("connect ECONNREFUSED 127.0.0.1:6379")],
    ["nothing", undefined],
  ])("does not mistake %s for it", (_label, error) => {
    expect(isDiskFull(error)).toBe(false);
  });
});

describe("StorageHealth", () => {
  it("turns red on a full disk, once, and green again when a probe can write", () => {
    const dir = mkdtempSync(join(tmpdir(), "storage-health-"));
    const changes: boolean[] = [];
    const storage = new StorageHealth(dir, (full) => changes.push(full), 60_000);
    expect(storage.check().ok).toBe(true);
    expect(storage.noteError(new Error("SQLITE_BUSY"))).toBe(false);
    expect(storage.full).toBe(false);
    expect(storage.noteError(Object.assign(new Error("ENOSPC"), { code: "ENOSPC" }))).toBe(true);
    expect(storage.noteError(new Error("No space left on device"))).toBe(true);
    expect(storage.check()).toMatchObject({ ok: false });
    expect(storage.check().detail).toContain("ENOSPC");
    expect(storage.probe()).toBe(true); // this directory has room
    expect(storage.check().ok).toBe(true);
    expect(changes).toEqual([true, false]);
    expect(readdirSync(dir)).toEqual([]); // the probe cleans up after itself
    storage.stop();
  });

  it("stays red while the probe cannot write", () => {
    const storage = new StorageHealth("/nonexistent/dir", () => undefined, 60_000);
    storage.noteError(new Error("No space left on device"));
    expect(storage.probe()).toBe(false);
    expect(storage.full).toBe(true);
    storage.stop();
  });
});
