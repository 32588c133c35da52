import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type BotProcess, type Cross, createCross, referenceIn } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;

beforeAll(async () => {
  cross = await createCross();
  bot = await cross.startBot();
});

afterAll(async () => {
  await bot?.stop();
});

describe("search, entity timeline and audit", () => {
  it("finds a plate however it is typed, only among reports the room may see, and journals every consultation", async () => {
    const open = referenceIn(
      (await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=hier plaque=GH-404-JK vu au parking")).body,
    );
    const secret = referenceIn(
      (await ask(cross, "sr", "sr", "!report type=stockage commune=golbey quand=hier plaque=gh404jk diffusion=service nourrice"))
        .body,
    );

    const fromGir = await ask(cross, "gir", "gir", "!cherche gh 404 jk");
    expect(fromGir.body).toContain(open);
    expect(fromGir.body).not.toContain(secret);
    const fromCoordinator = await ask(cross, "ggd", "ggd", "!cherche GH-404-JK commune:golbey");
    expect(fromCoordinator.body).toContain(secret);
    expect(fromCoordinator.body).not.toContain(open);

    const timeline = await ask(cross, "ggd", "ggd", "!fiche gh404jk");
    expect(timeline.body).toContain("GH-404-JK — 2 renseignements, 2 services");
    const girTimeline = await ask(cross, "gir", "gir", "!fiche GH-404-JK");
    expect(girTimeline.body).toContain("1 renseignement");
    expect(girTimeline.body).not.toContain(secret);

    await ask(cross, "gir", "gir", `!voir ${open}`);
    const journal = await ask(cross, "ggd", "ggd", `!audit ${open}`);
    expect(journal.body).toContain("collecte");
    expect(journal.body).toContain("communication");
    expect(journal.body).toMatch(/consultation · @cpt\.girard:cross\.test · salon gir · !voir/);
    expect(journal.body).toMatch(/consultation · @cpt\.girard:cross\.test · salon gir · !cherche/);
    expect(journal.body).toContain("Chaîne d'intégrité vérifiée");

    const refused = await ask(cross, "gir", "gir", `!audit ${open}`);
    expect(refused.body).toContain("n'est pas ouverte à votre rôle");
  });
});
