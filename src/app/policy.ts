import type { Directory } from "../core/directory.js";
import { type Classified, roomMaySee, roomMaySeeAction } from "../core/policy.js";
import type { MatterStore } from "../store/matters.js";

/**
 * THE diffusion policy, bound once to this cell: its configured rooms, the rooms frozen for safety
 * and the rooms the bot created (which see exactly their running grants). Every outbound path asks
 * it — fan-out and delivery, confirmations, `!voir`, `!cherche`, `!fiche`, `!audit`, digests,
 * agendas, maps, strategy, reminders, alerts. The rule itself stays pure in `core/policy.ts`.
 */
export interface BoundPolicy {
  /** May the room `roomKey` see this report at `at` (now by default)? */
  maySee(report: Classified, roomKey: string, at?: number): boolean;
  /** The same for a follow-up action (an action tied to a report follows the report). */
  maySeeAction(action: { service: string; report: Classified | null }, roomKey: string, at?: number): boolean;
}

export interface PolicyInputs {
  directory: Pick<Directory, "room" | "coordinatorService">;
  /** A frozen room (made public, upgraded, a stranger in it) may see nothing at all. */
  isFrozen(roomKey: string): boolean;
  /** Rooms the bot created and their grants; null when the cell has none. */
  matters: Pick<MatterStore, "byKey" | "allows"> | null;
  clock?: () => number;
}

export function bindPolicy(inputs: PolicyInputs): BoundPolicy {
  const { directory, isFrozen, matters } = inputs;
  const clock = inputs.clock ?? Date.now;
  const coordinator = directory.coordinatorService.key;
  const maySee: BoundPolicy["maySee"] = (report, roomKey, at = clock()) => {
    if (isFrozen(roomKey)) return false;
    if (matters?.byKey(roomKey)) return matters.allows(roomKey, report.ref, at);
    const room = directory.room(roomKey);
    return room !== undefined && roomMaySee(report, room, coordinator);
  };
  const maySeeAction: BoundPolicy["maySeeAction"] = (action, roomKey) => {
    // A matter room sees no action, only the reports granted to it; a frozen room sees nothing.
    if (isFrozen(roomKey) || matters?.byKey(roomKey)) return false;
    const room = directory.room(roomKey);
    return room !== undefined && roomMaySeeAction(action, room, coordinator);
  };
  return { maySee, maySeeAction };
}
