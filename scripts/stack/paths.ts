/** Filesystem layout of the local stack (everything throw-away lives in `.stack/`). */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const STACK_DIR = resolve(REPO_ROOT, ".stack");
export const SYNAPSE_DIR = resolve(STACK_DIR, "synapse");
export const REDIS_DIR = resolve(STACK_DIR, "redis");
export const BOT_DATA_DIR = resolve(STACK_DIR, "bot-data");
export const STACK_JSON = resolve(STACK_DIR, "stack.json");
export const BOT_ENV = resolve(STACK_DIR, "bot.env");
export const SYNAPSE_PID = resolve(STACK_DIR, "synapse.pid");
export const REDIS_PID = resolve(STACK_DIR, "redis.pid");

export const SERVER_NAME = "cross.test";
export const DEFAULT_CONFIG = "config/vosges.example.yaml";
