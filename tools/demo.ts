/**
 * The scripted scene of `npm run demo`: officers type commands in their rooms on the local stack,
 * and the bot's threaded answers are printed as a phone would show them. Each officer is a real
 * encrypting client (matrix-js-sdk), so the scene plays the same in the stack's end-to-end
 * encrypted rooms (the default) as in clear ones (`npm run demo -- --clear`).
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { textOf } from "../src/matrix/content.js";
import { EncryptedUser, muteCryptoTracing, type SeenEvent } from "./encrypted-client.js";

interface Stack {
  homeserver: string;
  bot: { user_id: string; health: string };
  users: { key: string; user_id: string; password: string; access_token: string; role: string }[];
  rooms: { key: string; room_id: string; alias: string; encrypted: boolean; members: string[] }[];
}

muteCryptoTracing();

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

function relatesTo(event: SeenEvent): { rel_type?: string; event_id?: string; key?: string } {
  return (event.content["m.relates_to"] as { rel_type?: string; event_id?: string; key?: string } | undefined) ?? {};
}

/** The member of `roomKey` who reads it: `preferred` if a member, else its first member. */
function readerOf(roomKey: string, preferred: string): string | undefined {
  const room = stack.rooms.find((r) => r.key === roomKey);
  return room?.members.includes(preferred) ? preferred : room?.members[0];
}

/**
 * One encrypting client (a new device) per user of the scene, all logged in before the first
 * command: a device only gets the room keys of messages sent after it exists.
 */
const clients = new Map<string, Promise<EncryptedUser>>();
function clientOf(userId: string): Promise<EncryptedUser> {
  let client = clients.get(userId);
  if (client === undefined) {
    const entry = stack.users.find((u) => u.user_id === userId);
    if (!entry) throw new Error(`demo: ${userId} is not a stack user`);
    client = EncryptedUser.login(stack.homeserver, entry.user_id, entry.password);
    clients.set(userId, client);
  }
  return client;
}

async function loginEveryone(): Promise<void> {
  const ids = new Set<string>();
  for (const step of SCENE) {
    const who = stack.users.find((u) => u.key === step.user);
    if (!who) continue;
    ids.add(who.user_id);
    const reader = step.watch ? readerOf(step.watch.room, who.user_id) : undefined;
    if (reader !== undefined) ids.add(reader);
  }
  await Promise.all([...ids].map(clientOf));
}

function printBody(event: SeenEvent): void {
  for (const line of textOf(event.content.body).split("\n")) console.log(`  │ ${line}`);
}

async function play(): Promise<void> {
  await waitHealthy();
  await loginEveryone();
  const encrypted = stack.rooms.filter((r) => r.encrypted).length;
  console.log(bold("\n=== CROSS des Vosges — demo scene ===\n"));
  console.log(
    grey(
      encrypted === stack.rooms.length
        ? "# every room is end-to-end encrypted, as on Tchap; the officers below are encrypting clients"
        : encrypted === 0
          ? "# the rooms are in the clear (--clear)"
          : `# ${encrypted} of ${stack.rooms.length} rooms are end-to-end encrypted`,
    ),
  );
  console.log();
  for (const step of SCENE) {
    const who = stack.users.find((u) => u.key === step.user);
    const room = stack.rooms.find((r) => r.key === step.room);
    if (!who || !room) throw new Error(`demo: unknown user ${step.user} or room ${step.room}`);
    const user = await clientOf(who.user_id);
    if (step.note) console.log(grey(`# ${step.note}`));
    console.log(`${bold(room.alias)}  ${who.user_id.split(":")[0]} › ${step.body}`);
    const eventId = await user.sendText(room.room_id, step.body);
    const fromBot = (e: SeenEvent) => e.sender === stack.bot.user_id && !e.decryptionFailed;
    const answer = await user.waitFor(
      room.room_id,
      (e) => fromBot(e) && e.type === "m.room.message" && relatesTo(e).event_id === eventId,
      30_000,
    );
    const reaction = await user.waitFor(
      room.room_id,
      (e) => fromBot(e) && e.type === "m.reaction" && relatesTo(e).event_id === eventId,
      30_000,
    );
    console.log(`  ${relatesTo(reaction).key ?? ""} ${grey("bot, in the thread:")}`);
    printBody(answer);
    if (step.watch) {
      const watch = step.watch;
      const watchRoom = stack.rooms.find((r) => r.key === watch.room);
      // Read the watched room as one of its members (the officer who typed may not be one).
      const readerId = readerOf(watch.room, who.user_id);
      const started = answer.originServerTs;
      const seen =
        watchRoom && readerId !== undefined
          ? await (
              await clientOf(readerId)
            )
              .waitFor(
                watchRoom.room_id,
                (e) =>
                  fromBot(e) &&
                  e.type === "m.room.message" &&
                  e.originServerTs >= started &&
                  textOf(e.content.body).startsWith(watch.startsWith),
                30_000,
              )
              .catch(() => null)
          : null;
      if (seen && watchRoom) {
        console.log(`  ${grey(`meanwhile in ${watchRoom.alias}:`)}`);
        printBody(seen);
      }
    }
    console.log();
  }
  console.log(bold("Try it yourself with a Matrix client (Element, Element X…):"));
  console.log(`  homeserver  ${stack.homeserver}`);
  console.log(`  rooms       ${encrypted > 0 ? "end-to-end encrypted (npm run demo -- --clear: in the clear)" : "in the clear"}`);
  for (const u of stack.users) console.log(`  ${u.role.padEnd(11)} ${u.user_id.padEnd(28)} password ${u.password}`);
  console.log(`  bot health  ${stack.bot.health}\n`);
}

try {
  await play();
} finally {
  for (const client of clients.values()) (await client.catch(() => null))?.stop();
}
