import { isRecord } from "./content.js";
import type { MatrixRequest } from "./e2ee.js";

/** A state change seen in /sync that matters for sending: encryption turned on, members coming and going. */
export interface StateChange {
  type: string;
  stateKey: string;
  content: Record<string, unknown>;
}

interface RoomFacts {
  encrypted: boolean;
  /** Joined or invited members: the people whose devices may get the room's keys. */
  members: Set<string>;
}

/**
 * What the transport must know about a room before sending into it: is it encrypted, and who is in
 * it. Fetched once per room, then kept current from the state events of each sync.
 */
export class RoomStates {
  private readonly rooms = new Map<string, RoomFacts>();

  constructor(private readonly request: MatrixRequest) {}

  async get(roomId: string): Promise<RoomFacts> {
    const known = this.rooms.get(roomId);
    if (known) return known;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;
    const encryption = await this.request("GET", `${path}/state/m.room.encryption/`).catch(() => null);
    const members = (await this.request("GET", `${path}/members`)) as { chunk?: unknown[] };
    const facts: RoomFacts = { encrypted: isRecord(encryption) && typeof encryption.algorithm === "string", members: new Set() };
    for (const event of members.chunk ?? []) {
      if (isRecord(event) && typeof event.state_key === "string" && isRecord(event.content)) {
        apply(facts, { type: "m.room.member", stateKey: event.state_key, content: event.content });
      }
    }
    this.rooms.set(roomId, facts);
    return facts;
  }

  /** Applies the state changes of a sync to a room already known. */
  update(roomId: string, changes: StateChange[]): void {
    const facts = this.rooms.get(roomId);
    if (!facts) return; // fetched in full the first time it is needed
    for (const change of changes) apply(facts, change);
  }

  isEncrypted(roomId: string): boolean | undefined {
    return this.rooms.get(roomId)?.encrypted;
  }
}

function apply(facts: RoomFacts, change: StateChange): void {
  if (change.type === "m.room.encryption" && typeof change.content.algorithm === "string") facts.encrypted = true;
  if (change.type === "m.room.member") {
    const membership = change.content.membership;
    if (membership === "join" || membership === "invite") facts.members.add(change.stateKey);
    else facts.members.delete(change.stateKey);
  }
}
