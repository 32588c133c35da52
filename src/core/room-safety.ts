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

/**
 * Whether a person may be in a configured room (entitlement is per person, not only per room): a
 * service room holds its service and the coordinator's; the coordination room every member
 * service; the triage room the coordinator's service. Referents and strangers belong to none.
 */
export function mayBeInRoom(
  person: { kind: "coordinator" | "officer" | "referent"; userId?: string; service?: { key: string } } | null,
  room: { kind: "service" | "coordination" | "triage" | "matter"; service?: string | null | undefined; referent?: string },
): boolean {
  // A matter room: its referent and the coordinator's people, nobody else.
  if (room.kind === "matter")
    return person?.kind === "coordinator" || (person?.kind === "referent" && person.userId === room.referent);
  if (!person || person.kind === "referent") return false;
  if (person.kind === "coordinator") return true;
  if (room.kind === "coordination") return true;
  if (room.kind === "triage") return false;
  return person.service?.key === room.service;
}
