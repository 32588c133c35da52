import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { nextRuns } from "../core/rhythm/schedule.js";
import { configFileSchema, type ConfigFile } from "./schema.js";

// Operators of a French cell read French: zod's own messages too.
z.config(z.locales.fr());

/** A configuration ready to run: the file, checked, plus the secrets and overrides from the environment. */
export interface Config extends ConfigFile {
  secrets: {
    matrixAccessToken: string | null;
    cryptoPassphrase: string | null;
    /** Key signing the tips form's proof-of-work challenges (several tips processes share it); else random per process. */
    tipsPowKey?: string | null;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;
export type ReadFile = (path: string) => string;

/** Parses YAML (or JSON, which is YAML) text; syntax errors become a ConfigError with the line. */
export function parseConfigText(text: string, source: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError([`${source} : ${(error as Error).message}`]);
  }
}

/**
 * Validates a raw configuration and merges the environment into it.
 * Pure apart from `readFile`, which reads `*_FILE` secrets (Docker/Kubernetes secrets).
 * Every problem is reported with its path (`services.2.members.0`), not just the first.
 */
export function loadConfig(raw: unknown, env: Env, readFile: ReadFile = readUtf8): Config {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const file = parsed.data;
  const problems = crossChecks(file);

  const secret = (name: string): string | null => {
    const direct = env[name];
    const fromFile = env[`${name}_FILE`];
    if (direct && fromFile) problems.push(`${name} et ${name}_FILE sont tous deux définis : n'en gardez qu'un`);
    if (direct) return direct.trim();
    if (fromFile) {
      try {
        return readFile(fromFile).trim();
      } catch (error) {
        problems.push(`${name}_FILE : lecture impossible de ${fromFile} (${(error as Error).message})`);
      }
    }
    return null;
  };

  const merged: Config = {
    ...file,
    matrix: { ...file.matrix, homeserver_url: env.MATRIX_HOMESERVER_URL ?? file.matrix.homeserver_url },
    redis: { url: secret("REDIS_URL") ?? file.redis.url },
    storage: { data_dir: env.CROSS_DATA_DIR ?? file.storage.data_dir },
    http: {
      host: env.CROSS_HTTP_HOST ?? file.http.host,
      port: env.CROSS_HTTP_PORT === undefined ? file.http.port : Number(env.CROSS_HTTP_PORT),
    },
    tips: {
      ...file.tips,
      host: env.CROSS_TIPS_HOST ?? file.tips.host,
      port: env.CROSS_TIPS_PORT === undefined ? file.tips.port : Number(env.CROSS_TIPS_PORT),
      spool_dir: env.CROSS_TIPS_SPOOL_DIR ?? file.tips.spool_dir,
    },
    secrets: {
      matrixAccessToken: secret("MATRIX_ACCESS_TOKEN"),
      cryptoPassphrase: secret("CROSS_CRYPTO_PASSPHRASE"),
      tipsPowKey: secret("CROSS_TIPS_POW_KEY"),
    },
  };
  if (!Number.isInteger(merged.tips.port) || merged.tips.port < 0 || merged.tips.port > 65535) {
    problems.push(`CROSS_TIPS_PORT : port invalide « ${env.CROSS_TIPS_PORT ?? ""} »`);
  } else if (merged.tips.port !== 0 && merged.tips.port === merged.http.port) {
    problems.push(`tips.port : le formulaire public ne partage jamais le port d'exploitation (${merged.http.port})`);
  }
  if (!Number.isInteger(merged.http.port) || merged.http.port < 0 || merged.http.port > 65535) {
    problems.push(`CROSS_HTTP_PORT : port invalide « ${env.CROSS_HTTP_PORT ?? ""} »`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return merged;
}

/** Rules that span several fields: one coordinator, one room per service, no one in two places. */
function crossChecks(file: ConfigFile): string[] {
  const problems: string[] = [];
  const serviceKeys = new Set<string>();
  file.services.forEach((service, i) => {
    if (serviceKeys.has(service.key)) problems.push(`services.${i}.key : service « ${service.key} » déjà défini`);
    serviceKeys.add(service.key);
  });
  const coordinators = file.services.filter((s) => s.role === "coordinator");
  if (coordinators.length !== 1) {
    problems.push(`services : exactement un service doit avoir role: coordinator (trouvé ${coordinators.length})`);
  }

  const owner = new Map<string, string>();
  file.services.forEach((service, i) =>
    service.members.forEach((member, j) => {
      const previous = owner.get(member);
      if (previous) problems.push(`services.${i}.members.${j} : ${member} est déjà membre de « ${previous} »`);
      owner.set(member, service.key);
    }),
  );
  file.referents.forEach((referent, i) => {
    if (owner.has(referent.user_id)) {
      problems.push(`referents.${i}.user_id : ${referent.user_id} est déjà membre d'un service`);
    }
  });
  if (owner.has(file.matrix.bot_user_id)) problems.push(`matrix.bot_user_id : le bot ne peut pas être membre d'un service`);

  const roomKeys = new Set<string>();
  const roomRefs = new Set<string>();
  const serviceRooms = new Map<string, number>();
  file.rooms.forEach((room, i) => {
    if (roomKeys.has(room.key)) problems.push(`rooms.${i}.key : salon « ${room.key} » déjà défini`);
    roomKeys.add(room.key);
    if (roomRefs.has(room.room)) problems.push(`rooms.${i}.room : ${room.room} est configuré deux fois`);
    roomRefs.add(room.room);
    if (room.kind === "service") {
      if (!room.service) problems.push(`rooms.${i}.service : un salon de service doit nommer son service`);
      else if (!serviceKeys.has(room.service)) {
        problems.push(`rooms.${i}.service : service inconnu « ${room.service} » (connus : ${[...serviceKeys].join(", ")})`);
      } else serviceRooms.set(room.service, (serviceRooms.get(room.service) ?? 0) + 1);
    } else if (room.service) {
      problems.push(`rooms.${i}.service : seul un salon de kind: service nomme un service`);
    }
  });
  for (const service of file.services) {
    const count = serviceRooms.get(service.key) ?? 0;
    if (count !== 1) problems.push(`rooms : le service « ${service.key} » doit avoir exactement un salon (trouvé ${count})`);
  }
  file.rhythm.digests.forEach((digest, i) => {
    if (!roomKeys.has(digest.room)) problems.push(`rhythm.digests.${i}.room : salon inconnu « ${digest.room} »`);
    try {
      nextRuns(digest.cron, file.cross.timezone, Date.now(), 1);
    } catch (error) {
      problems.push(`rhythm.digests.${i}.cron : expression cron invalide « ${digest.cron} » (${(error as Error).message})`);
    }
  });
  for (const kind of ["coordination", "triage"] as const) {
    const count = file.rooms.filter((r) => r.kind === kind).length;
    if (count !== 1) problems.push(`rooms : exactement un salon kind: ${kind} est requis (trouvé ${count})`);
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(racine)";
  if (issue.code === "unrecognized_keys") {
    return `${path} : clé(s) inconnue(s) ${issue.keys.map((k) => `« ${k} »`).join(", ")}`;
  }
  return `${path} : ${issue.message}`;
}

function readUtf8(path: string): string {
  return readFileSync(path, "utf8");
}
