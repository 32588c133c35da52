import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { type TipJob, tipJobSchema } from "../core/tips/wire.js";

/**
 * The tips process's own durable hand-off: a tip is written here (fsync) before the citizen gets a
 * receipt, and removed once Redis has taken it. Redis or the bot away: tips wait here and leave
 * when they come back. Holds only what citizens sent, never a report.
 */
export class Spool {
  private readonly receipts = new Set<string>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const job of this.list()) this.receipts.add(job.receiptHash);
  }

  write(job: TipJob): void {
    const name = `${job.kind}-${job.submissionId}.json`;
    const temp = join(this.dir, `.${name}.tmp`);
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(job));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(this.dir, name));
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    if (job.kind === "tip") this.receipts.add(job.receiptHash);
  }

  list(): TipJob[] {
    const jobs: TipJob[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const parsed = tipJobSchema.safeParse(JSON.parse(readFileSync(join(this.dir, name), "utf8")));
      if (parsed.success) jobs.push(parsed.data);
    }
    return jobs;
  }

  remove(job: TipJob): void {
    rmSync(join(this.dir, `${job.kind}-${job.submissionId}.json`), { force: true });
    if (job.kind === "tip") this.receipts.delete(job.receiptHash);
  }

  /** A tip still waiting here for this receipt (not yet handed to the bot). */
  holds(receiptHash: string): boolean {
    return this.receipts.has(receiptHash);
  }

  get size(): number {
    return this.receipts.size;
  }
}
