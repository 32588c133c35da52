import type { ConfigFile, RoomConfig, ServiceConfig } from "../config/schema.js";

/** A room the bot created at run time (one matter, one referent), seen by the handlers like a configured one. */
export interface BotRoom {
  key: string;
  kind: "matter";
  room: string;
  service?: undefined;
  referent: string;
}

/** Any room the bot works in: configured, or created by it. */
export type KnownRoom = RoomConfig | BotRoom;

/** Who is speaking, as far as the CROSS is concerned. */
export type Identity =
  | { kind: "coordinator"; userId: string; service: ServiceConfig }
  | { kind: "officer"; userId: string; service: ServiceConfig }
  | { kind: "referent"; userId: string; name: string };

export type Role = Identity["kind"];

/**
 * The cell's people and rooms, read from the configuration. Pure lookups: the single place that
 * answers "who is this user" and "what is this room", so no command re-derives it.
 */
export class Directory {
  private readonly people = new Map<string, Identity>();
  private readonly roomsByKey = new Map<string, RoomConfig>();
  readonly coordinatorService: ServiceConfig;

  constructor(readonly config: Pick<ConfigFile, "services" | "referents" | "rooms">) {
    const coordinator = config.services.find((s) => s.role === "coordinator");
    if (!coordinator) throw new Error("configuration without a coordinator service");
    this.coordinatorService = coordinator;
    for (const service of config.services) {
      for (const userId of service.members) {
        const kind = service.role === "coordinator" ? "coordinator" : "officer";
        this.people.set(userId, { kind, userId, service });
      }
    }
    for (const referent of config.referents) {
      this.people.set(referent.user_id, { kind: "referent", userId: referent.user_id, name: referent.name });
    }
    for (const room of config.rooms) this.roomsByKey.set(room.key, room);
  }

  identify(userId: string): Identity | null {
    return this.people.get(userId) ?? null;
  }

  isCoordinatorMember(userId: string): boolean {
    return this.identify(userId)?.kind === "coordinator";
  }

  room(key: string): RoomConfig | undefined {
    return this.roomsByKey.get(key);
  }

  /** The room of a service (its officers' room), if the configuration gives it one. */
  serviceRoom(service: string): RoomConfig | undefined {
    return this.config.rooms.find((room) => room.kind === "service" && room.service === service);
  }

  /** The coordinator service's own room. */
  get coordinatorRoom(): RoomConfig | undefined {
    return this.serviceRoom(this.coordinatorService.key);
  }

  get rooms(): readonly RoomConfig[] {
    return this.config.rooms;
  }
}
