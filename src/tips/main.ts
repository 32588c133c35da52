/**
 * The public tips form, as its own process: `node dist/tips/main.js --config cross.yaml`.
 * It reads only the configuration file and REDIS_URL (and CROSS_TIPS_*): never the Matrix token,
 * the crypto passphrase or the data directory — give it none of them (README « Signalements citoyens »).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, parseConfigText } from "../config/load.js";
import { CommuneIndex } from "../core/fr/communes.js";
import { createLogger } from "../log.js";
import { startRelay } from "./relay.js";
import { startTipsServer } from "./server.js";
import { Spool } from "./spool.js";

const ALLOWED_ENV = /^(REDIS_URL(_FILE)?|CROSS_TIPS_[A-Z_]+)$/;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: "string", short: "c" } } });
  const path = values.config ?? process.env.CROSS_CONFIG ?? "config/cross.yaml";
  // Only what this process may know: the rest of the environment is not even looked at.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => ALLOWED_ENV.test(name)));
  let config;
  try {
    config = loadConfig(parseConfigText(readFileSync(path, "utf8"), path), env);
  } catch (error) {
    console.error(`${path} : ${error instanceof ConfigError ? error.message : (error as Error).message}`);
    return 2;
  }
  const log = createLogger().child({ process: "tips" });
  const tips = config.tips;
  const namespace = createHash("sha256").update(config.matrix.bot_user_id).digest("hex").slice(0, 12);
  const spool = new Spool(tips.spool_dir);
  const relay = startRelay({ redisUrl: config.redis.url, prefix: `crossbot:${namespace}` }, spool, log);
  const communes = CommuneIndex.vosges();
  const server = await startTipsServer(
    {
      host: tips.host,
      port: tips.port,
      clientIpHeader: tips.client_ip_header,
      rateLimit: { max: tips.rate_limit.max, perSeconds: tips.rate_limit.per_seconds },
      nojsRateLimit: {
        max: tips.nojs_rate_limit.max,
        perSeconds: tips.nojs_rate_limit.per_seconds,
        globalPerHour: tips.nojs_rate_limit.global_per_hour,
      },
      maxPhotoBytes: tips.max_photo_bytes,
      powKey: config.secrets.tipsPowKey ?? randomBytes(32).toString("hex"),
      powMaxNumber: tips.pow_max_number,
      powExpiresSeconds: tips.pow_expires_seconds,
      page: {
        cellName: config.cross.name,
        communes: communes.all().map((c) => c.nom),
        maxPhotoMb: Math.floor(tips.max_photo_bytes / (1024 * 1024)),
        nojsLimit: { max: tips.nojs_rate_limit.max, perHours: Math.max(1, Math.round(tips.nojs_rate_limit.per_seconds / 3600)) },
      },
    },
    {
      resolveCommune: (text) => {
        const match = communes.resolve(text);
        if (match.ok) return { ok: true, code: match.commune.code, nom: match.commune.nom };
        const suggestions = match.suggestions.map((c) => c.nom);
        return {
          ok: false,
          error:
            suggestions.length > 0
              ? `Commune inconnue dans le département. Vouliez-vous dire : ${suggestions.join(", ")} ?`
              : "Commune inconnue dans le département : vérifiez l'orthographe (ex. Épinal).",
        };
      },
      spool,
      kick: () => void relay.kick(),
      readReceipt: (hash) => relay.readReceipt(hash),
      log,
    },
  );
  const url = `http://${tips.host.includes(":") ? `[${tips.host}]` : tips.host}:${server.port}/`;
  log.info({ url, spooled: spool.size }, "tips form listening");
  console.log(`[tips] formulaire citoyen : ${url}`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  await server.close();
  await relay.close();
  log.info("tips form stopped");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    createLogger().fatal({ err: error }, "tips form failed to start");
    process.exit(1);
  },
);
