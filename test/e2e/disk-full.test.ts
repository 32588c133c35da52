import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { answersTo, ask, type BotProcess, createCross, reactionKey } from "./harness.js";

/**
 * A full disk, for real: the bot's data directory is a small tmpfs that the test fills. The bot
 * must keep running, refuse writes in French, turn /healthz red, keep answering other rooms, and
 * resume by itself once space returns.
 */
const mountPoint = mkdtempSync(join(tmpdir(), "crossbot-tmpfs-"));
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", mountPoint]);
    return true;
  } catch {
    return false;
  }
})();
let bot: BotProcess | null = null;

afterAll(async () => {
  await bot?.stop();
  if (canMount) execFileSync("umount", ["-l", mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes a file until the file system refuses: the disk is then full. */
function fill(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
  // And the last few kilobytes SQLite could still squeeze pages into.
  const small = openSync(`${path}.tail`, "w");
  try {
    for (;;) writeSync(small, Buffer.alloc(4096, 1));
  } catch {
    // full
  } finally {
    closeSync(small);
  }
}

describe.skipIf(!canMount)("a full disk (tmpfs filled by the test; needs root)", () => {
  it("keeps the bot running, refuses writes in French, turns health red, answers other rooms, and resumes by itself", async () => {
    const cross = await createCross();
    const dataDir = join(mountPoint, "data");
    mkdirSync(dataDir);
    bot = await cross.startBot({ env: { CROSS_DATA_DIR: dataDir } });
    onTestFailed(() => writeFileSync("/tmp/diskfull-bot.log", bot?.logs ?? ""));
    expect(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant avant saturation")).body,
    ).toContain("Renseignement enregistré");

    const filler = join(mountPoint, "filler");
    fill(filler);
    const refused = await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant PENDANTSATURATION");
    expect(refused.body).toContain("Stockage plein");
    expect(refused.body).toContain("rien n'a été enregistré");
    const { reactions } = await answersTo(cross.user("ddsp"), refused.roomId, refused.eventId, cross.botUserId);
    expect(reactions.map(reactionKey)).toEqual(["❌"]);
    await expect.poll(async () => (await bot!.health()).status, { timeout: 15_000 }).toBe(503);
    const health = await bot.health();
    expect((health.body.checks as Record<string, { ok: boolean }>).storage?.ok).toBe(false);
    // Another room is not held by the failure.
    expect((await ask(cross, "gir", "gir", "!ping")).body).toBeTruthy();
    expect((await ask(cross, "gir", "gir", "!aide")).body).toContain("!report");

    rmSync(filler, { force: true });
    rmSync(`${filler}.tail`, { force: true });
    await expect.poll(async () => (await bot!.health()).status, { timeout: 30_000, interval: 1000 }).toBe(200);
    const after = await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant APRESSATURATION");
    expect(after.body).toContain("Renseignement enregistré");
    // The refused one was not stored, and the bot never stopped.
    expect((await ask(cross, "ddsp", "ddsp", "!cherche PENDANTSATURATION")).body).toContain("Aucun renseignement trouvé");
    expect(await Promise.race([bot.exited.then(() => "exited"), sleep(100).then(() => "running")])).toBe("running");
  }, 150_000);
});
