import { textOf } from "../../src/matrix/content.js";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startRedis } from "../../scripts/stack/redis.js";
import { stopPid } from "../../scripts/stack/processes.js";
import { ask, type BotProcess, botMessages, cardsOfIn, type Cross, createCross, readStack, referenceIn } from "./harness.js";

const SERVICE_ROOMS = ["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"];
let bot: BotProcess | null = null;

afterEach(async () => {
  await bot?.stop();
  bot = null;
});

/** Cards for `ref` in each room, once delivery has settled. */
async function cardsFor(
  cross: Cross,
  ref: string,
  rooms = [...SERVICE_ROOMS, "coordination", "triage"],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const key of rooms) {
    const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId);
    counts[key] = messages.reduce((n, e) => n + cardsOfIn(e.content.body, ref), 0);
  }
  return counts;
}

async function waitForCards(cross: Cross, ref: string, expected: Record<string, number>, timeoutMs = 60_000) {
  await expect.poll(() => cardsFor(cross, ref, Object.keys(expected)), { timeout: timeoutMs, interval: 1000 }).toEqual(expected);
  await sleep(1500); // and nothing more arrives
  expect(await cardsFor(cross, ref, Object.keys(expected))).toEqual(expected);
}

const entitled = (rooms: string[]) =>
  Object.fromEntries([...SERVICE_ROOMS, "coordination", "triage"].map((k) => [k, rooms.includes(k) ? 1 : 0]));

