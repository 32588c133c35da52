import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { start } from "./app.js";
import { ConfigError, loadConfig, parseConfigText } from "./config/load.js";
import { createLogger } from "./log.js";

const USAGE = `Usage : cross-bot --config <fichier.yaml> [--validate-config]
  --config, -c         configuration de la CROSS (défaut : $CROSS_CONFIG ou config/cross.yaml)
  --validate-config    vérifie la configuration et l'environnement, puis s'arrête`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: "string", short: "c" },
      "validate-config": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const path = values.config ?? process.env.CROSS_CONFIG ?? "config/cross.yaml";
  let config;
  try {
    config = loadConfig(parseConfigText(readFileSync(path, "utf8"), path), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${path} : ${error.message}`);
      return 2;
    }
    console.error(`${path} : ${(error as Error).message}`);
    return 2;
  }
  if (values["validate-config"]) {
    const rooms = config.rooms.length;
    const people = config.services.reduce((n, s) => n + s.members.length, 0);
    console.log(`${path} : configuration valide (${config.services.length} services, ${people} membres, ${rooms} salons).`);
    if (!config.secrets.matrixAccessToken)
      console.log("Attention : MATRIX_ACCESS_TOKEN n'est pas défini (requis pour démarrer).");
    return 0;
  }

  const log = createLogger();
  const bot = await start(config, { log });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, "signal received");
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await bot.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    createLogger().fatal({ err: error }, "bot failed to start");
    process.exit(1);
  },
);
