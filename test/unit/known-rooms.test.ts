import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { KnownRooms } from "../../src/app/known-rooms.js";
import type { RoomConfig } from "../../src/config/schema.js";

describe("the rooms the bot knows", () => {
  it("holds the configured rooms it could resolve and the rooms it created, by id and by key", async () => {
    const configured = [
      { key: "ddsp", kind: "service", service: "ddsp", room: "#ddsp:t" },
      { key: "gone", kind: "service", service: "gir", room: "#gone:t" },
    ] as RoomConfig[];
    const rooms = await KnownRooms.resolve(
      configured,
      {
        resolveRoom: async (alias) => {
          if (alias === "#gone:t") throw new Error("M_NOT_FOUND");
          return "!ddsp";
        },
      },
      pino({ level: "silent" }),
    );
    expect(rooms.room("!ddsp")?.key).toBe("ddsp");
    expect(rooms.idOf("gone")).toBeUndefined();
    expect(rooms.size).toBe(1);
    rooms.register({ key: "affaire-1", roomId: "!m1", referent: "@chef.pm:mairie.fr" });
    expect(rooms.room("!m1")).toEqual({ key: "affaire-1", kind: "matter", room: "!m1", referent: "@chef.pm:mairie.fr" });
    expect(rooms.idOf("affaire-1")).toBe("!m1");
    expect(rooms.has("!m1")).toBe(true);
  });
});
