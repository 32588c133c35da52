/**
 * Who hears of a match, and how (the product: "the services concerned and the coordinator are
 * alerted"). The planner gives a match a row for every service room entitled to both reports and
 * for the room of each report's service; that row is, for its room:
 *
 * - an **alert** (a room-level message, at alert priority) in the room of either report's service
 *   — full, or blind where the room may not see the other report — and in the coordinator
 *   service's room;
 * - a **note** (at update priority, in the thread of the room's card of the new report) in any
 *   other room entitled to both: it learns of the match without a room-level alert.
 *
 * What the room may see is still decided at delivery, by the bound policy; this only says how.
 */
export type MatchRole = "alert" | "note";

export function matchRole(
  roomService: string | undefined,
  services: readonly [string, string],
  coordinatorService: string,
): MatchRole {
  if (roomService === undefined) return "note";
  return roomService === coordinatorService || services.includes(roomService) ? "alert" : "note";
}
