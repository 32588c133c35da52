import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contribute, type ContributionDeps } from "../../src/app/contribution.js";
import { buildCapture } from "../../src/app/capture.js";
import { visibleIn } from "../../src/app/lookups.js";
import { loadConfig } from "../../src/config/load.js";
import { CommuneIndex } from "../../src/core/fr/communes.js";
import { Directory } from "../../src/core/directory.js";
import { contributionFields } from "../../src/core/matter/contribution.js";
import { renderCard } from "../../src/core/diffusion/render.js";
import { toPlain } from "../../src/core/message.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { Database } from "../../src/store/db.js";
import { MatterStore } from "../../src/store/matters.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { fields, rawConfig } from "./fixtures/cell.js";

/**
 * A referent's contribution, on generated texts, threads and diffusions of the report it hangs on:
 * it is always ungraded, owned by the coordinator service, diffused at `service` level; the only
 * rooms that may see it are the coordinator's (its service room, the triage room) and its own
 * matter room — never another service room, the coordination room or another matter room, not even
 * one the complemented report is shared with — and the fan-out plans it for the coordinator's room only.
 */
const SERVICES = ["ggd", "ddsp", "gir", "sr"];
const T0 = Date.UTC(2026, 11, 1, 10, 0);
const REFERENT = { userId: "@ref1:t", name: "Bailleur social" };

const diffusionArb = fc.oneof(
  fc.constant<Diffusion>({ level: "cross" }),
  fc.constant<Diffusion>({ level: "service" }),
  fc.subarray(SERVICES, { minLength: 1 }).map((list): Diffusion => ({ level: "restreint", services: list })),
);
const textArb = fc.constantFrom(
  "vu deux scooters devant le collège tous les soirs",
  "type=deal commune=golbey quand=hier plaque=AB-123-CD diffusion=cross cotation=A1 des jeunes dans le hall",
  "à Golbey hier soir des allées et venues, tel 06 12 34 56 78",
  "diffusion=restreint:gir rassemblement au parking",
  "cotation=A1 c'est confirmé",
  "la nourrice du bâtiment C est revenue ce matin",
);

async function cell(parentDiffusion: Diffusion) {
  const config = loadConfig(rawConfig(SERVICES), { MATRIX_ACCESS_TOKEN: "x" });
  const directory = new Directory(config);
  const db = await Database.open(":memory:");
  await migrate(db);
  const matters = await MatterStore.load(db);
  const outbox = new OutboxStore(db);
  const capture = buildCapture(
    config,
    db,
    directory,
    () => Promise.resolve({ rooms: 0, pending: false }),
    () => Promise.resolve(),
    () => false,
    matters,
    () => T0 + 1,
  );
  for (const [i, referent] of ["@ref1:t", "@ref2:t"].entries()) {
    await matters.create({
      key: `affaire-${i + 1}`,
      roomId: `!m${i + 1}`,
      purpose: "",
      referent,
      createdBy: "@ggd:t",
      createdAt: T0,
      expiresAt: T0 + 86_400_000,
    });
  }
  const { report: parent } = await capture.write.create({
    sourceEventId: "$parent",
    roomId: "!ddsp",
    roomKey: "ddsp",
    service: "ddsp",
    author: "@ddsp:t",
    fields: fields("AB-123-CD", parentDiffusion, "parent"),
    at: T0,
  });
  // Shared with both matters; its card stands in the first matter room.
  for (const key of ["affaire-1", "affaire-2"]) await matters.grant(key, parent.ref, "@ggd:t", T0, T0 + 86_400_000);
  await outbox.recordSent("affaire-1", "$card-in-affaire-1", "card", [parent.id], T0);
  const deps: ContributionDeps = { capture, matters, outbox, coordinatorService: "ggd" };
  return { config, db, capture, matters, deps, parent };
}

