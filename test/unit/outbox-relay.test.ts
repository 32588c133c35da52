import { afterEach, describe, expect, it } from "vitest";
import { type DueRow, OutboxRelay } from "../../src/jobs/outbox-relay.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { fieldsOf, territoryFixture } from "./support/territory-fixture.js";

/**
 * The relay hands each due outbox row to the queue once, and marks the rows `queued` in batches
 * (not one commit per report): a row handed but not yet marked is not handed again by the same
 * relay; a failed hand-over leaves the rows due; a relay that starts afresh (after a crash) hands
 * over again what was never marked.
 */
const AT = Date.UTC(2026, 10, 20);
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function cell(reports: number) {
  const fixture = await territoryFixture(["ggd", "douane", "gir"], []);
  close = () => fixture.db.close();
  for (let i = 0; i < reports; i++) {
    await fixture.capture.write.create({
      sourceEventId: `$r${i}`,
      roomId: "!ggd",
      roomKey: "ggd",
      service: "ggd",
      author: "@ggd:t",
      fields: fieldsOf({ service: "ggd", commune: "88160", observedAt: AT - 60_000 }),
      at: AT + i,
    });
  }
  const outbox = new OutboxStore(fixture.db);
  const statuses = async () =>
    (await fixture.db.all<{ status: string; n: number }>("SELECT status, count(*) AS n FROM outbox GROUP BY status")).reduce(
      (all, row) => ({ ...all, [row.status]: row.n }),
      {} as Record<string, number>,
    );
  return { outbox, statuses };
}

const recorder = () => {
  const handed: number[] = [];
  let failing = false;
  return {
    handed,
    fail: (on: boolean) => (failing = on),
    handOver: async (rows: DueRow[]) => {
      if (failing) throw new Error("redis away");
      handed.push(...rows.map((r) => r.id));
    },
  };
};

describe("outbox relay", () => {
  it("hands each row over once, and marks the rows queued in one batch", async () => {
    const { outbox, statuses } = await cell(2);
    const queue = recorder();
    const relay = new OutboxRelay(outbox, queue.handOver, { requeueAfterMs: 120_000 });
    // Two cross reports of ggd: a card owed to every other room entitled to them.
    const owed = (await statuses()).pending ?? 0;
    expect(owed).toBeGreaterThanOrEqual(4);
    expect(await relay.relay()).toEqual({ took: true, complete: true });
    expect(await relay.relay()).toEqual({ took: true, complete: true });
    expect(queue.handed).toHaveLength(owed);
    expect(new Set(queue.handed).size).toBe(owed);
    expect(await statuses()).toEqual({ pending: owed }); // not marked yet: no commit per hand-over
    await relay.mark();
    expect(await statuses()).toEqual({ queued: owed });
    expect(await relay.relay()).toEqual({ took: true, complete: true });
    expect(queue.handed).toHaveLength(owed);
  });

  it("a failed hand-over leaves the rows due; the next one takes them", async () => {
    const { outbox, statuses } = await cell(1);
    const queue = recorder();
    const relay = new OutboxRelay(outbox, queue.handOver, { requeueAfterMs: 120_000 });
    queue.fail(true);
    expect(await relay.relay()).toEqual({ took: false, complete: false });
    await relay.mark();
    const owed = (await statuses()).pending ?? 0;
    expect(owed).toBeGreaterThan(0);
    expect(queue.handed).toEqual([]);
    queue.fail(false);
    expect(await relay.relay()).toEqual({ took: true, complete: true });
    expect(queue.handed).toHaveLength(owed);
  });

  it("a relay started afresh hands over again what was never marked (a crash before the mark)", async () => {
    const { outbox } = await cell(1);
    const first = recorder();
    await new OutboxRelay(outbox, first.handOver, { requeueAfterMs: 120_000 }).relay();
    const second = recorder();
    await new OutboxRelay(outbox, second.handOver, { requeueAfterMs: 120_000 }).relay();
    expect(second.handed.sort()).toEqual(first.handed.sort());
  });

  it("past a full batch, it marks at once and says the hand-over is not complete", async () => {
    const { outbox, statuses } = await cell(3);
    const owed = (await statuses()).pending ?? 0;
    const queue = recorder();
    const relay = new OutboxRelay(outbox, queue.handOver, { requeueAfterMs: 120_000, batch: 2 });
    const results = [];
    for (let i = 0; i < Math.ceil(owed / 2) + 1; i++) results.push(await relay.relay());
    expect(results[0]).toEqual({ took: true, complete: false });
    expect(results.at(-1)).toEqual({ took: true, complete: true });
    expect(new Set(queue.handed).size).toBe(owed);
    expect(queue.handed).toHaveLength(owed);
  });

  it("hand-overs asked while one is under way share the next one, which reads every row committed by then", async () => {
    const { outbox, statuses } = await cell(2);
    const owed = (await statuses()).pending ?? 0;
    let reads = 0;
    let release!: () => void;
    let reading!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const underWay = new Promise<void>((resolve) => (reading = resolve));
    const counting = {
      dueForQueue: async (...args: Parameters<OutboxStore["dueForQueue"]>) => {
        reads++;
        reading();
        if (reads === 1) await gate;
        return outbox.dueForQueue(...args);
      },
      markQueued: (ids: number[], at: number) => outbox.markQueued(ids, at),
    };
    const queue = recorder();
    const relay = new OutboxRelay(counting, queue.handOver, { requeueAfterMs: 120_000 });
    const first = relay.relay();
    await underWay;
    const waiting = [relay.relay(), relay.relay(), relay.relay()];
    release();
    expect(await first).toEqual({ took: true, complete: true });
    expect(await Promise.all(waiting)).toEqual(Array(3).fill({ took: true, complete: true }));
    expect(reads).toBe(2); // the one under way, then one for the three that waited
    expect(new Set(queue.handed).size).toBe(owed);
    expect(queue.handed).toHaveLength(owed);
  });
});
