import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { start } from "./start.js";
import { ConfigError, loadConfig, parseConfigText } from "./config/load.js";
import { createLogger, type Logger } from "./log.js";
import { backup, restore } from "./ops/backup.js";
import { StorageHealth } from "./store/storage-health.js";

const USAGE = `Usage : cross-bot [backup <dossier> | restore <dossier>] --config <fichier.yaml> [--validate-config]
  --config, -c         configuration de la CROSS (défaut : $CROSS_CONFIG ou config/cross.yaml)
  --validate-config    vérifie la configuration et l'environnement, puis s'arrête
  backup <dossier>     copie cohérente du stockage, du journal et du magasin de clés (bot en marche ou non)
  restore <dossier>    restaure une sauvegarde (bot arrêté) ; voir README « Sauvegarde et restauration »`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
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

  const [verb, dir] = positionals;
  if (verb === "backup" || verb === "restore") {
    if (!dir) {
      console.error(USAGE);
      return 2;
    }
    if (verb === "backup") {
      const manifest = await backup(config.storage.data_dir, dir);
      console.log(`Sauvegarde écrite dans ${dir} : ${manifest.files.join(", ")} (schéma v${manifest.schemaVersion}).`);
    } else {
      const result = await restore(config.storage.data_dir, dir);
      console.log(
        `Sauvegarde du ${result.manifest.createdAt} restaurée (journal ${result.journal === "kept" ? "conservé" : "restauré"} ; ` +
          `${result.retired} référence(s) annoncée(s) depuis réservée(s) ; anciennes données dans ${result.previous}).`,
      );
    }
    return 0;
  }
  if (verb !== undefined) {
    console.error(USAGE);
    return 2;
  }

  const log = createLogger();
  const storage = new StorageHealth(config.storage.data_dir, (full, detail) =>
    full ? log.error({ detail }, "storage full: writes refused until space returns") : log.warn("storage writable again"),
  );
  // Last resort: a write that fails with a full disk outside any handler (the crypto store writes in
  // the background) must not kill the bot; it is noted, health turns red, and the bot carries on.
  // Anything else unexpected still stops the process, to be restarted clean.
  const lastResort = (error: unknown) => {
    if (storage.noteError(error)) {
      log.error({ err: error }, "write failed: storage full");
      return;
    }
    log.fatal({ err: error }, "unexpected error");
    process.exit(1);
  };
  process.on("unhandledRejection", lastResort);
  process.on("uncaughtException", lastResort);
  const bot = await startWhenWritable(() => start(config, { log, storage }), storage, log);
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

/** Starting on a full disk waits for space (checked every few seconds) instead of giving up. */
async function startWhenWritable<T>(begin: () => Promise<T>, storage: StorageHealth, log: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await begin();
    } catch (error) {
      if (!storage.noteError(error)) throw error;
      log.error({ err: error, attempt }, "cannot start: storage full; waiting for space");
      while (!storage.probe()) await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    createLogger().fatal({ err: error }, "bot failed to start");
    process.exit(1);
  },
);