describe("a referent's contribution in the bound policy (property)", () => {
  it("is seen by the coordinator's rooms and its own matter room only, and planned for the coordinator's room only", async () => {
    await fc.assert(
      fc.asyncProperty(
        diffusionArb,
        textArb,
        fc.constantFrom<string[]>([], ["$card-in-affaire-1"], ["$unknown"]),
        async (parentDiffusion, text, relatedTo) => {
          const { config, db, capture, deps, parent } = await cell(parentDiffusion);
          const outcome = await contribute(deps, {
            matterKey: "affaire-1",
            roomId: "!m1",
            eventId: "$contribution",
            relatedTo,
            text,
            referent: REFERENT,
            at: T0 + 1,
          });
          expect(outcome.ok).toBe(true);
          const report = await capture.reports.bySourceEvent("$contribution");
          if (!report) throw new Error("contribution not stored");
          expect(report.service).toBe("ggd");
          expect(report.author).toBe(REFERENT.userId);
          expect(report.fields.grade).toEqual({ reliability: "F", credibility: 6 });
          expect(report.fields.diffusion).toEqual({ level: "service" });
          expect(report.fields.source).toEqual({
            kind: "referent",
            ...REFERENT,
            matter: "affaire-1",
            complementOf: relatedTo[0] === "$card-in-affaire-1" ? parent.ref : null,
          });
          const classified = { service: report.service, diffusion: report.fields.diffusion, ref: report.ref };
          for (const room of config.rooms) {
            const coordinatorsRoom = room.kind === "triage" || room.service === "ggd";
            expect(capture.roomMaySee(classified, room.key)).toBe(coordinatorsRoom);
            expect(visibleIn([report], room.key, capture).length).toBe(coordinatorsRoom ? 1 : 0);
          }
          expect(capture.roomMaySee(classified, "affaire-1")).toBe(true);
          expect(capture.roomMaySee(classified, "affaire-2")).toBe(false);
          const planned = await db.all<{ room_key: string }>("SELECT DISTINCT room_key FROM outbox WHERE report_id = ?", [
            report.id,
          ]);
          // Cards and match alerts (its entities may match the shared report): the coordinator's room only.
          expect(planned.map((r) => r.room_key)).toEqual(["ggd"]);
          // Delivered again (a re-delivered event): nothing new.
          const again = await contribute(deps, {
            matterKey: "affaire-1",
            roomId: "!m1",
            eventId: "$contribution",
            relatedTo,
            text,
            referent: REFERENT,
            at: T0 + 2,
          });
          expect(again.ok).toBe(true);
          expect((await db.get<{ n: number }>("SELECT count(*) AS n FROM reports"))?.n).toBe(2);
          await db.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses a contribution from anyone but the matter's referent, or in another room", async () => {
    const { deps, db } = await cell({ level: "cross" });
    const base = { matterKey: "affaire-1", roomId: "!m1", eventId: "$x", relatedTo: [], text: "à Épinal", at: T0 + 1 };
    expect((await contribute(deps, { ...base, referent: { userId: "@ref2:t", name: "Autre" } })).ok).toBe(false);
    expect((await contribute(deps, { ...base, roomId: "!m2", referent: REFERENT })).ok).toBe(false);
    expect((await deps.capture.reports.bySourceEvent("$x")) === undefined).toBe(true);
    await db.close();
  });
});

describe("contribution fields", () => {
  const ctx = {
    now: new Date(T0),
    timeZone: "Europe/Paris",
    maxAgeDays: 365,
    communes: CommuneIndex.vosges(),
    types: DEFAULT_FACT_TYPES,
    services: SERVICES,
  };
  const source = { kind: "referent" as const, ...REFERENT, matter: "affaire-1" };

  it("fills in the type and the date, takes the matter's commune, and asks for one when there is none", () => {
    const read = contributionFields("des jeunes dans le hall", source, ctx, null, { code: "88160", nom: "Épinal" });
    expect(read).toMatchObject({
      ok: true,
      fields: { type: "autre", commune: { nom: "Épinal" }, observedPrecision: "day", diffusion: { level: "service" } },
      toSpecify: ["le type", "la date", "la commune"],
    });
    const none = contributionFields("des jeunes dans le hall", source, ctx, null, null);
    expect(none).toMatchObject({ ok: false, problems: [{ field: "commune" }] });
    const outside = contributionFields("des jeunes à Toul", source, ctx, null, { code: "88160", nom: "Épinal" });
    expect(outside.ok).toBe(false);
  });

  it("never takes a cotation or a diffusion from the referent", () => {
    const read = contributionFields("commune=golbey cotation=A1 diffusion=cross des guetteurs", source, ctx, null, null);
    expect(read).toMatchObject({
      ok: true,
      fields: { grade: { reliability: "F", credibility: 6 }, diffusion: { level: "service" }, commune: { nom: "Golbey" } },
    });
  });

  it("a complement keeps the shared report's where and when, and names it", () => {
    const parent = { ref: "88-2026-40317", fields: fields("AB-123-CD", { level: "cross" }, "parent") };
    const read = contributionFields("il est revenu, plaque ZZ-999-ZZ", source, ctx, parent, null);
    expect(read).toMatchObject({
      ok: true,
      fields: {
        type: parent.fields.type,
        commune: parent.fields.commune,
        observedAt: parent.fields.observedAt,
        text: "[complément de 88-2026-40317] il est revenu, plaque ZZ-999-ZZ",
        source: { complementOf: "88-2026-40317" },
        diffusion: { level: "service" },
      },
    });
    if (!read.ok) return;
    expect(read.fields.entities.map((e) => e.display)).toEqual(["ZZ-999-ZZ"]);
  });
});

describe("the card of a contribution", () => {
  it("tells the coordinator it comes from a referent and waits for grading, until graded", () => {
    const vocabulary = { timeZone: "Europe/Paris", types: DEFAULT_FACT_TYPES, serviceName: (k: string) => k.toUpperCase() };
    const source = { kind: "referent" as const, ...REFERENT, matter: "affaire-1", complementOf: "88-2026-40317" };
    const base = { ...fields("AB-123-CD", { level: "service" }, "x"), source };
    const ungraded = toPlain(
      renderCard(
        {
          ref: "88-2026-55555",
          service: "ggd",
          status: "active",
          fields: { ...base, grade: { reliability: "F", credibility: 6 } },
        },
        vocabulary,
      ),
    );
    expect(ungraded).toContain("🧾 Contribution : référent Bailleur social (affaire-1), complément de 88-2026-40317");
    expect(ungraded).toContain("à coter : !maj 88-2026-55555 cotation=B2");
    const graded = toPlain(renderCard({ ref: "88-2026-55555", service: "ggd", status: "active", fields: base }, vocabulary));
    expect(graded).toContain("🧾 Contribution : référent");
    expect(graded).not.toContain("à coter");
  });
});
