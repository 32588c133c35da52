import { describe, expect, it } from "vitest";
import { unsafeChange } from "../../src/core/room-safety.js";

const change = (type: string, content: Record<string, unknown>, stateKey = "") => ({ type, stateKey, content });

describe("unsafeChange", () => {
  it.each([
    [change("m.room.join_rules", { join_rule: "public" }), "public"],
    [change("m.room.history_visibility", { history_visibility: "world_readable" }), "lisible par tous"],
    [change("m.room.tombstone", { replacement_room: "!new", body: "upgraded" }), "remplacé"],
  ])("freezes on %j", (event, reason) => {
    expect(unsafeChange(event)).toContain(reason);
  });

  it.each([
    change("m.room.join_rules", { join_rule: "invite" }),
    change("m.room.join_rules", { join_rule: "knock" }),
    change("m.room.history_visibility", { history_visibility: "joined" }),
    change("m.room.history_visibility", { history_visibility: "shared" }),
    change("m.room.member", { membership: "join" }, "@x:t"),
    change("m.room.name", { name: "public" }),
  ])("leaves %j alone", (event) => {
    expect(unsafeChange(event)).toBeNull();
  });
});
