import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, type BotProcess, botMessages, type Cross, createCross } from "./harness.js";

let cross: Cross;
let bot: BotProcess | null = null;

beforeAll(async () => {
  cross = await createCross();
  bot = await cross.startBot();
});

afterAll(async () => {
  await bot?.stop();
});

/** Everything the bot said in a command's thread (headline and detail). */
async function threadText(roomKey: string, commandId: string): Promise<string> {
  const events = await botMessages(cross.user("ggd"), cross.rooms[roomKey] ?? "", cross.botUserId);
  return events
    .filter((e) => (e.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === commandId)
    .map((e) => String(e.content.body))
    .join("\n");
}

describe("!strategie: proposals, adoption, assessment at the next meeting", () => {
  it("ranks Épinal in the coordinator's room, adopts it as an action, and the agenda shows before/after", async () => {
    await ask(cross, "ggd", "ggd", "!reunion demain 14h salle du COB");
    await ask(cross, "ggd", "ggd", '!report type=deal commune=epinal quand=hier lieu="rue de la Gare" guetteurs');
    await ask(cross, "ddsp", "ddsp", '!report type=deal commune=epinal quand=hier lieu="rue de la Gare" cotation=B2 vente');
    await ask(cross, "gir", "gir", "!report type=stockage commune=epinal quand=hier nourrice");
    await ask(cross, "gir", "gir", "!report type=consommation commune=golbey quand=hier cotation=F6 usagers");

    const shown = await ask(cross, "ggd", "ggd", "!strategie");
    expect(shown.body).toContain("🧭 Stratégie locale — 90 jours");
    expect(shown.body).toContain("1. rue de la Gare (Épinal) — score ");
    expect(shown.body).toContain("parce que 3 faits (90 jours) dont 2 point de deal");
    expect(shown.body).toContain("parce que signalé par 3 services");
    expect(shown.body).toContain("Leviers : parquet");
    expect(shown.body).toMatch(/2\. Golbey/);
    // The same count as !carte for the same period and room.
    expect((await ask(cross, "ggd", "ggd", "!carte 90j")).body).toMatch(/Épinal : 3/);

    const adopted = await ask(cross, "ggd", "ggd", "!strategie adopter 1 ddsp dans 30 jours");
    expect(adopted.body).toMatch(/Proposition 1 adoptée \(stratégie n°1\) : action n°1 pour ddsp/);
    expect(adopted.body).toContain("Avant : 3 faits à Épinal (90 jours)");
    expect((await ask(cross, "ddsp", "ddsp", "!actions")).body).toContain("Stratégie : agir sur rue de la Gare (Épinal)");
    // Bad input gets a French answer with the correction.
    expect((await ask(cross, "ggd", "ggd", "!strategie adopter 9 ddsp demain")).body).toContain("Pas de proposition n°9");

    // A fact after the adoption, then the agenda of the next meeting.
    await ask(cross, "ddsp", "ddsp", "!report type=deal commune=epinal quand=maintenant guetteurs revenus");
    const agendaCmd = await ask(cross, "ggd", "ggd", "!agenda");
    await sleep(1500);
    const agenda = await threadText("ggd", agendaCmd.eventId);
    expect(agenda).toContain("7. Propositions de stratégie");
    expect(agenda).toContain("8. Bilan des stratégies adoptées : 1");
    expect(agenda).toMatch(/n°1 rue de la Gare \(Épinal\) — ddsp, action n°1 : avant 3 → après 1/);
    expect(agenda).toMatch(/1\. rue de la Gare \(Épinal\) — score [\d,]+ : parce que 4 faits \(90 jours\)/);
  }, 120_000);
});
