import type { RoomConfig } from "../config/schema.js";
import { code, line, message, type Message, strong } from "../core/message.js";
import { unsafeChange } from "../core/room-safety.js";
import type { Logger } from "../log.js";
import type { StateChange } from "../matrix/room-state.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";

export interface SafetyDeps {
  roomById(roomId: string): RoomConfig | undefined;
  frozen: Pick<FrozenRooms, "freeze">;
  alert(roomKey: string, reason: string, at: number): Promise<void>;
  log: Logger;
}

/**
 * A configured room made public, opened to all readers or upgraded is frozen at once: the policy
 * then lets it see nothing (no card, no search, no digest), its cards are withdrawn, and the
 * coordinator is told — once.
 */
export function createSafetyHandler(deps: SafetyDeps) {
  return async function handleStateChange(roomId: string, change: StateChange): Promise<void> {
    const room = deps.roomById(roomId);
    const reason = unsafeChange(change);
    if (!room || !reason) return;
    const at = Date.now();
    if (!(await deps.frozen.freeze(room.key, reason, at))) return;
    deps.log.warn({ room: room.key, roomId, reason }, "room frozen");
    await deps.alert(room.key, reason, at);
  };
}

export function frozenAlert(roomKey: string, reason: string): Message {
  return message(
    line("⚠️ ", strong(`Salon « ${roomKey} » gelé`), ` : ${reason}.`),
    line("Plus aucun renseignement n'y est diffusé ni consultable, et ses fiches sont retirées."),
    line("Après vérification : ", code(`!degeler ${roomKey}`), "."),
  );
}
