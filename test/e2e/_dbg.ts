import { ask, createCross } from "./harness.js";
const cross = await createCross();
const bot = await cross.startBot();
const r = await ask(cross, "douane", "douane", '!report type=deal commune=epinal quand="hier 22h" plaque=AB-123-CD vu 3 guetteurs');
console.log(r.body);
await new Promise((res) => setTimeout(res, 5000));
await bot.stop();
console.log(bot.logs.split("\n").filter((l) => !l.includes("invite accepted") && !l.includes('"level":"debug"')).slice(-15).join("\n").slice(0, 5000));
console.log(bot.logs.split("\n").filter((l) => /diffusion|redis|worker|queue/i.test(l)).slice(-10).join("\n").slice(0, 3000));
