import type { Identity, KnownRoom } from "../core/directory.js";
import { code, line, message, type Message, strong } from "../core/message.js";
import { mayBeInRoom, unsafeChange } from "../core/room-safety.js";
import type { Logger } from "../log.js";
import type { StateChange } from "../matrix/room-state.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";

export interface SafetyDeps {
  roomById(roomId: string): KnownRoom | undefined;
  identify(userId: string): Identity | null;
  botUserId: string;
  frozen: Pick<FrozenRooms, "intruderJoined" | "intruderLeft">;
  /** The freeze procedure (`app/room-freeze.ts`): true when the room was not frozen yet. */
  freeze(roomKey: string, reason: string, at: number): Promise<boolean>;
  log: Logger;
}

/**
 * A configured room made public, opened to all readers or upgraded — or joined by someone not
 * entitled to it — is frozen at once: the policy then lets it see nothing (no card, no search, no
 * digest), what it was sent is taken back, and the coordinator is told, once.
 */
export function createSafetyHandler(deps: SafetyDeps) {
  return async function handleStateChange(roomId: string, change: StateChange): Promise<void> {
    const room = deps.roomById(roomId);
    if (!room) return;
    const at = Date.now();
    const reason = unsafeChange(change) ?? (await intruder(room, change, at));
    if (!reason) return;
    if (await deps.freeze(room.key, reason, at)) deps.log.warn({ room: room.key, roomId, reason }, "room frozen");
  };

  async function intruder(room: KnownRoom, change: StateChange, at: number): Promise<string | null> {
    if (change.type !== "m.room.member" || change.stateKey === deps.botUserId) return null;
    const person = deps.identify(change.stateKey);
    if (change.content.membership !== "join") {
      await deps.frozen.intruderLeft(room.key, change.stateKey);
      return null;
    }
    if (mayBeInRoom(person, room)) return null;
    await deps.frozen.intruderJoined(room.key, change.stateKey, at);
    return `${change.stateKey} l'a rejoint sans y être habilité${person?.kind === "referent" ? " (référent)" : ""}`;
  }
}

export function frozenAlert(roomKey: string, reason: string): Message {
  return message(
    line("⚠️ ", strong(`Salon « ${roomKey} » gelé`), ` : ${reason}.`),
    line("Plus aucun renseignement n'y est diffusé ni consultable, et ce qui y a été diffusé est retiré."),
    line("Après vérification (et départ des personnes non habilitées) : ", code(`!degeler ${roomKey}`), "."),
  );
}
