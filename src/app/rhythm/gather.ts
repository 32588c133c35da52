import type { CaptureDeps } from "../capture-deps.js";
import type { RoomConfig } from "../../config/schema.js";
import type { CommuneIndex } from "../../core/fr/communes.js";
import { type Listing, listedSince } from "../../core/rhythm/summary.js";
import type {
  NotableList,
  PeriodCounts,
  PeriodSummary,
  ReportGroup,
  RhythmAction,
  RhythmMatch,
} from "../../core/rhythm/types.js";
import type { StoredGroup } from "../../store/reports.js";
import type { RhythmStore } from "../../store/rhythm.js";
import { parseClassKey } from "../../store/territory.js";
import { diffusionOf } from "../../territory/service.js";

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
  /**
   * THE policy, asked once per diffusion class (service × level × services) for one room and one
   * command: every report of a class is seen or not seen alike, as the policy is given nothing else.
   */
  const classPolicy = (room: RoomConfig) => {
    const decided = new Map<string, boolean>();
    return (classKey: string | null): boolean => {
      if (classKey === null) return false;
      let may = decided.get(classKey);
      if (may === undefined) {
        const c = parseClassKey(classKey);
        const diffusion = diffusionOf(c);
        may = diffusion !== null && deps.capture.roomMaySee({ service: c.service, diffusion }, room.key);
        decided.set(classKey, may);
      }
      return may;
    };
  };
  const actionVisible = async (action: RhythmAction, roomKey: string): Promise<boolean> => {
    const report = action.ref ? await deps.capture.reports.byRef(action.ref) : undefined;
    const classified = report ? { service: report.service, diffusion: report.fields.diffusion } : null;
    return deps.capture.roomMaySeeAction({ service: action.service, report: classified }, roomKey);
  };
  return {
    /**
     * The notable reports stored in [from, to) that the room may see (well graded, or one of
     * `matched`: the references of the matches it sees), counted and the most recent listed, in SQL.
     */
    async notable(roomKey: string, from: number, to: number, matched: readonly string[]): Promise<NotableList> {
      const room = deps.room(roomKey);
      if (!room) return { count: 0, recent: [] };
      const classes = (await deps.capture.reports.periodClasses(from)).filter(classPolicy(room));
      return deps.capture.reports.periodNotable(from, to, classes, matched);
    },
    /**
     * The reports stored in [from, to) that the room may see, summarised (in SQL) as `summarise`
     * makes it: counted per status, commune and type; the references of the lines the message lists
     * (`listings`: read only those, see `listedSince`; absent: every group's most recent); the
     * recurring entities, unless `entities` is false (a digest, and an agenda with the strategy's
     * proposals, list none).
     */
    async summary(
      roomKey: string,
      from: number,
      to: number,
      { entities: withEntities = true, listings }: { entities?: boolean; listings?: readonly Listing[] } = {},
    ): Promise<PeriodSummary> {
      const room = deps.room(roomKey);
      if (!room) return { groups: [], entities: [] };
      const reports = deps.capture.reports;
      const classes = (await reports.periodClasses(from)).filter(classPolicy(room));
      const head = (g: StoredGroup): Omit<ReportGroup, "recent"> => {
        const known = deps.communes.byCode(g.commune);
        const { status, type, count, last } = g;
        // Named below by the group's most recent listed report; one listed nowhere keeps the official name.
        const commune = { code: g.commune, nom: known?.nom ?? g.commune };
        return { status, type, commune, arrondissement: known?.arrondissement ?? null, count, last };
      };
      const [stored, entities] = await Promise.all([
        // Counts and references from one snapshot: they agree whatever is written meanwhile. Every
        // group's most recent references when no listing is given: each group its own line.
        reports.periodSummary(from, to, classes, (groups) =>
          listings ? listedSince(groups.map(head), listings) : groups.map(() => -Infinity),
        ),
        withEntities ? reports.periodEntities(from, to, classes) : [],
      ]);
      const groups = stored.map(({ recent: refs, ...counted }): ReportGroup => {
        const g = head(counted);
        const code = g.commune.code;
        return {
          ...g,
          commune: refs.length > 0 ? { code, nom: refs[refs.length - 1]!.nom } : g.commune,
          recent: refs.map((r) => ({ ref: r.ref, service: r.service, createdAt: r.createdAt, commune: { code, nom: r.nom } })),
        };
      });
      return { groups, entities };
    },
    /** Active reports stored in [from, to) that the room may see, counted (in SQL) by commune and type. */
    async counts(roomKey: string, from: number, to: number): Promise<PeriodCounts> {
      const counts: PeriodCounts = { byCommune: new Map(), byType: new Map() };
      const room = deps.room(roomKey);
      if (!room) return counts;
      const classes = (await deps.capture.reports.periodClasses(from)).filter(classPolicy(room));
      for (const row of await deps.capture.reports.periodCounts(from, to, classes)) {
        counts.byCommune.set(row.commune, (counts.byCommune.get(row.commune) ?? 0) + row.count);
        counts.byType.set(row.type, (counts.byType.get(row.type) ?? 0) + row.count);
      }
      return counts;
    },
    /** Matches the room is entitled to see in full: both reports visible. */
    async matches(roomKey: string, from: number, to: number): Promise<RhythmMatch[]> {
      const room = deps.room(roomKey);
      if (!room) return [];
      const visible = classPolicy(room);
      return (await deps.capture.reports.periodMatches(from, to))
        .filter((m) => visible(m.a.classKey) && visible(m.b.classKey))
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
