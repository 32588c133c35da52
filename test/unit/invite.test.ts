import { describe, expect, it } from "vitest";
import { Directory } from "../../src/core/directory.js";
import { decideInvite } from "../../src/handlers/invite.js";

const directory = new Directory({
  services: [
    { key: "ggd", name: "GGD", role: "coordinator", members: ["@cne:cross.test"] },
    { key: "ddsp", name: "DDSP", role: "partner", members: ["@cdt:cross.test"] },
  ],
  referents: [{ user_id: "@ref:cross.test", name: "Réf" }],
  rooms: [],
});
const configured = (roomId: string) => roomId === "!known:cross.test";

describe("decideInvite", () => {
  it("joins a configured room when a coordinator member invites", () => {
    expect(decideInvite({ roomId: "!known:cross.test", inviter: "@cne:cross.test" }, directory, configured)).toEqual({
      join: true,
    });
  });
  it.each([
    ["a partner officer", "@cdt:cross.test", "!known:cross.test"],
    ["a referent", "@ref:cross.test", "!known:cross.test"],
    ["a stranger from another server", "@cne:evil.example", "!known:cross.test"],
    ["an unknown inviter", null, "!known:cross.test"],
    ["the coordinator, for an unconfigured room", "@cne:cross.test", "!other:cross.test"],
  ])("declines %s", (_label, inviter, roomId) => {
    expect(decideInvite({ roomId, inviter }, directory, configured).join).toBe(false);
  });
});
