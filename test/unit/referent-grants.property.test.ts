import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCapture, diffusionPlanner } from "../../src/app/capture.js";
import { visibleIn } from "../../src/app/lookups.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { Database } from "../../src/store/db.js";
import { MatterStore } from "../../src/store/matters.js";
import { migrate } from "../../src/store/migrations.js";
import type { StoredReport } from "../../src/store/reports.js";
import { rawConfig, roomMaySee } from "./fixtures/cell.js";

/**
 * Grants and expiries in the bound policy, on generated cells, matters and instants: a matter room
 * sees exactly the reports granted to it, while the grant runs and the matter is active — nothing
 * else, at any time; configured rooms keep their rule, whatever the grants; and the fan-out plans a
 * matter room only for a running grant. Survives a reload from SQLite (a restart).
 */
const SERVICES = ["ggd", "ddsp", "gir", "sr"];
const REFS = ["88-2026-00001", "88-2026-00002", "88-2026-00003", "88-2026-00004"];
const HOUR = 3_600_000;

const diffusionArb = fc.oneof(
  fc.constant<Diffusion>({ level: "cross" }),
  fc.constant<Diffusion>({ level: "service" }),
  fc.subarray(SERVICES, { minLength: 1 }).map((list): Diffusion => ({ level: "restreint", services: list })),
);
const matterArb = fc.record({
  lastsHours: fc.integer({ min: 1, max: 48 }),
  grants: fc.subarray(REFS),
  revoked: fc.subarray(REFS),
  extendHours: fc.option(fc.integer({ min: 1, max: 48 }), { nil: null }),
  closedAtHour: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
});

describe("grants and expiries in the bound policy (property)", () => {
  it("a matter room sees exactly its running grants, at any time, before and after a restart", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ origin: fc.constantFrom(...SERVICES), diffusion: diffusionArb }), {
          minLength: REFS.length,
          maxLength: REFS.length,
        }),
        fc.array(matterArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }),
        async (reports, matters, probeHours) => {
          const config = loadConfig(rawConfig(SERVICES), { MATRIX_ACCESS_TOKEN: "x" });
          const directory = new Directory(config);
          const db = await Database.open(":memory:");
          await migrate(db);
          const store = await MatterStore.load(db);
          const t0 = 1_800_000_000_000;
          // The oracle, from the rules: per matter, the end and the running grants.
          const expected = new Map<string, { end: number; refs: Set<string> }>();
          for (const [i, m] of matters.entries()) {
            const key = `affaire-${i + 1}`;
            let end = t0 + m.lastsHours * HOUR;
            await store.create({
              key,
              roomId: `!m${i}`,
              purpose: "",
              referent: "@ref:t",
              createdBy: "@ggd:t",
              createdAt: t0,
              expiresAt: end,
            });
            for (const ref of m.grants) await store.grant(key, ref, "@ggd:t", t0, end);
            const refs = new Set(m.grants);
            for (const ref of m.revoked) {
              if (await store.revoke(key, ref, t0)) refs.delete(ref);
            }
            if (m.extendHours !== null) {
              end = t0 + m.extendHours * HOUR;
              await store.extend(key, end);
            }
            if (m.closedAtHour !== null) {
              // Closed (or expired) at that hour: from then on, nothing, even if the date was later.
              await store.end(key, "closed", t0 + m.closedAtHour * HOUR);
              end = Math.min(end, t0);
            }
            expected.set(key, { end, refs });
          }
          const restarted = await MatterStore.load(db);
          for (const matters of [store, restarted]) {
            let now = t0;
            const capture = buildCapture(
              config,
              db,
              directory,
              () => Promise.resolve({ rooms: 0, pending: false }),
              () => Promise.resolve(),
              () => false,
              matters,
              () => now,
            );
            const planner = diffusionPlanner(config, directory.coordinatorService.key, (ref) => matters.roomsGranted(ref, now));
            for (const hours of probeHours) {
              now = t0 + hours * HOUR;
              for (const [i, r] of reports.entries()) {
                const ref = REFS[i] ?? "";
                const classified = { service: r.origin, diffusion: r.diffusion, ref };
                for (const [key, oracle] of expected) {
                  const sees = now < oracle.end && oracle.refs.has(ref);
                  expect(capture.roomMaySee(classified, key)).toBe(sees);
                  // Without its reference, a report is never seen by a matter room (digests, maps…).
                  expect(capture.roomMaySee({ service: r.origin, diffusion: r.diffusion }, key)).toBe(false);
                  expect(capture.roomMaySeeAction({ service: r.origin, report: classified }, key)).toBe(false);
                  expect(planner.roomsFor(classified, "ddsp").includes(key)).toBe(sees);
                }
                // Configured rooms keep their own rule, whatever is shared with matters.
                for (const room of config.rooms) {
                  expect(capture.roomMaySee(classified, room.key)).toBe(roomMaySee(classified, room, "ggd"));
                }
              }
              const all = reports.map(
                (r, i) =>
                  ({ ref: REFS[i] ?? "", service: r.origin, fields: { diffusion: r.diffusion } }) as unknown as StoredReport,
              );
              for (const [key, oracle] of expected) {
                const refs = visibleIn(all, key, capture).map((r) => r.ref);
                expect(refs).toEqual(REFS.filter((ref) => now < oracle.end && oracle.refs.has(ref)));
              }
            }
          }
          await db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
