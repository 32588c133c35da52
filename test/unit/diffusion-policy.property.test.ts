import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCapture } from "../../src/app/capture.js";
import { cherche } from "../../src/commands/cherche.js";
import { fiche } from "../../src/commands/fiche.js";
import { voir } from "../../src/commands/voir.js";
import { loadConfig } from "../../src/config/load.js";
import { Directory } from "../../src/core/directory.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { deliver } from "../../src/jobs/deliver.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import type { StoredReport } from "../../src/store/reports.js";
import { fields, rawConfig, roomMaySee } from "./fixtures/cell.js";

/**
 * The diffusion policy, end to end over every outbound path, on generated cells and reports:
 * fan-out cards, updates, match alerts, !cherche, !fiche and !voir. No room ever receives or finds a
 * report it is not entitled to; every entitled service room gets its card exactly once.
 */
const SERVICE_KEYS = ["ggd", "ddsp", "dipj", "douane", "gir", "sr"];
const PLATES = ["AB-123-CD", "EF-456-GH", "JK-789-LM"];

const cellArb = fc.integer({ min: 2, max: SERVICE_KEYS.length }).map((n) => SERVICE_KEYS.slice(0, n));
const reportArb = (services: string[]) =>
  fc.record({
    origin: fc.constantFrom(...services),
    diffusion: fc.oneof(
      fc.constant<Diffusion>({ level: "cross" }),
      fc.constant<Diffusion>({ level: "service" }),
      fc.subarray(services, { minLength: 1 }).map((list): Diffusion => ({ level: "restreint", services: list })),
    ),
    plate: fc.constantFrom(...PLATES),
    update: fc.boolean(),
    narrow: fc.boolean(),
  });