describe("fan-out to entitled rooms", () => {
  it("sends a restreint:douane,gir report to exactly those rooms and the coordinator, and updates in each card's thread", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const { body } = await ask(
      cross,
      "ddsp",
      "ddsp",
      '!report type=deal commune=epinal quand="hier 22h" diffusion=restreint:douane,gir plaque=AB-321-CD guetteurs',
    );
    expect(body).toContain("📤 Diffusion vers 3 salons");
    const ref = referenceIn(body);
    await waitForCards(cross, ref, entitled(["douane", "gir", "ggd"]));

    await ask(cross, "ddsp", "ddsp", `!maj ${ref} cotation=A1`);
    for (const key of ["douane", "gir", "ggd"]) {
      const user = cross.user("ggd");
      const roomId = cross.rooms[key] ?? "";
      const card = (await botMessages(user, roomId, cross.botUserId)).find((e) => cardsOfIn(e.content.body, ref) > 0);
      const update = await user.waitForEvent(
        roomId,
        (e) => e.sender === cross.botUserId && textOf(e.content.body).includes(`${ref} v2`),
      );
      expect(update.content["m.relates_to"]).toMatchObject({ rel_type: "m.thread", event_id: card?.event_id });
      expect(String(update.content.body)).toContain("cotation : F6 → A1");
    }
    const elsewhere = await botMessages(cross.user("ggd"), cross.rooms.pref ?? "", cross.botUserId);
    expect(elsewhere.some((e) => String(e.content.body).includes(ref))).toBe(false);
  });

  it("alerts both services and the coordinator; another room entitled to both learns it in the thread of its card", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const first = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant plaque=AL-321-RT 3 guetteurs")).body,
    );
    const second = referenceIn(
      (await ask(cross, "gir", "gir", "!report type=livraison commune=thaon quand=maintenant plaque=al321rt go-fast")).body,
    );
    const isMatch = (e: { sender: string; content: Record<string, unknown> }) =>
      e.sender === cross.botUserId &&
      [`${second} ↔ ${first}`, `${first} ↔ ${second}`].some((pair) => textOf(e.content.body).includes(pair));
    const thread = (e: { content: Record<string, unknown> }) =>
      (e.content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined)?.event_id;
    // The two services and the coordinator: a room-level alert.
    for (const key of ["ddsp", "gir", "ggd"]) {
      const alert = await cross.user("ggd").waitForEvent(cross.rooms[key] ?? "", isMatch);
      expect(thread(alert), key).toBeUndefined();
      expect(textOf(alert.content.body)).toContain("AL-321-RT");
    }
    // Every other service room sees both reports: a note in the thread of its card of the new report.
    for (const key of ["dipj", "pfaf", "douane", "sr", "pref"]) {
      const note = await cross.user("ggd").waitForEvent(cross.rooms[key] ?? "", isMatch);
      const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId);
      const card = messages.find((e) => cardsOfIn(e.content.body, second) === 1);
      expect(thread(note), key).toBe(card?.event_id);
      expect(
        messages.filter((e) => !thread(e) && textOf(e.content.body).startsWith("🔗")),
        key,
      ).toEqual([]);
    }
    // The coordination and triage rooms are not alerted.
    for (const key of ["coordination", "triage"]) {
      const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId);
      expect(
        messages.some((e) => textOf(e.content.body).includes("Rapprochement")),
        key,
      ).toBe(false);
    }
  });

  it("the officer who reported gets the match alert at once, with the budget spent; the other rooms' messages still wait for it", async () => {
    // One call a minute: the first report's first card takes the minute's only slot.
    const cross = await createCross({ config: { diffusion: { rate_limit: { max: 1, per_seconds: 60 } } } });
    bot = await cross.startBot();
    const first = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant plaque=BU-404-GT guetteurs")).body,
    );
    const second = referenceIn(
      (await ask(cross, "gir", "gir", "!report type=livraison commune=thaon quand=maintenant plaque=BU404GT go-fast")).body,
    );
    const isMatch = (e: { sender: string; content: Record<string, unknown> }) =>
      e.sender === cross.botUserId && textOf(e.content.body).includes(second) && textOf(e.content.body).includes(first);
    const alert = await cross.user("gir").waitForEvent(cross.rooms.gir ?? "", isMatch, 20_000);
    expect(textOf(alert.content.body)).toContain("BU-404-GT");
    // The alerts to ddsp and the coordinator wait for the next minute's slot, as do the cards.
    for (const key of ["ddsp", "ggd"]) {
      const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId);
      expect(messages.some(isMatch), key).toBe(false);
    }
    const cards = await cardsFor(cross, second);
    expect(Object.values(cards).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("alerts the services concerned and the coordinator, and tells the other service only that a match exists", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const secret = await ask(
      cross,
      "sr",
      "sr",
      '!report type=stockage commune=golbey quand=maintenant diffusion=service plaque=XY-777-ZZ nourrice "chez Kevin" au 3e étage',
    );
    const secretRef = referenceIn(secret.body);
    const open = await ask(
      cross,
      "douane",
      "douane",
      "!report type=livraison commune=thaon quand=maintenant plaque=xy777zz go-fast vers le nord",
    );
    const openRef = referenceIn(open.body);

    const alert = (key: string) =>
      cross
        .user("ggd")
        .waitForEvent(
          cross.rooms[key] ?? "",
          (e) => e.sender === cross.botUserId && textOf(e.content.body).includes("Rapprochement"),
        );
    const [inSr, inGgd, inDouane] = await Promise.all([alert("sr"), alert("ggd"), alert("douane")]);
    for (const full of [inSr, inGgd]) {
      expect(String(full.content.body)).toContain(secretRef);
      expect(String(full.content.body)).toContain(openRef);
      expect(String(full.content.body)).toContain("XY-777-ZZ");
    }
    const blind = String(inDouane.content.body);
    expect(blind).toContain(openRef);
    expect(blind).toContain("un autre service");
    expect(blind).not.toContain(secretRef);
    expect(blind).not.toContain("Section de recherches");
    expect(blind).not.toContain("Kevin");
    await sleep(1500);
    for (const key of ["ddsp", "gir", "pref", "coordination"]) {
      const messages = await botMessages(cross.user("ggd"), cross.rooms[key] ?? "", cross.botUserId);
      expect(messages.some((e) => String(e.content.body).includes("Rapprochement"))).toBe(false);
    }
    // The blind room cannot open the other report either.
    const peek = await ask(cross, "douane", "douane", `!voir ${secretRef}`);
    expect(peek.body).toContain("Aucun renseignement");
  });
});

describe("deleting a report's message", () => {
  it("withdraws the report and deletes its copies in the other rooms", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const { body, eventId, roomId, user } = await ask(
      cross,
      "pref",
      "pref",
      "!report type=nuisances commune=vittel quand=hier rassemblement devant le casino",
    );
    const ref = referenceIn(body);
    await waitForCards(cross, ref, { ggd: 1, douane: 1, gir: 1 });
    await user.request("PUT", `/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/del-${Date.now()}`, {
      reason: "erreur de saisie",
    });
    await user.waitForEvent(roomId, (e) => e.sender === cross.botUserId && textOf(e.content.body).includes(`${ref} retiré`));
    await waitForCards(cross, ref, { ggd: 0, douane: 0, gir: 0 });
    const shown = await ask(cross, "ggd", "ggd", `!voir ${ref}`);
    expect(shown.body).toContain("RETIRÉ");
    expect(shown.body).toContain("[suppression]");
  });
});

