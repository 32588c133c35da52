import type { RoomConfig } from "../config/schema.js";
import type { KnownRoom } from "../core/directory.js";
import type { MatterRoom } from "../core/matter/grants.js";
import type { Logger } from "../log.js";
import type { Transport } from "../matrix/transport.js";

/**
 * Every room the bot works in, by Matrix id and by key: the configured rooms (aliases resolved at
 * start-up) and the rooms it created (one matter, one referent), stored in SQLite and registered
 * again after a restart. The handlers treat both alike: events, invites, room safety, the policy.
 */
export class KnownRooms {
  private readonly byId = new Map<string, KnownRoom>();
  private readonly idByKey = new Map<string, string>();

  /** Resolves the configured aliases; a room that cannot be resolved yet is logged and skipped. */
  static async resolve(
    rooms: readonly RoomConfig[],
    transport: Pick<Transport, "resolveRoom">,
    log: Logger,
  ): Promise<KnownRooms> {
    const known = new KnownRooms();
    for (const room of rooms) {
      try {
        known.add(await transport.resolveRoom(room.room), room);
      } catch (error) {
        log.error({ room: room.key, alias: room.room, err: (error as Error).message }, "cannot resolve configured room");
      }
    }
    return known;
  }

  /** A room the bot created is known from now on, like a configured one. */
  register(matter: Pick<MatterRoom, "key" | "roomId" | "referent">): void {
    this.add(matter.roomId, { key: matter.key, kind: "matter", room: matter.roomId, referent: matter.referent });
  }

  room(roomId: string): KnownRoom | undefined {
    return this.byId.get(roomId);
  }

  idOf(key: string): string | undefined {
    return this.idByKey.get(key);
  }

  has(roomId: string): boolean {
    return this.byId.has(roomId);
  }

  get size(): number {
    return this.byId.size;
  }

  private add(roomId: string, room: KnownRoom): void {
    this.byId.set(roomId, room);
    this.idByKey.set(room.key, roomId);
  }
}
