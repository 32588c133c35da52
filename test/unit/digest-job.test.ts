import { UnrecoverableError } from "bullmq";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type DigestScheduleDeps, runDigestJob } from "../../src/jobs/digest-schedule.js";
import type { RhythmDeps } from "../../src/app/rhythm/deps.js";

/** Job data that cannot be read fails for good (no retries, no repeated errors in the log); a missing room is retried. */
describe("a scheduled digest job", () => {
  const deps = (roomId: string | undefined): DigestScheduleDeps => ({
    config: { rhythm: { late_after_seconds: 300 }, cross: { timezone: "Europe/Paris" } } as DigestScheduleDeps["config"],
    rhythm: {
      rhythm: { postedKeys: async () => new Set<string>() },
      context: () => ({ timeZone: "Europe/Paris" }),
    } as unknown as RhythmDeps,
    transport: { send: async () => "$x" },
    roomIdOf: () => roomId,
    log: pino({ level: "silent" }),
  });
  const job = (data: unknown) => ({
    id: "repeat:digest-ddsp-0:1700000000000",
    data,
    timestamp: 1,
    repeatJobKey: "k",
    name: "digest",
  });

  it("with unreadable data is unrecoverable", async () => {
    await expect(runDigestJob(job({ room: 3 }), deps("!r"))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(runDigestJob(job({ room: "ddsp", period: "7j", extra: 1 }), deps("!r"))).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });
  it("with a period nobody can read is unrecoverable", async () => {
    await expect(runDigestJob(job({ room: "ddsp", period: "banane" }), deps("!r"))).rejects.toBeInstanceOf(UnrecoverableError);
  });
  it("for a room not resolved yet is retried (an ordinary error)", async () => {
    const failure = await runDigestJob(job({ room: "ddsp", period: "7j" }), deps(undefined)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(UnrecoverableError);
  });
});
