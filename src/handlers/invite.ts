import type { Directory } from "../core/directory.js";
import type { Logger } from "../log.js";
import type { InboundInvite, Transport } from "../matrix/transport.js";
import type { Metrics } from "../metrics.js";

export type InviteDecision = { join: true } | { join: false; reason: string };

/** Pure: the bot joins a room only when it is configured and a coordinator member invites it. */
export function decideInvite(
  invite: InboundInvite,
  directory: Pick<Directory, "isCoordinatorMember">,
  isConfiguredRoom: (roomId: string) => boolean,
): InviteDecision {
  if (!invite.inviter || !directory.isCoordinatorMember(invite.inviter)) {
    return { join: false, reason: "inviter is not a member of the coordinator service" };
  }
  if (!isConfiguredRoom(invite.roomId)) return { join: false, reason: "room is not in the configuration" };
  return { join: true };
}

export interface InviteHandlerDeps {
  directory: Directory;
  isConfiguredRoom(roomId: string): boolean;
  transport: Pick<Transport, "joinRoom" | "leaveRoom">;
  log: Logger;
  metrics: Metrics;
}

export function createInviteHandler(deps: InviteHandlerDeps) {
  return async function handleInvite(invite: InboundInvite): Promise<void> {
    const decision = decideInvite(invite, deps.directory, deps.isConfiguredRoom);
    if (decision.join) {
      await deps.transport.joinRoom(invite.roomId);
      deps.metrics.invites.inc({ decision: "accepted" });
      deps.log.info({ roomId: invite.roomId, inviter: invite.inviter }, "invite accepted");
      return;
    }
    await deps.transport.leaveRoom(invite.roomId, "Invitation refusée par le bot de la CROSS");
    deps.metrics.invites.inc({ decision: "declined" });
    deps.log.warn({ roomId: invite.roomId, inviter: invite.inviter, reason: decision.reason }, "invite declined");
  };
}