describe("diffusion policy on every outbound path (property)", () => {
  it("never shows a report to a room not entitled to it, and gives each entitled room its card once", async () => {
    await fc.assert(
      fc.asyncProperty(
        cellArb.chain((services) =>
          fc.tuple(fc.constant(services), fc.array(reportArb(services), { minLength: 1, maxLength: 7 })),
        ),
        fc.infiniteStream(fc.nat()),
        async ([services, reports], shuffle) => {
          const config = loadConfig(rawConfig(services), { MATRIX_ACCESS_TOKEN: "x" });
          const directory = new Directory(config);
          const db = await Database.open(":memory:");
          await migrate(db);
          const capture = buildCapture(
            config,
            db,
            directory,
            async () => ({ rooms: 0, pending: false }),
            async () => undefined,
          );
          const outbox = new OutboxStore(db, {
            roomService: (key) => directory.room(key)?.service,
            coordinatorService: directory.coordinatorService.key,
          });
          const received = new Map<string, string[]>();
          /** Every message as the homeserver holds it: one per transaction, its thread if any. */
          const events: { id: string; roomId: string; body: string; thread: string | undefined }[] = [];
          const transport = {
            send: async (roomId: string, _type: string, content: Record<string, unknown>, txnKey: string) => {
              const key = `${roomId}|${txnKey}`;
              const known = events.find((e) => e.roomId === roomId && received.get(key)?.[2] === e.id);
              if (known) return known.id;
              const id = `$${events.length + 1}`;
              const relation = content["m.relates_to"] as { event_id?: string } | undefined;
              events.push({ id, roomId, body: String(content.body), thread: relation?.event_id });
              received.set(key, [roomId, String(content.body), id]);
              return id;
            },
            redact: async () => undefined,
          };
          const deps = {
            outbox,
            reports: capture.reports,
            roomIdOf: (key: string) => `!${key}`,
            roomMaySee: capture.roomMaySee,
            roomService: (key: string) => directory.room(key)?.service,
            coordinatorService: directory.coordinatorService.key,
            vocabulary: capture.vocabulary,
            transport,
            communicated: async () => undefined,
          };
          const stored: StoredReport[] = [];
          for (const [i, r] of reports.entries()) {
            const { report } = await capture.write.create({
              sourceEventId: `$src${i}`,
              roomId: `!${r.origin}`,
              roomKey: r.origin,
              service: r.origin,
              author: `@${r.origin}:t`,
              fields: fields(r.plate, r.diffusion, `R${i}`),
              at: 1_700_000_000_000 + i,
            });
            if (r.update) {
              const narrowed: Diffusion = r.narrow ? { level: "service" } : r.diffusion;
              await capture.write.amend(
                report.id,
                "update",
                { ...report.fields, diffusion: narrowed, text: `${report.fields.text} suite` },
                report.author,
                report.createdAt + 1,
                `$upd${i}`,
              );
            }
            stored.push((await capture.reports.byId(report.id))!);
          }
          // Deliver every due row, in a generated order, twice (a retried job changes nothing).
          const due = await outbox.dueForQueue(Date.now() + 1, 0);
          const keys = [...shuffle.take(due.length)];
          const order = due.map((row, i) => ({ row, key: keys[i] ?? 0 })).sort((a, b) => a.key - b.key);
          for (const { row } of [...order, ...order]) await deliver(row.id, deps);

          const rooms = config.rooms;
          // Match alerts, from the rules: the room of each report's service (blind where it may not see
          // the other) and the coordinator's room are alerted at room level; any other service room
          // entitled to both gets a note in the thread of its card of the new report; nobody else anything.
          const coordinator = config.services[0]!.key;
          const sees = (r: StoredReport, room: (typeof rooms)[number]) =>
            roomMaySee({ service: r.service, diffusion: r.fields.diffusion }, room, coordinator);
          const matches = await db.all<{ report_id: number; other_id: number }>("SELECT report_id, other_id FROM matches");
          for (const m of matches) {
            const a = stored.find((r) => r.id === m.report_id)!;
            const b = stored.find((r) => r.id === m.other_id)!;
            for (const room of rooms) {
              const inRoom = events.filter((e) => e.roomId === `!${room.key}`);
              const pairLines = (list: typeof inRoom) =>
                list
                  .flatMap((e) => e.body.split("\n"))
                  .filter((l) => l.includes(`${a.ref} ↔ ${b.ref}`) || l.includes(`${b.ref} ↔ ${a.ref}`));
              const top = inRoom.filter((e) => !e.thread);
              const threaded = inRoom.filter((e) => e.thread);
              const concerned = room.kind === "service" && [a.service, b.service, coordinator].includes(room.service ?? "");
              const both = room.kind === "service" && sees(a, room) && sees(b, room);
              expect(pairLines(top), `alert ${a.ref}/${b.ref} in ${room.key}`).toHaveLength(concerned && both ? 1 : 0);
              expect(pairLines(threaded), `note ${a.ref}/${b.ref} in ${room.key}`).toHaveLength(!concerned && both ? 1 : 0);
              if (!concerned && both) {
                const note = threaded.find((e) => pairLines([e]).length > 0)!;
                const holder = top.find((e) => e.body.split("\n").some((l) => l.startsWith(`📌 ${a.ref}`)));
                expect(note.thread).toBe(holder?.id);
              }
            }
          }
          // Blind alerts name only the room's own report: one per match whose other side it may not see.
          for (const room of rooms)
            for (const mine of stored) {
              const owed = matches.filter((m) => {
                if (m.report_id !== mine.id && m.other_id !== mine.id) return false;
                const theirs = stored.find((r) => r.id === (m.report_id === mine.id ? m.other_id : m.report_id))!;
                return room.kind === "service" && room.service === mine.service && !sees(theirs, room);
              }).length;
              const blind = events
                .filter((e) => e.roomId === `!${room.key}` && !e.thread)
                .flatMap((e) => e.body.split("\n"))
                .filter((l) =>
                  l.includes(`renseignement ${mine.ref} partage une entité avec un renseignement détenu par un autre service`),
                );
              expect(blind.length, `blind ${mine.ref} in ${room.key}`).toBe(owed);
            }
          for (const room of rooms) {
            const messages = [...received.values()].filter(([roomId]) => roomId === `!${room.key}`).map(([, body]) => body ?? "");
            for (const report of stored) {
              const entitled = roomMaySee(
                { service: report.service, diffusion: report.fields.diffusion },
                room,
                config.services[0]!.key,
              );
              const marker = `MARK R${stored.indexOf(report)}`;
              // A card alone, or one of the cards of a grouped message (each starts its own line).
              const cards = messages.flatMap((m) => m.split("\n")).filter((l) => l.startsWith(`📌 ${report.ref}`));
              const pushed = room.kind === "service" && entitled && room.key !== report.roomKey;
              expect(cards).toHaveLength(pushed ? 1 : 0);
              if (!entitled) {
                // Not its reference, not its text: nothing of it reaches the room (blind alerts name only the room's own report).
                for (const m of messages) expect(m.includes(report.ref) || m.includes(marker)).toBe(false);
              }
              const invocation = {
                sender: directory.identify(`@${services[0]}:t`)!,
                roomKey: room.key,
                roomId: `!${room.key}`,
                eventId: "$q",
                threadRoot: "$q",
                sentAt: Date.now(),
              };
              const shown = await voir.execute(
                { ...invocation, args: { référence: report.ref }, rawArgs: report.ref },
                { capture },
              );
              expect(shown.ok).toBe(entitled);
            }
            const invocation = {
              sender: directory.identify(`@${services[0]}:t`)!,
              roomKey: room.key,
              roomId: `!${room.key}`,
              eventId: "$q",
              threadRoot: "$q",
              sentAt: Date.now(),
            };
            const search = await cherche.execute({ ...invocation, args: { termes: "MARK" }, rawArgs: "MARK" }, { capture });
            const expectedRefs = stored
              .filter((r) => roomMaySee({ service: r.service, diffusion: r.fields.diffusion }, room, config.services[0]!.key))
              .map((r) => r.ref);
            expect(search.ok && search.reports.map((r) => r.ref).sort()).toEqual(expectedRefs.slice(0, 10).sort());
            for (const plate of PLATES) {
              const card = await fiche.execute({ ...invocation, args: { entité: plate }, rawArgs: plate }, { capture });
              if (!card.ok) throw new Error(card.error);
              for (const r of card.reports)
                expect(roomMaySee({ service: r.service, diffusion: r.fields.diffusion }, room, config.services[0]!.key)).toBe(
                  true,
                );
            }
          }
          await db.close();
        },
      ),
      { numRuns: 60, seed: 20261126 },
    );
  }, 120_000);
});
