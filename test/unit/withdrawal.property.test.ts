import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freezeRoom } from "../../src/app/room-freeze.js";
import { buildCapture } from "../../src/app/capture.js";
import { audit } from "../../src/commands/audit.js";
import { loadConfig } from "../../src/config/load.js";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import { Directory } from "../../src/core/directory.js";
import { toPlain } from "../../src/core/message.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { deliver } from "../../src/jobs/deliver.js";
import { postDueReminders } from "../../src/jobs/reminders.js";
import { gatherer } from "../../src/app/rhythm/gather.js";
import { AuditJournal } from "../../src/store/audit.js";
import { Database } from "../../src/store/db.js";
import { FrozenRooms } from "../../src/store/frozen-rooms.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { RhythmStore } from "../../src/store/rhythm.js";
import { fields, rawConfig, roomMaySee } from "./fixtures/cell.js";

/**
 * What a room keeps after a report is narrowed, or after the room is frozen: generated cells and
 * reports are delivered (cards, match alerts, reminders of actions tied to them), then some
 * reports are narrowed to `service` and a room may be frozen, and the outbox delivered again.
 * Afterwards no message left standing in a room (not redacted) names a report that room may not
 * see, no later reminder goes where its report may not be seen, and `!audit` from any room prints
 * no line naming a report that room may not see.
 */
const SERVICE_KEYS = ["ggd", "ddsp", "dipj", "douane", "gir"];
const PLATES = ["AB-123-CD", "EF-456-GH"];
const DAY = 86_400_000;
const classified = (r: { service: string; fields: { diffusion: Diffusion } }) => ({
  service: r.service,
  diffusion: r.fields.diffusion,
});

const reportArb = (services: string[]) =>
  fc.record({
    origin: fc.constantFrom(...services),
    diffusion: fc.oneof(
      fc.constant<Diffusion>({ level: "cross" }),
      fc.subarray(services, { minLength: 1 }).map((list): Diffusion => ({ level: "restreint", services: list })),
    ),
    plate: fc.constantFrom(...PLATES),
    narrow: fc.boolean(),
    action: fc.option(fc.constantFrom(...services), { nil: null }),
  });