describe("room safety", () => {
  it("freezes a room made public: the coordinator is alerted, its cards are withdrawn, it sees nothing until thawed", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const before = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=hier avant le gel")).body,
    );
    await waitForCards(cross, before, { gir: 1 });
    await cross.user("ggd").sendState(cross.rooms.gir ?? "", "m.room.join_rules", "", { join_rule: "public" });
    const alert = await cross
      .user("ggd")
      .waitForEvent(
        cross.rooms.ggd ?? "",
        (e) => e.sender === cross.botUserId && textOf(e.content.body).includes("Salon « gir » gelé"),
      );
    expect(textOf(alert.content.body)).toContain("public");
    // The card it had received is taken back.
    await expect.poll(async () => (await cardsFor(cross, before, ["gir"])).gir, { timeout: 15_000 }).toBe(0);

    const during = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant pendant le gel")).body,
    );
    await waitForCards(cross, during, { gir: 0, douane: 1 });
    expect((await ask(cross, "gir", "gir", `!voir ${before}`)).body).toContain("Aucun renseignement");
    expect((await ask(cross, "gir", "gir", "!cherche gel")).body).toContain("Aucun renseignement trouvé");

    expect((await ask(cross, "ggd", "ggd", "!degeler gir")).body).toContain("dégelé");
    const after = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant après le gel")).body,
    );
    await waitForCards(cross, after, { gir: 1 });
  });
});

describe("nothing lost, nothing twice", () => {
  it("leaves exactly one card per entitled room when the bot is SIGKILLed mid-fan-out", async () => {
    // One send per second: an eight-room fan-out takes long enough to be cut in the middle.
    const cross = await createCross({ config: { diffusion: { rate_limit: { max: 1, per_seconds: 1 } } } });
    bot = await cross.startBot();
    const { body } = await ask(
      cross,
      "pfaf",
      "pfaf",
      "!report type=deal commune=vittel quand=maintenant tel=0611223344 fan-out coupé",
    );
    const ref = referenceIn(body);
    await sleep(2500);
    await bot.kill();
    const partial = await cardsFor(cross, ref);
    expect(Object.values(partial).reduce((a, b) => a + b, 0)).toBeLessThan(7);
    bot = await cross.startBot();
    await waitForCards(cross, ref, entitled(SERVICE_ROOMS.filter((k) => k !== "pfaf")), 90_000);
  });

  it("keeps the report and diffuses it once Redis is back, when Redis was down at report time", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const stack = readStack();
    const port = Number(new URL(stack.redis.url).port);
    const pid = Number((await import("node:fs")).readFileSync(".stack/redis.pid", "utf8").trim());
    await stopPid(pid, "redis");
    try {
      const { body } = await ask(
        cross,
        "dipj",
        "dipj",
        "!report type=culture commune=remiremont quand=hier plaque=ZZ-999-AA serre",
      );
      expect(body).toMatch(/Renseignement enregistré : 88-2026-\d{4}/);
      expect(body).toContain("diffusion en attente");
      const ref = referenceIn(body);
      await sleep(3000);
      expect(Object.values(await cardsFor(cross, ref)).every((n) => n === 0)).toBe(true);
      await startRedis(port);
      await waitForCards(cross, ref, entitled(SERVICE_ROOMS.filter((k) => k !== "dipj")), 90_000);
    } finally {
      if (!(await pingable(port))) await startRedis(port);
    }
  });

  it("delivers every card under Synapse's default rate limits (no override for the bot)", async () => {
    const cross = await createCross({ rateLimited: true, config: { diffusion: { rate_limit: { max: 50, per_seconds: 1 } } } });
    bot = await cross.startBot();
    const refs: string[] = [];
    for (const commune of ["epinal", "golbey"]) {
      const { body } = await ask(
        cross,
        "gir",
        "gir",
        `!report type=consommation commune=${commune} quand=maintenant rassemblement`,
        120_000,
      );
      refs.push(referenceIn(body));
    }
    for (const ref of refs) await waitForCards(cross, ref, entitled(SERVICE_ROOMS.filter((k) => k !== "gir")), 150_000);
    expect(bot.logs).toMatch(/M_LIMIT_EXCEEDED|request failed, retrying/);
  }, 400_000);
});

afterAll(async () => {
  await bot?.stop();
});

async function pingable(port: number): Promise<boolean> {
  const { pingRedis } = await import("../../scripts/stack/redis.js");
  return pingRedis(port);
}
