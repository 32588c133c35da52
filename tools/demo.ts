/**
 * The scripted scene of `npm run demo`: officers type commands in their rooms on the local stack,
 * and the bot's threaded answers are printed as a phone would show them.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { textOf } from "../src/matrix/content.js";
import { type MatrixEvent, MatrixUser } from "./matrix-user.js";

interface Stack {
  homeserver: string;
  bot: { user_id: string; health: string };
  users: { key: string; user_id: string; password: string; access_token: string; role: string }[];
  rooms: { key: string; room_id: string; alias: string }[];
}

const stack = JSON.parse(readFileSync(".stack/stack.json", "utf8")) as Stack;

interface Step {
  user: string;
  room: string;
  body: string;
  note?: string;
  /** Then show the first bot message starting with this text in that room (a card, an alert). */
  watch?: { room: string; startsWith: string };
}

const SCENE: Step[] = [
  { user: "ddsp", room: "ddsp", body: "!aide ping", note: "an officer asks about a command (!aide lists them all)" },
  {
    user: "ddsp",
    room: "ddsp",
    body: '!report type=deal commune=st die quand="hier 22h" lieu="quartier Kellermann" cotation=B2 plaque=ab123cd 3 guetteurs, vente de résine',
    note: "a one-line report, typed as on a phone",
    watch: { room: "douane", startsWith: "📌" },
  },
  {
    user: "douane",
    room: "douane",
    body: "!rens type=go-fast commune=saint-die quand=maintenant plaque=AB 123 CD convoi vers l'Alsace",
    note: "another service reports the same car: the bot cross-references",
    watch: { room: "douane", startsWith: "🔗" },
  },
  {
    user: "gir",
    room: "gir",
    body: "!report type=dael commune=epinall",
    note: "mistakes get a correction, and the text is kept",
  },
  { user: "ggd", room: "ggd", body: "!synthese 24h", note: "the coordinator's digest (detail in the thread)" },
  { user: "pfaf", room: "pfaf", body: "/ping", note: "Element X sends /commands as typed" },
];

const grey = (s: string) => `\x1b[90m${s}\x1b[0m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(stack.bot.health).then(
      (r) => r.ok,
      () => false,
    );
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
    if (step.watch) {
      const watchRoom = stack.rooms.find((r) => r.key === step.watch?.room);
      const started = answer.origin_server_ts;
      const seen = watchRoom
        ? await user
            .waitForEvent(
              watchRoom.room_id,
              (e) =>
                e.sender === stack.bot.user_id &&
                e.origin_server_ts >= started &&
                textOf(e.content.body).startsWith(step.watch?.startsWith ?? ""),
              30_000,
            )
            .catch(() => null)
        : null;
      if (seen && watchRoom) {
        console.log(`  ${grey(`meanwhile in ${watchRoom.alias}:`)}`);
        for (const line of String(seen.content.body).split("\n")) console.log(`  │ ${line}`);
      }
    }
    console.log();
  }
  console.log(bold("Try it yourself with a Matrix client (Element, Element X…):"));
  console.log(`  homeserver  ${stack.homeserver}`);
  for (const u of stack.users) console.log(`  ${u.role.padEnd(11)} ${u.user_id.padEnd(28)} password ${u.password}`);
  console.log(`  bot health  ${stack.bot.health}\n`);
}

await play();
