/**
 * Issue 11 on the real homeserver: a report in the officer's own words is recorded with the right
 * fields and says what it inferred; one without a date is asked only its date, in the thread, and
 * completed there; a careless diffusion (issue 9, item 4) is understood, not widened.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "../../src/matrix/content.js";
import {
  ask,
  type BotProcess,
  type Cross,
  createCross,
  isReactionTo,
  isThreadAnswerTo,
  reactionKey,
  sendInThread,
} from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;

beforeAll(async () => {
  cross = await createCross();
  bot = await cross.startBot();
});

afterAll(async () => {
  await bot?.stop();
});

describe("free-form report", () => {
  it("is recorded with the fields read from plain words, each one said back", async () => {
    const { body, user, roomId, eventId } = await ask(
      cross,
      "ddsp",
      "ddsp",
      "!report point de deal parking de la piscine à Senones hier 21h, 2 guetteurs",
    );
    expect(body).toMatch(/Renseignement enregistré : 88-2026-\d{4,5}/);
    expect(body).toContain("Type : Point de deal");
    expect(body).toContain("Commune : Senones (88451)");
    expect(body).toMatch(/Observé : \w+ \d+ \w+ 2026 à 21:00/);
    expect(body).toContain("Texte : point de deal parking de la piscine, 2 guetteurs");
    expect(body).toContain("⚠️ type compris : Point de deal");
    expect(body).toContain("⚠️ commune comprise : Senones (88451) (« à Senones »)");
    expect(body).toMatch(/⚠️ compris d'après vos mots : corrigez avec !maj 88-2026-\d{4,5} champ=valeur/);
    expect(reactionKey(await user.waitForEvent(roomId, isReactionTo(eventId, cross.botUserId)))).toBe("✅");
  });

  it("without a date, asks only the date in the thread and completes the report there", async () => {
    const { body, user, roomId, eventId } = await ask(
      cross,
      "gir",
      "gir",
      "!report nourrice ds un appart au 3e a ste marguerite",
    );
    expect(body).toContain("Renseignement non enregistré");
    expect(body).toContain("Il manque la date d'observation");
    expect(body).not.toContain("Il manque la commune");
    expect(body).not.toContain("Il manque le type");
    expect(body).toContain("commune comprise : Sainte-Marguerite");
    expect(body).toContain("Quand ?");
    expect(body).not.toMatch(/88-2026-\d{4,5}/);
    const reply = await sendInThread(user, roomId, eventId, { msgtype: "m.text", body: "hier 23h" });
    const done = textOf((await user.waitForEvent(roomId, isThreadAnswerTo(reply, cross.botUserId))).content.body);
    expect(done).toMatch(/Renseignement enregistré : 88-2026-\d{4,5}/);
    expect(done).toContain("Type : Stockage");
    expect(done).toContain("Commune : Sainte-Marguerite (88424)");
    expect(done).toMatch(/Observé : \w+ \d+ \w+ 2026 à 23:00/);
    expect(done).toContain("⚠️ type compris : Stockage");
  });

  it("refuses a commune of another département, naming it, and stores nothing", async () => {
    const { body } = await ask(cross, "pfaf", "pfaf", "!report stockage dans un box à Toul hier 22h");
    expect(body).toContain("Renseignement non enregistré");
    expect(body).toContain("Meurthe-et-Moselle, 54");
    expect(body).not.toMatch(/88-2026-\d{4,5}/);
  });

  it("reads « diffusion : service » and refuses a diffusion it cannot read", async () => {
    const narrowed = await ask(cross, "sr", "sr", "!report pdd à Golbey hier 22h diffusion : service");
    expect(narrowed.body).toContain("Diffusion : service");
    const unreadable = await ask(cross, "sr", "sr", "!report pdd à Golbey hier 22h diffusion limitée");
    expect(unreadable.body).toContain("Renseignement non enregistré");
    expect(unreadable.body).toContain("Diffusion non comprise");
    expect(unreadable.body).toContain("Votre saisie, conservée : pdd à Golbey hier 22h diffusion limitée");
    expect(unreadable.body).not.toMatch(/88-2026-\d{4,5}/);
  });
});
