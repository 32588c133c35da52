import type { CaptureDeps } from "../capture-deps.js";
import type { RoomConfig } from "../../config/schema.js";
import type { CommuneIndex } from "../../core/fr/communes.js";
import type { RhythmAction, RhythmMatch, RhythmReport } from "../../core/rhythm/types.js";
import type { RhythmStore } from "../../store/rhythm.js";
import type { StoredReport } from "../../store/reports.js";

export interface GatherDeps {
  capture: CaptureDeps;
  rhythm: RhythmStore;
  communes: Pick<CommuneIndex, "byCode">;
  room(key: string): RoomConfig | undefined;
  coordinatorService: string;
  /** Citizen tips awaiting a decision (src/store/tips.ts); absent: 0. */
  pendingTips?: () => Promise<number>;
}

/**
 * What one room may see of the cell's activity, for digests and agendas: every item passes the
 * diffusion policy here, before any builder sees it.
 */
export function gatherer(deps: GatherDeps) {
  const visible = (report: StoredReport, room: RoomConfig) =>
    deps.capture.roomMaySee({ service: report.service, diffusion: report.fields.diffusion }, room.key);
  const toRhythm = (report: StoredReport): RhythmReport => ({
    ref: report.ref,
    service: report.service,
    status: report.status,
    createdAt: report.createdAt,
    fields: report.fields,
    arrondissement: deps.communes.byCode(report.fields.commune.code)?.arrondissement ?? null,
  });
  const actionVisible = async (action: RhythmAction, roomKey: string): Promise<boolean> => {
    const report = action.ref ? await deps.capture.reports.byRef(action.ref) : undefined;
    const classified = report ? { service: report.service, diffusion: report.fields.diffusion } : null;
    return deps.capture.roomMaySeeAction({ service: action.service, report: classified }, roomKey);
  };
  return {
    async reports(roomKey: string, from: number, to: number): Promise<RhythmReport[]> {
      const room = deps.room(roomKey);
      if (!room) return [];
      return (await deps.capture.reports.createdBetween(from, to)).filter((r) => visible(r, room)).map(toRhythm);
    },
    /** Matches the room is entitled to see in full: both reports visible. */
    async matches(roomKey: string, from: number, to: number): Promise<RhythmMatch[]> {
      const room = deps.room(roomKey);
      if (!room) return [];
      return (await deps.capture.reports.matchesBetween(from, to))
        .filter((m) => visible(m.a, room) && visible(m.b, room))
        .map((m) => ({
          refs: [m.a.ref, m.b.ref],
          entity: { kind: m.kind, display: m.display },
          createdAt: m.createdAt,
          crossService: m.a.service !== m.b.service,
        }));
    },
    async actions(roomKey: string): Promise<RhythmAction[]> {
      const room = deps.room(roomKey);
      if (!room) return [];
      const result: RhythmAction[] = [];
      for (const action of await deps.rhythm.openActions()) if (await actionVisible(action, room.key)) result.push(action);
      return result;
    },
    /** Whether the room may see this action now (its report as it is now: a narrowed report hides it). */
    actionVisible,
    /** Citizen tips are the coordinator's: other rooms do not even see the count. */
    async tips(roomKey: string): Promise<number | null> {
      const room = deps.room(roomKey);
      const coordinatorRoom = room?.kind === "triage" || room?.service === deps.coordinatorService;
      return coordinatorRoom ? ((await deps.pendingTips?.()) ?? 0) : null;
    },
  };
}

export type Gatherer = ReturnType<typeof gatherer>;
