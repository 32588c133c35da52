import { createCross, isAnswerTo } from "./harness.js";
const cross = await createCross();
const bot = await cross.startBot();
const u = cross.user("ddsp");
const room = cross.rooms.ddsp ?? "";
for (const body of [
  '!report type=deal commune=epinal quand="hier 22h" lieu="rue de la Gare" cotation=B2 plaque=ab123cd tel=0612345678 3 guetteurs devant le bâtiment C',
  "!rens type=deal commune=st die quand=hier 22h",
  "!report type=dael commune=epinall",
  "!report",
]) {
  const id = await u.sendText(room, body);
  const a = await u.waitForEvent(room, isAnswerTo(id, cross.botUserId));
  console.log(">>", body, "\n", a.content.body, "\n");
}
await bot.stop();
console.log(bot.logs.split("\n").filter((l) => l.includes('"error"') || l.includes("warn")).slice(-5).join("\n").slice(0, 3000));
