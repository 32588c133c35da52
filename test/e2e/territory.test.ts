import { createDecipheriv, createHash } from "node:crypto";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../src/matrix/content.js";
import type { EncryptedUser } from "./encrypted-client.js";
import { ask, type BotProcess, type Cross, createCross } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;
let officer: EncryptedUser | null = null;

beforeAll(async () => {
  // DDSP's room is end-to-end encrypted (as on Tchap), GIR's is in the clear.
  cross = await createCross({ encrypted: ["ddsp"] });
  bot = await cross.startBot();
});

afterAll(async () => {
  officer?.stop();
  await bot?.stop();
});

async function download(mxc: string, accessToken: string): Promise<Buffer> {
  const response = await fetch(`${cross.stack.homeserver}/_matrix/client/v1/media/download/${mxc.slice("mxc://".length)}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const relation = (content: Record<string, unknown>) =>
  content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;

/** A command in a clear room, and the bot's text answer (the notice, not the image after it). */
async function commandIn(userKey: string, roomKey: string, body: string) {
  const user = cross.user(userKey);
  const roomId = cross.rooms[roomKey] ?? "";
  const eventId = await user.sendText(roomId, body);
  const answer = await user.waitForEvent(
    roomId,
    (e) => e.sender === cross.botUserId && e.content.msgtype === "m.notice" && relation(e.content)?.event_id === eventId,
    20_000,
  );
  return { eventId, body: textOf(answer.content.body) };
}

describe("!carte posts a map as an image in the command's thread", () => {
  it("in a clear service room: an m.image whose file downloads and decodes as the PNG announced", async () => {
    await ask(cross, "gir", "gir", "!report type=deal commune=epinal quand=hier guetteurs devant la gare");
    await ask(cross, "gir", "gir", "!report type=stockage commune=golbey quand=hier nourrice");
    const user = cross.user("gir");
    const started = Date.now();
    const command = await commandIn("gir", "gir", "!carte 30j");
    expect(command.body).toContain("🗺️ Carte par commune — 30 jours");
    expect(command.body).toContain("Ce salon voit 2 renseignements sur la période");
    expect(command.body).toMatch(/Épinal : 1/);
    const image = await user.waitForEvent(
      cross.rooms.gir ?? "",
      (e) => e.sender === cross.botUserId && e.content.msgtype === "m.image" && relation(e.content)?.event_id === command.eventId,
      20_000,
    );
    const elapsed = Date.now() - started;
    expect(relation(image.content)).toMatchObject({ rel_type: "m.thread", event_id: command.eventId });
    const info = image.content.info as { mimetype: string; size: number; w: number; h: number };
    expect(info).toMatchObject({ mimetype: "image/png", w: 1280, h: 860 });
    expect(image.content.file).toBeUndefined();
    const bytes = await download(textOf(image.content.url), user.accessToken);
    expect(bytes.length).toBe(info.size);
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([info.w, info.h]);
    console.log(`!carte: command to image in the room in ${elapsed} ms, PNG ${bytes.length} bytes`);
  }, 60_000);

  it("!tendances answers with its text and a chart image in the thread", async () => {
    const command = await commandIn("gir", "gir", "!trends 30j");
    expect(command.body).toContain("📈 Tendances — 30 jours");
    const image = await cross
      .user("gir")
      .waitForEvent(
        cross.rooms.gir ?? "",
        (e) =>
          e.sender === cross.botUserId && e.content.msgtype === "m.image" && relation(e.content)?.event_id === command.eventId,
        20_000,
      );
    expect(PNG.sync.read(await download(textOf(image.content.url), cross.user("gir").accessToken)).width).toBe(1280);
  }, 60_000);

  it("in an encrypted room: the image is an encrypted attachment (file, no url) that decrypts to the PNG", async () => {
    officer = await cross.encryptedUser("ddsp");
    const roomId = cross.rooms.ddsp ?? "";
    const commandId = await officer.sendText(roomId, "!carte 7j canton");
    const image = await officer.waitFor(
      roomId,
      (e) => e.sender === cross.botUserId && e.content.msgtype === "m.image" && relation(e.content)?.event_id === commandId,
      30_000,
    );
    expect(image.wasEncrypted).toBe(true);
    expect(image.content.url).toBeUndefined();
    const file = image.content.file as { url: string; key: { k: string }; iv: string; hashes: { sha256: string } };
    const info = image.content.info as { mimetype: string; size: number; w: number; h: number };
    expect(info).toMatchObject({ mimetype: "image/png", w: 1280, h: 860 });
    const cipher = await download(file.url, cross.user("ddsp").accessToken);
    // The media repository holds ciphertext only: not a PNG.
    expect(cipher.subarray(0, 4).toString("hex")).not.toBe("89504e47");
    expect(createHash("sha256").update(cipher).digest("base64").replace(/=+$/, "")).toBe(file.hashes.sha256);
    const decipher = createDecipheriv("aes-256-ctr", Buffer.from(file.key.k, "base64url"), Buffer.from(file.iv, "base64"));
    const plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
    expect(plain.length).toBe(info.size);
    const png = PNG.sync.read(plain);
    expect([png.width, png.height]).toEqual([1280, 860]);
    // Seen from the server, the bot's events in this room are all encrypted.
    const raw = await cross.user("ddsp").roomEvents(roomId, 30);
    expect(raw.filter((e) => e.sender === cross.botUserId && e.type === "m.room.message")).toHaveLength(0);
  }, 90_000);

  it("the agenda posted before a meeting carries the map of the period since the last meeting, in its thread", async () => {
    await commandIn("ggd", "ggd", "!reunion demain 14h");
    const user = cross.user("ggd");
    const roomId = cross.rooms.coordination ?? "";
    const agenda = await user.waitForEvent(
      roomId,
      (e) => e.sender === cross.botUserId && textOf(e.content.body).startsWith("Ordre du jour") && !e.content["m.relates_to"],
      30_000,
    );
    const text = await user.waitForEvent(
      roomId,
      (e) =>
        e.sender === cross.botUserId &&
        textOf(e.content.body).startsWith("🗺️ Carte de la période depuis la dernière réunion") &&
        relation(e.content)?.event_id === agenda.event_id,
      20_000,
    );
    // The coordination room sees cross reports: the two GIR reports of the first test.
    expect(textOf(text.content.body)).toContain(": 2 renseignements");
    const image = await user.waitForEvent(
      roomId,
      (e) => e.sender === cross.botUserId && e.content.msgtype === "m.image" && relation(e.content)?.event_id === agenda.event_id,
      20_000,
    );
    expect(PNG.sync.read(await download(textOf(image.content.url), user.accessToken)).height).toBe(860);
  }, 90_000);
});
