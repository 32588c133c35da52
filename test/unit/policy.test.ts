import { describe, expect, it } from "vitest";
import { entitledRooms, roomMaySee } from "../../src/core/policy.js";
import type { Diffusion } from "../../src/core/report/diffusion.js";

const rooms = [
  { key: "ggd", kind: "service", service: "ggd" },
  { key: "ddsp", kind: "service", service: "ddsp" },
  { key: "douane", kind: "service", service: "douane" },
  { key: "gir", kind: "service", service: "gir" },
  { key: "coordination", kind: "coordination" },
  { key: "triage", kind: "triage" },
] as const;

const seen = (diffusion: Diffusion, service = "ddsp") => entitledRooms({ service, diffusion }, rooms, "ggd").map((r) => r.key);

describe("diffusion policy", () => {
  it("service: the originating service and the coordinator only", () => {
    expect(seen({ level: "service" })).toEqual(["ggd", "ddsp", "triage"]);
  });
  it("restreint: the named services and the coordinator", () => {
    expect(seen({ level: "restreint", services: ["douane", "gir"] })).toEqual(["ggd", "ddsp", "douane", "gir", "triage"]);
  });
  it("cross: every service and the coordination room", () => {
    expect(seen({ level: "cross" })).toEqual(["ggd", "ddsp", "douane", "gir", "coordination", "triage"]);
  });
  it("a room without a service sees nothing it is not given", () => {
    expect(roomMaySee({ service: "ddsp", diffusion: { level: "service" } }, { kind: "service" }, "ggd")).toBe(false);
  });
});
