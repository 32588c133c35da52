import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { textOf } from "../../src/matrix/content.js";
import { answersTo, ask, type BotProcess, botMessages, cardsOfIn, type Cross, createCross, referenceIn } from "./harness.js";

const run = promisify(execFile);
let bot: BotProcess | null = null;

afterEach(async () => {
  await bot?.stop();
  bot = null;
});

/** The operator's commands, as documented: `node dist/main.js backup|restore <dir> --config …` (here from the sources). */
async function cli(cross: Cross, verb: "backup" | "restore", dir: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "src/main.ts", verb, dir, "--config", cross.configPath], {
    env: { ...process.env, MATRIX_ACCESS_TOKEN: "unused", CROSS_DATA_DIR: cross.dataDir },
  });
  return stdout;
}

async function cards(cross: Cross, roomKey: string, ref: string): Promise<number> {
  const messages = await botMessages(cross.user("ggd"), cross.rooms[roomKey] ?? "", cross.botUserId);
  return messages.reduce((n, e) => n + cardsOfIn(textOf(e.content.body), ref), 0);
}

describe("backup and restore", () => {
  it("keeps every announced reference for its report after a restore, and posts nothing twice", async () => {
    const cross = await createCross();
    bot = await cross.startBot();
    const kept = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant AVANTSAUVEGARDE")).body,
    );
    const dir = join(mkdtempSync(join(tmpdir(), "crossbot-backup-")), "sauvegarde");
    expect(await cli(cross, "backup", dir)).toContain("Sauvegarde écrite");

    // Announced after the backup: its number is in the rooms.
    const late = await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant APRESSAUVEGARDE");
    const lateRef = referenceIn(late.body);
    await expect.poll(() => cards(cross, "gir", lateRef), { timeout: 20_000 }).toBe(1);
    await bot.stop();
    await expect(cli(cross, "restore", dir)).resolves.toContain("restaurée");

    bot = await cross.startBot();
    // The homeserver delivers the later command again: it gets its own number back…
    await expect
      .poll(async () => (await ask(cross, "ggd", "ggd", `!voir ${lateRef}`)).body, { timeout: 30_000, interval: 2000 })
      .toContain("APRESSAUVEGARDE");
    // …without a second confirmation or a second card.
    const { answers } = await answersTo(cross.user("ddsp"), late.roomId, late.eventId, cross.botUserId);
    expect(answers).toHaveLength(1);
    expect(await cards(cross, "gir", lateRef)).toBe(1);
    // A new report never takes an announced number.
    const fresh = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant APRESRESTAURATION")).body,
    );
    expect([kept, lateRef]).not.toContain(fresh);
    expect((await ask(cross, "ggd", "ggd", `!voir ${kept}`)).body).toContain("AVANTSAUVEGARDE");
  }, 150_000);
});