describe("withdrawal after narrowing or freezing, reminders and !audit (property)", () => {
  it("leaves nothing standing in a room about a report it may no longer see", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: SERVICE_KEYS.length })
          .map((n) => SERVICE_KEYS.slice(0, n))
          .chain((services) =>
            fc.tuple(
              fc.constant(services),
              fc.array(reportArb(services), { minLength: 1, maxLength: 6 }),
              fc.option(fc.constantFrom(...services.slice(1)), { nil: null }),
            ),
          ),
        async ([services, reports, frozenKey]) => {
          const config = loadConfig(rawConfig(services), { MATRIX_ACCESS_TOKEN: "x" });
          const directory = new Directory(config);
          const coordinator = config.services[0]!.key;
          const db = await Database.open(":memory:");
          await migrate(db);
          const journal = await AuditJournal.open(":memory:");
          const frozen = await FrozenRooms.load(db);
          const capture = buildCapture(
            config,
            db,
            directory,
            async () => ({ rooms: 0, pending: false }),
            async (entry) => {
              await journal.append(entry);
            },
            (key) => frozen.has(key),
          );
          const outbox = new OutboxStore(db, {
            roomService: (key) => directory.room(key)?.service,
            coordinatorService: directory.coordinatorService.key,
          });
          const rhythmStore = new RhythmStore(db);

          // A homeserver in miniature: what each room holds, and what was redacted.
          const events = new Map<string, { roomId: string; body: string }>();
          const byTxn = new Map<string, string>();
          const redacted = new Set<string>();
          const transport = {
            send: async (roomId: string, _type: string, content: Record<string, unknown>, txnKey: string) => {
              const known = byTxn.get(`${roomId}|${txnKey}`);
              if (known) return known;
              const eventId = `$e${events.size + 1}`;
              events.set(eventId, { roomId, body: String(content.body) });
              byTxn.set(`${roomId}|${txnKey}`, eventId);
              return eventId;
            },
            redact: async (_roomId: string, eventId: string) => {
              redacted.add(eventId);
            },
          };
          const roomIdOf = (key: string) => `!${key}`;
          const deliveryDeps = {
            outbox,
            reports: capture.reports,
            roomIdOf,
            roomMaySee: capture.roomMaySee,
            roomService: (key: string) => directory.room(key)?.service,
            coordinatorService: directory.coordinatorService.key,
            vocabulary: capture.vocabulary,
            transport,
            communicated: async (ref: string, room: string, what: string) => {
              await journal.append({ at: Date.now(), actor: "bot", action: "communicate", ref, room, detail: what });
            },
          };
          const deliverAll = async () => {
            for (const row of await outbox.dueForQueue(Date.now() + 1, 0)) await deliver(row.id, deliveryDeps);
          };
          const serviceRoom = (service: string) => config.rooms.find((r) => r.kind === "service" && r.service === service)?.key;
          const rhythm = {
            rhythm: rhythmStore,
            gather: gatherer({
              capture,
              rhythm: rhythmStore,
              communes: CommuneIndex.vosges(),
              room: (key) => directory.room(key),
              coordinatorService: coordinator,
            }),
            context: (now: number) => ({
              now,
              timeZone: "Europe/Paris",
              vocabulary: capture.vocabulary,
              arrondissementName: () => undefined,
              cellName: "CROSS test",
            }),
            serviceRoom,
          };
          const remind = (now: number) =>
            postDueReminders(
              {
                directory,
                rhythm,
                transport,
                roomIdOf,
                recordReminder: async (roomKey, eventId, ref) => {
                  const report = await capture.reports.byRef(ref);
                  if (report) await outbox.recordSent(roomKey, eventId, "reminder", [report.id], now);
                },
                daysBefore: 2,
                log: { info: () => undefined },
              },
              now,
            );

          const now = Date.now();
          const stored = [];
          for (const [i, r] of reports.entries()) {
            const { report } = await capture.write.create({
              sourceEventId: `$src${i}`,
              roomId: `!${r.origin}`,
              roomKey: r.origin,
              service: r.origin,
              author: `@${r.origin}:t`,
              fields: fields(r.plate, r.diffusion, `R${i}`),
              at: now - 1000 + i,
            });
            stored.push(report);
            const owner = r.action;
            const mayOwn = owner !== null && roomMaySee(classified(report), { kind: "service", service: owner }, coordinator);
            if (owner !== null && mayOwn) {
              await rhythmStore.addAction({
                service: owner,
                due: now + DAY,
                text: `contrôler ${report.ref}`,
                ref: report.ref,
                meetingId: null,
                by: `@${coordinator}:t`,
                now,
                eventId: `$act${i}`,
              });
            }
          }
          await deliverAll();
          await remind(now); // the "before" reminders

          // Narrow some reports, maybe freeze a room, then deliver what that owes.
          for (const [i, r] of reports.entries()) {
            if (!r.narrow) continue;
            const report = stored[i]!;
            await capture.write.amend(
              report.id,
              "update",
              { ...report.fields, diffusion: { level: "service" } },
              report.author,
              now,
              `$narrow${i}`,
            );
          }
          if (frozenKey) {
            await freezeRoom(
              {
                frozen,
                outbox,
                transport,
                journal: async (entry) => {
                  await journal.append(entry);
                },
                roomIdOf,
                coordinatorRoomKey: serviceRoom(coordinator),
                alert: () => ({ blocks: [{ line: ["gel"] }] }),
              },
              frozenKey,
              "test",
              now,
            );
          }
          await deliverAll();
          await remind(now + 2 * DAY); // the "overdue" reminders, after the changes

          const current = await Promise.all(stored.map(async (r) => (await capture.reports.byId(r.id))!));
          const maySee = (report: (typeof current)[number], roomKey: string) =>
            frozen.has(roomKey) ? false : roomMaySee(classified(report), directory.room(roomKey)!, coordinator);
          for (const room of config.rooms) {
            const standing = [...events.entries()]
              .filter(([id, e]) => e.roomId === `!${room.key}` && !redacted.has(id))
              .map(([, e]) => e.body)
              // The notice saying a report is no longer diffused here names only what the room already had.
              .filter((body) => !body.startsWith("🚫"));
            for (const [i, report] of current.entries()) {
              if (maySee(report, room.key)) continue;
              for (const body of standing) {
                expect(
                  body.includes(report.ref) || body.includes(`MARK R${i}`),
                  `${room.key} still shows ${report.ref}: ${body}`,
                ).toBe(false);
              }
            }
            // !audit answers only for a report the room may see, and each line passes the policy.
            for (const report of current) {
              const result = await audit.execute(
                {
                  args: { référence: report.ref },
                  rawArgs: report.ref,
                  sender: directory.identify(`@${coordinator}:t`)!,
                  roomKey: room.key,
                  roomId: `!${room.key}`,
                  eventId: "$audit",
                  threadRoot: "$audit",
                  sentAt: now,
                },
                { audit: journal, capture },
              );
              expect(result.ok).toBe(maySee(report, room.key));
              if (!result.ok) continue;
              const text = toPlain(result.message);
              for (const other of current) if (!maySee(other, room.key)) expect(text).not.toContain(other.ref);
            }
          }
          await journal.close();
          await db.close();
        },
      ),
      { numRuns: 50, seed: 20261201 },
    );
  }, 120_000);
});
