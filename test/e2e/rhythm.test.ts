import { textOf } from "../../src/matrix/content.js";
import { setTimeout as sleep } from "node:timers/promises";
import { TZDate } from "@date-fns/tz";
import { afterEach, describe, expect, it } from "vitest";
import { ask, type BotProcess, botMessages, type Cross, createCross, referenceIn } from "./harness.js";

let bot: BotProcess | null = null;

afterEach(async (context) => {
  await bot?.stop();
  if (context.task.result?.state === "fail" && bot)
    console.log(
      bot.logs
        .split("\n")
        .filter((l) => !l.includes('"debug"'))
        .slice(-40)
        .join("\n"),
    );
  bot = null;
});

/** Everything the bot said in a command's thread (headline and detail). */
async function threadText(cross: Cross, roomKey: string, commandId: string): Promise<string> {
  const events = await botMessages(cross.user("ggd"), cross.rooms[roomKey] ?? "", cross.botUserId);
  return events
    .filter((e) => (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === commandId)
    .map((e) => String(e.content.body))
    .join("\n");
}

/** Local Paris wall-clock of `ms`, as a 6-field cron firing once at that second. */
function cronAt(ms: number): string {
  const local = new TZDate(ms, "Europe/Paris");
  return `${local.getSeconds()} ${local.getMinutes()} ${local.getHours()} * * *`;
}

/** "21h09" for the next whole minute at least `aheadMs` from now, in Paris. */
function localTimeAhead(aheadMs: number): { text: string; at: number } {
  const at = Math.ceil((Date.now() + aheadMs) / 60_000) * 60_000;
  const local = new TZDate(at, "Europe/Paris");
  return { text: `${local.getHours()}h${String(local.getMinutes()).padStart(2, "0")}`, at };
}

const topLevelDigests = async (cross: Cross, roomKey: string) =>
  (await botMessages(cross.user("ggd"), cross.rooms[roomKey] ?? "", cross.botUserId)).filter(
    (e) => String(e.content.body).startsWith("Synthèse") && !e.content["m.relates_to"],
  );

describe("digests", () => {
  it("shows each room only what it is entitled to", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const secret = referenceIn(
      (await ask(cross, "sr", "sr", "!report type=stockage commune=golbey quand=hier diffusion=service nourrice")).body,
    );
    const open = referenceIn(
      (await ask(cross, "douane", "douane", "!report type=deal commune=epinal quand=hier cotation=A1 guetteurs")).body,
    );
    const fromGir = await ask(cross, "gir", "gir", "!synthese 24h");
    await cross
      .user("gir")
      .waitForEvent(
        cross.rooms.gir ?? "",
        (e) => e.sender === cross.botUserId && textOf(e.content.body).includes(open) && e.event_id !== fromGir.answer.event_id,
      );
    const girText = await threadText(cross, "gir", fromGir.eventId);
    expect(girText).toContain(open);
    expect(girText).not.toContain(secret);
    expect(girText).not.toContain("Golbey");
    const fromGgd = await ask(cross, "ggd", "ggd", "!synthese 24h");
    await sleep(1500);
    const ggdText = await threadText(cross, "ggd", fromGgd.eventId);
    expect(ggdText).toContain(open);
    expect(ggdText).toContain(secret);
    expect(ggdText).toContain("2 nouveaux renseignements");
  });

  it("posts a scheduled digest exactly once, and once late after a restart across its time", async () => {
    const first = Date.now() + 15_000;
    const second = first + 25_000;
    const cross = await createCross({
      config: {
        rhythm: {
          digests: [
            { room: "ggd", cron: cronAt(first), period: "24h" },
            { room: "coordination", cron: cronAt(second), period: "7j" },
          ],
          late_after_seconds: 3,
        },
      },
    });
    bot = await cross.startBot();
    await expect.poll(async () => (await topLevelDigests(cross, "ggd")).length, { timeout: 40_000, interval: 1000 }).toBe(1);
    // Down across the second digest's time, back after it.
    await bot.stop();
    await sleep(Math.max(0, second - Date.now() + 4000));
    bot = await cross.startBot();
    await expect
      .poll(async () => (await topLevelDigests(cross, "coordination")).length, { timeout: 40_000, interval: 1000 })
      .toBe(1);
    await sleep(5000);
    expect(await topLevelDigests(cross, "ggd")).toHaveLength(1);
    const late = await topLevelDigests(cross, "coordination");
    expect(late).toHaveLength(1);
    expect(String(late[0]?.content.body)).toContain("⏰ en retard, prévu le");
    expect(String((await topLevelDigests(cross, "ggd"))[0]?.content.body)).not.toContain("⏰ en retard");
  }, 150_000);
});

