import { describe, expect, it } from "vitest";
import { close, expireDue, type MatterDeps, memberJoined, subjectRefsAndDuration, unshare } from "../../src/app/matters.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import { dueForRemoval, grantAllows, mayBeInMatterRoom, parseDuration } from "../../src/core/matter/grants.js";
import { mayBeInRoom } from "../../src/core/room-safety.js";
import { Database } from "../../src/store/db.js";
import { MatterStore } from "../../src/store/matters.js";
import { migrate } from "../../src/store/migrations.js";
import { OutboxStore } from "../../src/store/outbox.js";
import { createRoomBody } from "../../src/matrix/bot-sdk-transport.js";
import { createSafetyHandler } from "../../src/handlers/safety.js";

const NOW = Date.UTC(2026, 11, 1, 10, 0); // 1 December 2026, 11:00 in Paris

describe("grant check", () => {
  const active = { status: "active" as const, expiresAt: NOW + 1000 };
  it("allows a running grant of an active matter, and nothing else", () => {
    expect(grantAllows(active, { until: NOW + 1000, revokedAt: null }, NOW)).toBe(true);
    expect(grantAllows(active, undefined, NOW)).toBe(false);
    expect(grantAllows(undefined, { until: NOW + 1000, revokedAt: null }, NOW)).toBe(false);
    expect(grantAllows(active, { until: NOW + 1000, revokedAt: NOW - 1 }, NOW)).toBe(false);
    expect(grantAllows(active, { until: NOW, revokedAt: null }, NOW)).toBe(false);
    expect(grantAllows({ ...active, expiresAt: NOW }, { until: NOW + 1000, revokedAt: null }, NOW)).toBe(false);
    expect(grantAllows({ ...active, status: "closed" }, { until: NOW + 1000, revokedAt: null }, NOW)).toBe(false);
  });

  it("lets into a matter room only its referent and the coordinator's people", () => {
    const matter = { kind: "matter" as const, referent: "@ref:t" };
    expect(mayBeInRoom({ kind: "referent", userId: "@ref:t" }, matter)).toBe(true);
    expect(mayBeInRoom({ kind: "referent", userId: "@other:t" }, matter)).toBe(false);
    expect(mayBeInRoom({ kind: "officer", userId: "@o:t", service: { key: "ddsp" } }, matter)).toBe(false);
    expect(mayBeInRoom({ kind: "coordinator", userId: "@c:t", service: { key: "ggd" } }, matter)).toBe(true);
    expect(mayBeInRoom(null, matter)).toBe(false);
    expect(mayBeInMatterRoom({ kind: "referent", userId: "@ref:t" }, matter)).toBe(true);
    // A referent is still refused in the rooms of the cell.
    expect(mayBeInRoom({ kind: "referent", userId: "@ref:t" }, { kind: "coordination" })).toBe(false);
  });
});

describe("durations", () => {
  it("reads 30j, 12h, 10min and jusqu'au 15/01 (end of that day, Paris, next year once passed)", () => {
    expect(parseDuration("30j", NOW, "Europe/Paris")).toEqual({ ok: true, until: NOW + 30 * 86_400_000 });
    expect(parseDuration("12h", NOW, "Europe/Paris")).toEqual({ ok: true, until: NOW + 12 * 3_600_000 });
    expect(parseDuration("10min", NOW, "Europe/Paris")).toEqual({ ok: true, until: NOW + 600_000 });
    expect(parseDuration("jusqu'au 15/01", NOW, "Europe/Paris")).toEqual({ ok: true, until: Date.UTC(2027, 0, 15, 23, 0) });
    expect(parseDuration("jusqu’au 03/12", NOW, "Europe/Paris")).toEqual({ ok: true, until: Date.UTC(2026, 11, 3, 23, 0) });
  });
  it("refuses in French what it cannot read", () => {
    expect(parseDuration("bientôt", NOW, "Europe/Paris")).toMatchObject({ ok: false, error: expect.stringContaining("30j") });
    expect(parseDuration("500j", NOW, "Europe/Paris")).toMatchObject({ ok: false, error: expect.stringContaining("un an") });
    expect(parseDuration("jusqu'au 31/02", NOW, "Europe/Paris")).toMatchObject({ ok: false });
  });
});

