import type { RoomConfig } from "../config/schema.js";
import type { Diffusion } from "./report/diffusion.js";

/** What the policy needs to know about a report: where it comes from and how far it may go. */
export interface Classified {
  service: string;
  diffusion: Diffusion;
  /** Its reference: needed by rooms that see by grant (a matter room sees nothing without it). */
  ref?: string;
  /** A referent's contribution: never announced, even blind, to a room not entitled to it. */
  fromReferent?: boolean;
}

/**
 * THE diffusion policy: the single place that decides whether a room may see a report. Every
 * outbound path (confirmation, show, search, fan-out, digests, agendas, maps, alerts) asks it.
 *
 * - a service room sees its own service's reports, `cross` reports, `restreint` reports naming its
 *   service; the coordinator service's room sees everything;
 * - the coordination room gathers every service's leads: it sees `cross` reports only;
 * - the triage room belongs to the coordinator: it sees what the coordinator sees.
 */
export function roomMaySee(report: Classified, room: Pick<RoomConfig, "kind" | "service">, coordinatorService: string): boolean {
  if (room.kind === "triage") return true;
  if (room.kind === "coordination") return report.diffusion.level === "cross";
  const service = room.service;
  if (!service) return false;
  if (service === coordinatorService || service === report.service) return true;
  if (report.diffusion.level === "cross") return true;
  if (report.diffusion.level === "restreint") return report.diffusion.services.includes(service);
  return false;
}

/** The rooms entitled to a report, among the configured ones. */
export function entitledRooms<R extends Pick<RoomConfig, "kind" | "service">>(
  report: Classified,
  rooms: readonly R[],
  coordinatorService: string,
): R[] {
  return rooms.filter((room) => roomMaySee(report, room, coordinatorService));
}

/**
 * Follow-up actions belong to the cell: the owner service's room, the coordinator's rooms
 * (coordinator service, coordination, triage) see them — and an action tied to a report is seen
 * only where that report may be seen.
 */
export function roomMaySeeAction(
  action: { service: string; report: Classified | null },
  room: Pick<RoomConfig, "kind" | "service">,
  coordinatorService: string,
): boolean {
  if (action.report && !roomMaySee(action.report, room, coordinatorService)) return false;
  if (room.kind !== "service") return true;
  return room.service === coordinatorService || room.service === action.service;
}
