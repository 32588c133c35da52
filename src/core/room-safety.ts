/**
 * Whether a room state change makes a room unsafe for intelligence: anyone could join it, anyone
 * could read its history, or it was replaced by another room (an upgrade must not carry clearance
 * over by itself). Pure; the answer is the reason, in French, for the coordinator.
 */
export function unsafeChange(change: { type: string; stateKey: string; content: Record<string, unknown> }): string | null {
  if (change.stateKey !== "") return null;
  if (change.type === "m.room.join_rules" && change.content.join_rule === "public") return "le salon est devenu public";
  if (change.type === "m.room.history_visibility" && change.content.history_visibility === "world_readable") {
    return "l'historique du salon est devenu lisible par tous";
  }
  if (change.type === "m.room.tombstone") return "le salon a été remplacé (mise à niveau)";
  return null;
}
