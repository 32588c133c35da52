import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfigText } from "../../src/config/load.js";

const exampleText = readFileSync("config/vosges.example.yaml", "utf8");
const example = () => parseConfigText(exampleText, "vosges.example.yaml") as Record<string, any>;

function problemsOf(raw: unknown, env: Record<string, string> = {}, readFile?: (p: string) => string): string[] {
  try {
    loadConfig(raw, env, readFile);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("accepts the Vosges example and keeps its services and rooms", () => {
    const config = loadConfig(example(), { MATRIX_ACCESS_TOKEN: "syt_secret" });
    expect(config.services.map((s) => s.key)).toEqual(["ggd", "ddsp", "dipj", "pfaf", "douane", "sr", "gir", "pref"]);
    expect(config.services.find((s) => s.role === "coordinator")?.key).toBe("ggd");
    expect(config.rooms.filter((r) => r.kind === "service")).toHaveLength(8);
    expect(config.cross.timezone).toBe("Europe/Paris");
    expect(config.secrets.matrixAccessToken).toBe("syt_secret");
  });

  it("takes overrides and secrets from the environment, including *_FILE", () => {
    const config = loadConfig(
      example(),
      {
        MATRIX_ACCESS_TOKEN_FILE: "/run/secrets/token",
        REDIS_URL: "redis://:pw@127.0.0.1:6390",
        MATRIX_HOMESERVER_URL: "http://127.0.0.1:18008",
        CROSS_DATA_DIR: "/var/lib/cross-bot",
        CROSS_HTTP_PORT: "9000",
      },
      (path) => (path === "/run/secrets/token" ? "syt_from_file\n" : ""),
    );
    expect(config.secrets.matrixAccessToken).toBe("syt_from_file");
    expect(config.redis.url).toBe("redis://:pw@127.0.0.1:6390");
    expect(config.matrix.homeserver_url).toBe("http://127.0.0.1:18008");
    expect(config.storage.data_dir).toBe("/var/lib/cross-bot");
    expect(config.http.port).toBe(9000);
  });

  it("names the path of a typo in a key", () => {
    const raw = example();
    raw.services[2].memebrs = raw.services[2].members;
    delete raw.services[2].members;
    const problems = problemsOf(raw);
    expect(problems.some((p) => p.startsWith("services.2") && p.includes("memebrs"))).toBe(true);
    expect(problems.some((p) => p.startsWith("services.2.members"))).toBe(true);
  });

  it.each([
    ["a malformed Matrix id", (raw: any) => (raw.services[1].members = ["cdt.marchal"]), "services.1.members.0"],
    ["an unknown time zone", (raw: any) => (raw.cross.timezone = "Europe/Epinal"), "cross.timezone"],
    ["a room of an unknown service", (raw: any) => (raw.rooms[1].service = "dps"), "rooms.1.service"],
    ["two coordinators", (raw: any) => (raw.services[1].role = "coordinator"), "exactement un service"],
    ["no triage room", (raw: any) => (raw.rooms = raw.rooms.filter((r: any) => r.kind !== "triage")), "kind: triage"],
    ["a member of two services", (raw: any) => raw.services[2].members.push(raw.services[1].members[0]), "services.2.members.1"],
    ["a secret in the file", (raw: any) => (raw.matrix.access_token = "syt_x"), "access_token"],
    ["a service without its room", (raw: any) => (raw.rooms = raw.rooms.filter((r: any) => r.key !== "gir")), "« gir »"],
    ["a non-redis URL", (raw: any) => (raw.redis.url = "http://127.0.0.1:6379"), "redis.url"],
  ])("rejects %s with a message naming where", (_label, mutate, expected) => {
    const raw = example();
    mutate(raw);
    const problems = problemsOf(raw);
    expect(problems.join("\n")).toContain(expected);
  });

  it("refuses a secret given twice and an unreadable secret file", () => {
    expect(problemsOf(example(), { MATRIX_ACCESS_TOKEN: "a", MATRIX_ACCESS_TOKEN_FILE: "/x" }, () => "b").join()).toContain(
      "tous deux définis",
    );
    const unreadable = problemsOf(example(), { MATRIX_ACCESS_TOKEN_FILE: "/nope" }, () => {
      throw new Error("ENOENT");
    });
    expect(unreadable.join()).toContain("MATRIX_ACCESS_TOKEN_FILE");
  });

  it("reports a YAML syntax error with its place", () => {
    expect(() => parseConfigText("services: [\n  - key: ggd\n bad", "x.yaml")).toThrow(ConfigError);
  });
});