describe("the room the bot creates", () => {
  it("is encrypted with joined history from its first event, and only the bot can invite, kick or change it", () => {
    const body = createRoomBody({ name: "x", invite: ["@ref:t"] });
    expect(body.initial_state).toContainEqual({
      type: "m.room.history_visibility",
      state_key: "",
      content: { history_visibility: "joined" },
    });
    expect(body.initial_state.some((e) => e.type === "m.room.encryption")).toBe(true);
    const power = body.power_level_content_override;
    expect(power.users_default).toBe(0);
    for (const level of [power.invite, power.kick, power.redact, power.state_default]) expect(level).toBeGreaterThan(0);
  });
});

async function setup() {
  const db = await Database.open(":memory:");
  await migrate(db);
  const matters = await MatterStore.load(db);
  const calls: string[] = [];
  const journal: string[] = [];
  const deps: MatterDeps = {
    matters,
    reports: { byRef: () => Promise.resolve(undefined) },
    outbox: new OutboxStore(db),
    transport: {
      createRoom: () => Promise.resolve("!new"),
      invite: () => Promise.resolve(),
      kick: (roomId, userId) => {
        calls.push(`kick ${roomId} ${userId}`);
        return Promise.resolve();
      },
      send: (roomId, _type, content, txnKey) => {
        calls.push(`send ${roomId} ${txnKey} ${String(content.body)}`);
        return Promise.resolve("$e");
      },
      redact: () => Promise.resolve(),
    },
    journal: (entry) => {
      journal.push(`${entry.room} ${entry.detail}`);
      return Promise.resolve();
    },
    referentName: () => "Référent",
    registerRoom: () => undefined,
    relay: () => undefined,
    timeZone: "Europe/Paris",
    vocabulary: { timeZone: "Europe/Paris", types: DEFAULT_FACT_TYPES },
    isFrozen: () => false,
    isCoordinator: (userId) => userId.startsWith("@c"),
  };
  await matters.create({
    key: "affaire-1",
    roomId: "!m1",
    purpose: "",
    referent: "@ref:t",
    createdBy: "@c:t",
    createdAt: NOW,
    expiresAt: NOW + 60_000,
  });
  await matters.grant("affaire-1", "88-2026-00001", "@c:t", NOW, NOW + 60_000);
  return { db, deps, calls, journal };
}

