import { ask, createCross } from "./harness.js";
const cross = await createCross();
const bot = await cross.startBot();
const r = await ask(cross, "douane", "douane", '!report type=deal commune=epinal quand="hier 22h" diffusion=restreint:gir plaque=AB-123-CD vu 3 guetteurs');
console.log(r.body);
await new Promise((res) => setTimeout(res, 4000));
for (const key of ["gir", "ggd", "ddsp", "coordination"]) {
  const ev = await cross.user("ggd").roomEvents(cross.rooms[key] ?? "", 10);
  console.log(key, ev.filter((e) => e.sender === cross.botUserId && e.type === "m.room.message").map((e) => String(e.content.body).slice(0, 200)));
}
const m = await ask(cross, "ddsp", "ddsp", '!report type=stockage commune=golbey quand=maintenant plaque=ab123cd');
console.log(m.body);
await new Promise((res) => setTimeout(res, 4000));
for (const key of ["gir", "ggd", "ddsp", "douane", "coordination"]) {
  const ev = await cross.user("ggd").roomEvents(cross.rooms[key] ?? "", 10);
  console.log(key, ev.filter((e) => e.sender === cross.botUserId && e.type === "m.room.message" && String(e.content.body).includes("Rapprochement")).map((e) => String(e.content.body).slice(0, 300)));
}
await bot.stop();
console.log(bot.logs.split("\n").filter((l) => l.includes('"level":"error"') || l.includes('"level":"warn"')).slice(-5).join("\n").slice(0, 3000));
