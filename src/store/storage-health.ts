import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** SQLite's SQLITE_FULL, the crypto store's or the file system's ENOSPC, EDQUOT: no room left to write. */
export function isDiskFull(error: unknown): boolean {
  if (!(error instanceof Error)) return typeof error === "string" && DISK_FULL.test(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return true;
  return DISK_FULL.test(error.message) || (error.cause !== undefined && error.cause !== error && isDiskFull(error.cause));
}
const DISK_FULL = /SQLITE_FULL|database or disk is full|ENOSPC|no space left on device|EDQUOT|quota exceeded/i;

/**
 * Whether the bot can write. A full disk is noted by whoever meets it (the store, the crypto store,
 * the process's last-resort handler); from then on a probe writes a small file in the data
 * directory every few seconds, and the first one that succeeds clears it: the bot resumes by itself.
 */
export class StorageHealth {
  private fullSince: number | null = null;
  private detail = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly onChange: (full: boolean, detail: string) => void = () => undefined,
    private readonly probeEveryMs = 3000,
  ) {}

  /** True when `error` is a full disk (and it is now noted). */
  noteError(error: unknown): boolean {
    if (!isDiskFull(error)) return false;
    if (this.fullSince === null) {
      this.fullSince = Date.now();
      this.detail = error instanceof Error ? error.message : String(error);
      this.onChange(true, this.detail);
      this.timer = setInterval(() => this.probe(), this.probeEveryMs);
      this.timer.unref();
    }
    return true;
  }

  get full(): boolean {
    return this.fullSince !== null;
  }

  check(): { ok: boolean; detail?: string } {
    if (this.fullSince === null) return { ok: true };
    return { ok: false, detail: `storage full since ${new Date(this.fullSince).toISOString()}: ${this.detail}` };
  }

  /** Space came back if a 256 KiB file can be written and removed (SQLite needs a few pages free). */
  probe(): boolean {
    const file = join(this.dataDir, `.space-probe-${randomBytes(4).toString("hex")}`);
    try {
      writeFileSync(file, Buffer.alloc(256 * 1024));
      rmSync(file, { force: true });
    } catch {
      rmSync(file, { force: true });
      return false;
    }
    if (this.fullSince !== null) {
      this.fullSince = null;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.onChange(false, "");
    }
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