describe("expiry", () => {
  it("removes the referent once due, says so, journals it — once — and the room sees nothing more, also after a reload", async () => {
    const { db, deps, calls, journal } = await setup();
    expect(await expireDue(deps, NOW + 59_999)).toBe(0);
    expect(calls).toEqual([]);
    expect(await expireDue(deps, NOW + 60_000)).toBe(1);
    expect(calls).toEqual([expect.stringMatching(/^send !m1 matter-end:affaire-1 🔒 Fin de l'accès/), "kick !m1 @ref:t"]);
    expect(journal).toEqual([expect.stringContaining("@ref:t retiré : accès arrivé à échéance")]);
    expect(await expireDue(deps, NOW + 120_000)).toBe(0);
    const reloaded = await MatterStore.load(db);
    expect(reloaded.byKey("affaire-1")?.status).toBe("expired");
    expect(reloaded.allows("affaire-1", "88-2026-00001", NOW + 1)).toBe(false);
    expect(dueForRemoval(reloaded.active(), NOW + 1e9)).toEqual([]);
  });

  it("a bot stopped across the due time removes them at its first tick (state from SQLite)", async () => {
    const { db, deps, calls } = await setup();
    const restarted = { ...deps, matters: await MatterStore.load(db) };
    expect(await expireDue(restarted, NOW + 10 * 60_000)).toBe(1);
    expect(calls).toContain("kick !m1 @ref:t");
  });

  it("closure removes them too; a withdrawn share is no longer seen", async () => {
    const { deps, calls } = await setup();
    expect((await unshare(deps, "@c:t", "affaire-1", "88-2026-00001", NOW + 1)).ok).toBe(true);
    expect(deps.matters.allows("affaire-1", "88-2026-00001", NOW + 2)).toBe(false);
    expect((await close(deps, "@c:t", "affaire-1", NOW + 3)).ok).toBe(true);
    expect(calls).toContain("kick !m1 @ref:t");
    expect((await close(deps, "@c:t", "affaire-1", NOW + 4)).ok).toBe(false);
  });
});

describe("room safety of a matter room", () => {
  it("is frozen when someone other than its referent or the coordinator joins", async () => {
    const frozen: string[] = [];
    const handler = createSafetyHandler({
      roomById: (roomId) =>
        roomId === "!m1" ? { key: "affaire-1", kind: "matter", room: "!m1", referent: "@ref:t" } : undefined,
      identify: (userId) =>
        userId === "@ref:t" || userId === "@ref2:t"
          ? { kind: "referent", userId, name: "R" }
          : userId === "@c:t"
            ? { kind: "coordinator", userId, service: { key: "ggd", name: "GGD", role: "coordinator", members: [userId] } }
            : null,
      botUserId: "@bot:t",
      frozen: { intruderJoined: () => Promise.resolve(), intruderLeft: () => Promise.resolve() },
      freeze: (roomKey, reason) => {
        frozen.push(`${roomKey}: ${reason}`);
        return Promise.resolve(true);
      },
      log: { warn: () => undefined } as never,
    });
    const join = (userId: string) => handler("!m1", { type: "m.room.member", stateKey: userId, content: { membership: "join" } });
    await join("@ref:t");
    await join("@c:t");
    expect(frozen).toEqual([]);
    await join("@ref2:t");
    await join("@stranger:t");
    expect(frozen).toEqual([
      "affaire-1: @ref2:t l'a rejoint sans y être habilité (référent)",
      "affaire-1: @stranger:t l'a rejoint sans y être habilité",
    ]);
  });
});

describe("the brief, for everyone entitled who joins", () => {
  it("goes to the referent on their first join, and once to a coordinator joining after them, also across a restart", async () => {
    const { db, deps, calls } = await setup();
    const matter = () => {
      const found = deps.matters.byKey("affaire-1");
      if (!found) throw new Error("no matter");
      return found;
    };
    // A coordinator in before the referent: nothing yet (they will read the referent's brief).
    await memberJoined(deps, matter(), "@c1:t", NOW);
    expect(calls).toEqual([]);
    await memberJoined(deps, matter(), "@ref:t", NOW + 1);
    expect(calls).toEqual([expect.stringMatching(/^send !m1 matter-brief:affaire-1:\d+ Affaire partagée par la CROSS/)]);
    await memberJoined(deps, matter(), "@ref:t", NOW + 2);
    expect(calls).toHaveLength(1);
    // A coordinator joining after the referent cannot read that: they get a catch-up, once.
    await memberJoined(deps, matter(), "@c2:t", NOW + 3);
    expect(calls[1]).toMatch(/^send !m1 matter-brief:affaire-1:@c2:t Affaire partagée avec @ref:t/);
    await memberJoined(deps, matter(), "@c2:t", NOW + 4);
    const restarted = { ...deps, matters: await MatterStore.load(db) };
    await memberJoined(restarted, matter(), "@c2:t", NOW + 5);
    expect(calls).toHaveLength(2);
    // Strangers get nothing (the safety handler freezes the room), nor does anyone in a frozen room.
    await memberJoined(deps, matter(), "@stranger:t", NOW + 6);
    await memberJoined({ ...deps, isFrozen: () => true }, matter(), "@c3:t", NOW + 7);
    expect(calls).toHaveLength(2);
  });
});

describe("inviting by subject", () => {
  it("reads a quoted subject, references, or both, then the duration", () => {
    expect(subjectRefsAndDuration(' "squat rue des Forts" 30j')).toEqual({
      subject: "squat rue des Forts",
      refs: [],
      duration: "30j",
    });
    expect(subjectRefsAndDuration(" 88-2026-40317 « hall C » jusqu'au 15/01")).toEqual({
      subject: "hall C",
      refs: ["88-2026-40317"],
      duration: "jusqu'au 15/01",
    });
    expect(subjectRefsAndDuration(" 88-2026-40317 30j")).toEqual({ subject: null, refs: ["88-2026-40317"], duration: "30j" });
  });
});
