/** Reads the few parts of the CROSS configuration that the local stack needs. */
import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { parse } from "yaml";

import { isObject } from "./http.js";
import { DEFAULT_CONFIG, REPO_ROOT } from "./paths.js";

export interface StackService {
  key: string;
  role: "coordinator" | "partner";
  members: string[];
}

export interface StackRoom {
  key: string;
  kind: "service" | "coordination" | "triage";
  service: string | null;
  /** Alias (`#…:server`) or room id (`!…`). */
  room: string;
}

export interface StackCrossConfig {
  /** Path as shown to humans: relative to the repo root when inside it. */
  displayPath: string;
  absolutePath: string;
  departement: string;
  botUserId: string;
  services: StackService[];
  referents: string[];
  rooms: StackRoom[];
}

function fail(path: string, message: string): never {
  throw new Error(`CROSS config ${path}: ${message}`);
}

function str(value: unknown, path: string, where: string): string {
  if (typeof value !== "string" || value === "") fail(path, `${where} must be a non-empty string`);
  return value;
}

function list(value: unknown, path: string, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, `${where} must be a list`);
  return value;
}

function obj(value: unknown, path: string, where: string): Record<string, unknown> {
  if (!isObject(value)) fail(path, `${where} must be a mapping`);
  return value;
}

export function readCrossConfig(override = process.env["CROSS_CONFIG"]): StackCrossConfig {
  const given = override !== undefined && override !== "" ? override : DEFAULT_CONFIG;
  const absolutePath = isAbsolute(given) ? given : resolve(process.cwd(), given);
  const rel = relative(REPO_ROOT, absolutePath);
  const displayPath = rel.startsWith("..") || isAbsolute(rel) ? absolutePath : rel;
  const root = obj(parse(readFileSync(absolutePath, "utf8")), displayPath, "the document");

  const cross = isObject(root["cross"]) ? root["cross"] : {};
  const departementRaw = cross["departement"];
  const departement = typeof departementRaw === "string" || typeof departementRaw === "number" ? String(departementRaw) : "88";

  const matrix = obj(root["matrix"], displayPath, "matrix");
  const botUserId = str(matrix["bot_user_id"], displayPath, "matrix.bot_user_id");

  const services = list(root["services"], displayPath, "services").map((raw, i): StackService => {
    const s = obj(raw, displayPath, `services[${i}]`);
    const role = s["role"];
    if (role !== "coordinator" && role !== "partner") {
      fail(displayPath, `services[${i}].role must be "coordinator" or "partner"`);
    }
    return {
      key: str(s["key"], displayPath, `services[${i}].key`),
      role,
      members: list(s["members"], displayPath, `services[${i}].members`).map((m, j) =>
        str(m, displayPath, `services[${i}].members[${j}]`),
      ),
    };
  });
  if (services.filter((s) => s.role === "coordinator").length !== 1) {
    fail(displayPath, "exactly one service must have role: coordinator");
  }

  const referents = list(root["referents"], displayPath, "referents").map((raw, i) =>
    str(obj(raw, displayPath, `referents[${i}]`)["user_id"], displayPath, `referents[${i}].user_id`),
  );

  const rooms = list(root["rooms"], displayPath, "rooms").map((raw, i): StackRoom => {
    const r = obj(raw, displayPath, `rooms[${i}]`);
    const kind = r["kind"];
    if (kind !== "service" && kind !== "coordination" && kind !== "triage") {
      fail(displayPath, `rooms[${i}].kind must be service, coordination or triage`);
    }
    const service =
      r["service"] === undefined || r["service"] === null ? null : str(r["service"], displayPath, `rooms[${i}].service`);
    if (kind === "service" && (service === null || !services.some((s) => s.key === service))) {
      fail(displayPath, `rooms[${i}] is a service room of an unknown service ${String(service)}`);
    }
    return {
      key: str(r["key"], displayPath, `rooms[${i}].key`),
      kind,
      service,
      room: str(r["room"], displayPath, `rooms[${i}].room`),
    };
  });

  return { displayPath, absolutePath, departement, botUserId, services, referents, rooms };
}

/** `@local:server` → `local`. */
export function localpartOf(userId: string): string {
  const match = /^@([^:]+):(.+)$/.exec(userId);
  if (match === null || match[1] === undefined) throw new Error(`not a Matrix user id: ${userId}`);
  return match[1];
}
