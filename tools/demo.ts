/**
 * The scripted scene of `npm run demo`: officers type commands in their rooms on the local stack,
 * and the bot's threaded answers are printed as a phone would show them.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type MatrixEvent, MatrixUser } from "./matrix-user.js";

interface Stack {
  homeserver: string;
  bot: { user_id: string; health: string };
  users: { key: string; user_id: string; password: string; access_token: string; role: string }[];
  rooms: { key: string; room_id: string; alias: string }[];
}

const stack = JSON.parse(readFileSync(".stack/stack.json", "utf8")) as Stack;
const botLocalpart = stack.bot.user_id.slice(1).split(":")[0] ?? "crossbot";

const SCENE: { user: string; room: string; body: string; note?: string }[] = [
  { user: "ddsp", room: "ddsp", body: "!aide", note: "an officer asks what the bot can do" },
  { user: "ddsp", room: "ddsp", body: "!aide ping", note: "details of one command" },
  { user: "douane", room: "douane", body: "/ping", note: "Element X sends /commands as typed" },
  { user: "gir", room: "gir", body: "!pnig", note: "a typo gets a correction" },
  { user: "ggd", room: "coordination", body: `${botLocalpart}: ping`, note: "a mention works too" },
];

const grey = (s: string) => `\x1b[90m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(stack.bot.health).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`the bot did not become healthy (${stack.bot.health}); see .stack/bot.log`);
}

function relatesTo(event: MatrixEvent): { rel_type?: string; event_id?: string; key?: string } {
  return (event.content["m.relates_to"] as { rel_type?: string; event_id?: string; key?: string } | undefined) ?? {};
}

async function play(): Promise<void> {
  await waitHealthy();
  console.log(bold("\n=== CROSS des Vosges — demo scene ===\n"));
  for (const step of SCENE) {
    const who = stack.users.find((u) => u.key === step.user);
    const room = stack.rooms.find((r) => r.key === step.room);
    if (!who || !room) throw new Error(`demo: unknown user ${step.user} or room ${step.room}`);
    const user = new MatrixUser(stack.homeserver, who.user_id, who.access_token);
    if (step.note) console.log(grey(`# ${step.note}`));
    console.log(`${bold(room.alias)}  ${who.user_id.split(":")[0]} › ${step.body}`);
    const eventId = await user.sendText(room.room_id, step.body);
    const answer = await user.waitForEvent(
      room.room_id,
      (e) => e.sender === stack.bot.user_id && e.type === "m.room.message" && relatesTo(e).event_id === eventId,
    );
    const reaction = await user.waitForEvent(
      room.room_id,
      (e) => e.sender === stack.bot.user_id && e.type === "m.reaction" && relatesTo(e).event_id === eventId,
    );
    console.log(`  ${relatesTo(reaction).key ?? ""} ${grey("bot, in the thread:")}`);
    for (const line of String(answer.content.body).split("\n")) console.log(`  │ ${line}`);
    console.log();
  }
  console.log(bold("Try it yourself with a Matrix client (Element, Element X…):"));
  console.log(`  homeserver  ${stack.homeserver}`);
  for (const u of stack.users) console.log(`  ${u.role.padEnd(11)} ${u.user_id.padEnd(28)} password ${u.password}`);
  console.log(`  bot health  ${stack.bot.health}\n`);
}

await play();