describe("meetings, agenda and actions", () => {
  it("builds an agenda with a report, a match, an open action and a carried-over item; reminds an overdue action once", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const soon = localTimeAhead(20_000);
    const first = await ask(cross, "ggd", "ggd", `!reunion ${soon.text} salle du COB`);
    expect(first.body).toContain("Réunion n°1 programmée");
    await ask(cross, "ggd", "ggd", "!agenda ajouter Point sur le quartier de la Gare");
    const action = await ask(cross, "ggd", "ggd", `!action ddsp ${soon.text} surveiller le parking de la gare`);
    expect(action.body).toContain("Action n°1 pour ddsp");
    // A reminder before the due date, in the owner service's room, that mentions its members.
    const ddsp = cross.user("ddsp");
    const before = await ddsp.waitForEvent(
      cross.rooms.ddsp ?? "",
      (e) => e.sender === cross.botUserId && textOf(e.content.body).startsWith("⏰ Action n°1"),
      30_000,
    );
    expect((before.content["m.mentions"] as { user_ids?: string[] }).user_ids).toContain(ddsp.userId);

    await sleep(Math.max(0, soon.at - Date.now() + 1000)); // meeting 1 is now past: it was held
    await ask(cross, "ggd", "ggd", "!reunion demain 14h");
    const a = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant plaque=QR-246-ST guetteurs")).body,
    );
    const b = referenceIn(
      (await ask(cross, "gir", "gir", "!report type=livraison commune=golbey quand=maintenant plaque=qr246st")).body,
    );
    const agendaCmd = await ask(cross, "ggd", "coordination", "!agenda");
    await sleep(1500);
    const agendaText = await threadText(cross, "coordination", agendaCmd.eventId);
    expect(agendaText).toContain("Ordre du jour");
    expect(agendaText).toContain(a);
    expect(agendaText).toContain(b);
    expect(agendaText).toMatch(/QR-246-ST/);
    expect(agendaText).toMatch(/Point sur le quartier de la Gare.*\(reporté\)/);
    expect(agendaText).toContain("surveiller le parking de la gare");

    // The action is now overdue: exactly one overdue reminder.
    const overdue = (e: { sender: string; content: Record<string, unknown> }) =>
      e.sender === cross.botUserId && textOf(e.content.body).startsWith("⚠️ Action n°1");
    await ddsp.waitForEvent(cross.rooms.ddsp ?? "", overdue, 30_000);
    await sleep(12_000);
    expect((await ddsp.roomEvents(cross.rooms.ddsp ?? "", 100)).filter(overdue)).toHaveLength(1);
    // The agenda of the next meeting (tomorrow, within the two days) is posted on its own.
    const posted = await cross
      .user("ggd")
      .waitForEvent(
        cross.rooms.coordination ?? "",
        (e) => e.sender === cross.botUserId && textOf(e.content.body).startsWith("Ordre du jour") && !e.content["m.relates_to"],
        30_000,
      );
    expect(textOf(posted.content.body)).toContain("réunion du");

    // Minutes of the meeting that took place, and their Markdown export as a file.
    expect(
      (
        await ask(
          cross,
          "ggd",
          "ggd",
          "!cr Décision : renforcer la présence au parking de la gare <img src=x onerror=alert(1)> [voir](javascript:alert(1))",
        )
      ).body,
    ).toContain("Compte rendu consigné");
    const exported = await ask(cross, "ggd", "ggd", "!cr export");
    const file = await cross
      .user("ggd")
      .waitForEvent(cross.rooms.ggd ?? "", (e) => e.sender === cross.botUserId && e.content.msgtype === "m.file");
    expect(file.content.body).toBe("reunion-1.md");
    expect((file.content["m.relates_to"] as { event_id?: string }).event_id).toBe(exported.eventId);
    const media = await fetch(
      `${cross.stack.homeserver}/_matrix/client/v1/media/download/${textOf(file.content.url).slice("mxc://".length)}`,
      {
        headers: { authorization: `Bearer ${cross.user("ggd").accessToken}` },
      },
    );
    const markdown = await media.text();
    expect(markdown).toContain("## Compte rendu");
    expect(markdown).toContain("renforcer la présence au parking de la gare");
    // What users typed is inert in the file: no HTML, no link.
    expect(markdown).not.toContain("<img");
    expect(markdown).toContain("&lt;img src=x onerror=alert\\(1\\)&gt;");
    expect(markdown).not.toMatch(/[^\\]\]\(javascript/);

    const done = await ask(cross, "ddsp", "ddsp", "!fait 1 parking contrôlé");
    expect(done.body).toContain("Action n°1 close");
    expect((await ask(cross, "ddsp", "ddsp", "!actions")).body).toContain("Aucune action ouverte");
  }, 150_000);
});
