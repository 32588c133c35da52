/**
 * `node --import tsx scripts/stack/up.ts` (via `bash scripts/stack.sh up`): a fresh, throw-away
 * Synapse + Redis on 127.0.0.1, the demo users and rooms of the CROSS config, and
 * `.stack/stack.json` + `.stack/bot.env` describing them. Needs SYNAPSE_PYTHON (the venv python).
 * The rooms are end-to-end encrypted, as Tchap's are; `--clear` (or CROSS_STACK_CLEAR=1) creates
 * them in the clear for tools that cannot encrypt. `stack.json` says which, room by room.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { relative } from "node:path";

import { readCrossConfig } from "./cross-config.js";
import { BOT_DATA_DIR, BOT_ENV, REDIS_DIR, REPO_ROOT, SERVER_NAME, STACK_DIR, STACK_JSON, SYNAPSE_DIR } from "./paths.js";
import { freeLoopbackPorts, stopAll } from "./processes.js";
import { provision } from "./provision.js";
import { startRedis } from "./redis.js";
import { generateSigningKey, startSynapse, writeSynapseConfig } from "./synapse.js";

/** `--clear` or CROSS_STACK_CLEAR=1: rooms in the clear; otherwise end-to-end encrypted. */
function wantsEncryptedRooms(args: string[]): boolean {
  const unknown = args.filter((a) => a !== "--clear");
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(" ")} (only --clear is accepted)`);
  const env = process.env["CROSS_STACK_CLEAR"];
  return !args.includes("--clear") && (env === undefined || env === "" || env === "0");
}

async function main(): Promise<void> {
  const encrypted = wantsEncryptedRooms(process.argv.slice(2));
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const python = process.env["SYNAPSE_PYTHON"];
  if (python === undefined || python === "") {
    throw new Error("SYNAPSE_PYTHON is not set: run `bash scripts/stack.sh up`, which prepares the Synapse venv");
  }
  const config = readCrossConfig();

  const stopped = await stopAll();
  if (stopped.length > 0) console.log(`[stack] stopped the previous stack: ${stopped.join(", ")}`);
  rmSync(STACK_DIR, { recursive: true, force: true });
  for (const dir of [STACK_DIR, SYNAPSE_DIR, REDIS_DIR, BOT_DATA_DIR]) mkdirSync(dir, { recursive: true });

  const [synapsePort, redisPort, botHttpPort] = await freeLoopbackPorts(3);
  if (synapsePort === undefined || redisPort === undefined || botHttpPort === undefined) {
    throw new Error("could not reserve three loopback ports");
  }
  const homeserver = `http://127.0.0.1:${synapsePort}`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;

  const synapseConfig = writeSynapseConfig(synapsePort);
  await generateSigningKey(python, synapseConfig);
  // Redis starts while Synapse boots; both are loopback-only.
  const [synapsePid, redisPid] = await Promise.all([startSynapse(python, synapseConfig), startRedis(redisPort)]);
  console.log(`[stack] synapse (pid ${synapsePid}) and redis (pid ${redisPid}) are up after ${elapsed()}`);

  const { admin, bot, users, rooms } = await provision(homeserver, synapseConfig.registrationSharedSecret, config, { encrypted });

  const stack = {
    homeserver,
    server_name: SERVER_NAME,
    redis: { url: redisUrl, port: redisPort },
    admin: { ...admin, registration_shared_secret: synapseConfig.registrationSharedSecret },
    bot: {
      user_id: bot.user_id,
      access_token: bot.access_token,
      device_id: bot.device_id,
      password: bot.password,
      health: `http://127.0.0.1:${botHttpPort}/healthz`,
      metrics: `http://127.0.0.1:${botHttpPort}/metrics`,
      http_port: botHttpPort,
      data_dir: BOT_DATA_DIR,
    },
    users,
    rooms,
    pids: { synapse: synapsePid, redis: redisPid },
    config: config.displayPath,
    synapse: {
      port: synapsePort,
      config: relative(REPO_ROOT, synapseConfig.configPath),
      log: relative(REPO_ROOT, synapseConfig.logPath),
    },
    created_at: new Date().toISOString(),
  };
  writeFileSync(STACK_JSON, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  const env = [
    `MATRIX_HOMESERVER_URL=${homeserver}`,
    `MATRIX_ACCESS_TOKEN=${bot.access_token}`,
    `REDIS_URL=${redisUrl}`,
    `CROSS_DATA_DIR=${BOT_DATA_DIR}`,
    `CROSS_HTTP_PORT=${botHttpPort}`,
  ];
  writeFileSync(BOT_ENV, `${env.join("\n")}\n`, { mode: 0o600 });

  console.log(
    [
      `[stack] up in ${elapsed()}`,
      `  homeserver  ${homeserver}  (server_name ${SERVER_NAME}, log ${relative(REPO_ROOT, synapseConfig.logPath)})`,
      `  redis       ${redisUrl}`,
      `  bot         ${bot.user_id} (device ${bot.device_id}), invited to ${rooms.length} rooms; health will be on :${botHttpPort}`,
      `  rooms       ${rooms.length}, ${encrypted ? "end-to-end encrypted (--clear for clear rooms)" : "in the clear (--clear)"}`,
      `  users       ${users.map((u) => u.key).join(", ")}`,
      `  details     ${relative(REPO_ROOT, STACK_JSON)}  (bot env: ${relative(REPO_ROOT, BOT_ENV)})`,
      `  stop with   bash scripts/stack.sh down`,
    ].join("\n"),
  );
}

main().catch(async (error: unknown) => {
  console.error(`[stack] up failed: ${error instanceof Error ? error.message : String(error)}`);
  // Leave nothing half-started behind.
  await stopAll().catch(() => undefined);
  process.exitCode = 1;
});
