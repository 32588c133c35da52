import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ConfigError, loadConfig, parseConfigText } from "../../src/config/load.js";
import type { TipJob } from "../../src/core/tips/wire.js";
import { Database } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrations.js";
import { TipStore } from "../../src/store/tips.js";

const hex = (c: string) => c.repeat(64);
const tipJob = (id: string, over: Partial<Extract<TipJob, { kind: "tip" }>> = {}): Extract<TipJob, { kind: "tip" }> => ({
  kind: "tip",
  submissionId: hex(id),
  receivedAt: 1_000,
  receiptHash: hex(id === "a" ? "1" : "2"),
  pow: true,
  fields: {
    communeCode: "88160",
    communeNom: "Épinal",
    place: "rue de la Gare",
    kind: "point_de_deal",
    when: "",
    people: null,
    vehicles: "",
    description: "Ventes devant le hall.",
    contact: "",
  },
  photo: { mimetype: "image/jpeg", data: Buffer.from([0xff, 0xd8, 0xff]).toString("base64"), latitude: null, longitude: null },
  ...over,
});

async function store() {
  const db = await Database.open(":memory:");
  await migrate(db);
  return new TipStore(db);
}

describe("the tip store", () => {
  it("stores a submission once, however often it is delivered", async () => {
    const tips = await store();
    const first = await tips.store(tipJob("a"), 2_000);
    const again = await tips.store(tipJob("a"), 3_000);
    expect(first.created).toBe(true);
    expect(again).toEqual({ tip: first.tip, created: false });
    expect(await tips.countPending()).toBe(1);
    expect((await tips.photo(first.tip.id))?.mimetype).toBe("image/jpeg");
  });

  it("decides once, publishes questions and answers for the receipt only", async () => {
    const tips = await store();
    const { tip } = await tips.store(tipJob("a"), 2_000);
    expect(await tips.addQuestion(tip.id, "À quelle heure ?", "@c:x", 3_000, "$q1")).toBe(true);
    expect(await tips.addQuestion(tip.id, "À quelle heure ?", "@c:x", 3_000, "$q1")).toBe(false);
    const [published] = await tips.toPublish();
    expect(published?.receiptHash).toBe(hex("1"));
    expect(published?.view).toEqual({
      questions: [{ id: 1, text: "À quelle heure ?", askedAt: 3_000, answered: false }],
      closed: false,
    });
    await tips.markPublished(tip.id, 4_000);
    expect(await tips.toPublish()).toEqual([]);

    const answer = { kind: "answer", submissionId: hex("b"), receivedAt: 5_000, receiptHash: hex("1"), text: "22 h" } as const;
    expect(await tips.storeAnswer(answer)).toEqual({ tipId: tip.id, created: true });
    expect(await tips.storeAnswer(answer)).toEqual({ tipId: tip.id, created: false });
    expect(await tips.storeAnswer({ ...answer, submissionId: hex("c"), receiptHash: hex("9") })).toBeNull();
    expect((await tips.toPublish())[0]?.view.questions[0]?.answered).toBe(true);
    expect(await tips.answersToPost()).toEqual([]); // no card yet
    await tips.setCard(tip.id, "$card");
    expect(await tips.answersToPost()).toEqual([{ id: 1, tipId: tip.id, text: "22 h", cardEventId: "$card" }]);

    expect(await tips.decide(tip.id, { status: "rejected", by: "@c:x", at: 6_000, note: "hors sujet" })).toBe(true);
    expect(await tips.decide(tip.id, { status: "accepted", by: "@c:x", at: 6_001, note: null })).toBe(false);
    expect((await tips.toPublish())[0]?.view.closed).toBe(true);
  });

  it("reminds pending tips once and purges rejected ones after the delay, keeping the number", async () => {
    const tips = await store();
    const { tip: a } = await tips.store(tipJob("a"), 2_000);
    const { tip: b } = await tips.store(tipJob("b", { receivedAt: 50_000 }), 50_000);
    expect((await tips.dueReminders(10_000)).map((t) => t.number)).toEqual([a.number]);
    await tips.markReminded([a.id], 10_000);
    expect(await tips.dueReminders(10_000)).toEqual([]);

    await tips.decide(b.id, { status: "rejected", by: "@c:x", at: 60_000, note: "insultes" });
    expect(await tips.duePurge(60_000)).toEqual([]);
    expect((await tips.duePurge(60_001)).map((t) => t.number)).toEqual([b.number]);
    await tips.purge(b.id, 70_000);
    const purged = await tips.byNumber(b.number);
    expect(purged?.purged).toBe(true);
    expect(purged?.status).toBe("rejected");
    expect(purged?.receiptHash).toBeNull();
    expect(purged?.fields.description).not.toContain("Ventes");
    expect(await tips.photo(b.id)).toBeNull();
    expect(await tips.duePurge(100_000)).toEqual([]);
  });
});

describe("the tips configuration", () => {
  const example = () => parseConfigText(readFileSync("config/vosges.example.yaml", "utf8"), "example") as Record<string, unknown>;
  const problems = (raw: unknown, env: Record<string, string> = {}) => {
    try {
      loadConfig(raw, env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it("has defaults, and environment overrides for the tips process", () => {
    const { tips: _tips, ...withoutTips } = example();
    const config = loadConfig(withoutTips, { CROSS_TIPS_PORT: "0", CROSS_TIPS_SPOOL_DIR: "/spool" });
    expect(config.tips).toMatchObject({
      host: "127.0.0.1",
      port: 0,
      spool_dir: "/spool",
      rate_limit: { max: 5, per_seconds: 600 },
    });
    expect(config.tips.rejected_retention_days).toBe(90);
  });

  it("refuses the ops port and unknown keys, in French", () => {
    expect(problems(example(), { CROSS_TIPS_PORT: "9464" })).toEqual([expect.stringContaining("ne partage jamais le port")]);
    expect(problems({ ...example(), tips: { prot: 1 } })).toEqual([expect.stringContaining("clé(s) inconnue(s) « prot »")]);
  });
});
