import type { Message } from "../core/message.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { FrozenRooms } from "../store/frozen-rooms.js";
import { takeBack, type TakeBackDeps } from "./take-back.js";

export interface RoomFreezeDeps extends TakeBackDeps {
  frozen: Pick<FrozenRooms, "freeze">;
  transport: Pick<Transport, "redact" | "send">;
  journal(entry: NewAuditEntry): Promise<void>;
  roomIdOf(roomKey: string): string | undefined;
  /** The coordinator service's room, where the alert goes. */
  coordinatorRoomKey: string | undefined;
  alert(roomKey: string, reason: string): Message;
}

/**
 * A room became unsafe (made public, history opened, upgraded, or someone not entitled joined):
 * from now on the policy lets it see nothing; everything it was sent about reports is taken back;
 * the freeze is journaled and the coordinator alerted — once, even if the cause repeats.
 * Returns false when the room was already frozen.
 */
export async function freezeRoom(deps: RoomFreezeDeps, roomKey: string, reason: string, at: number): Promise<boolean> {
  if (!(await deps.frozen.freeze(roomKey, reason, at))) return false;
  await deps.journal({ at, actor: "bot", action: "communicate", ref: null, room: roomKey, detail: `salon gelé : ${reason}` });
  const roomId = deps.roomIdOf(roomKey);
  if (roomId) await takeBack(deps, { key: roomKey, id: roomId }, "Salon gelé");
  const target =
    deps.coordinatorRoomKey && deps.coordinatorRoomKey !== roomKey ? deps.roomIdOf(deps.coordinatorRoomKey) : undefined;
  if (target)
    await deps.transport.send(target, "m.room.message", noticeContent(deps.alert(roomKey, reason)), `frozen:${roomKey}:${at}`);
  return true;
}
