import type { Inboxed } from "../store/audit.js";
import type { Config } from "../config/load.js";
import { CommuneIndex } from "../core/fr/communes.js";
import type { Directory } from "../core/directory.js";
import { bindPolicy } from "./policy.js";
import { type DiffusionStatus, reportService } from "./reports.js";
import { type Classified, entitledRooms } from "../core/policy.js";
import { DEFAULT_FACT_TYPES } from "../core/report/fact-types.js";
import { freeWords } from "../core/report/vocabulary.js";
import type { Database, Queries, Snapshots } from "../store/db.js";
import { DialogueStore } from "../store/dialogues.js";
import type { DiffusionPlanner } from "../store/outbox.js";
import { ReportStore } from "../store/reports.js";
import type { MatterStore } from "../store/matters.js";
import type { CaptureDeps } from "./capture-deps.js";

/** Builds the capture services from the configuration: the stores, the vocabulary, the policy. */
export function buildCapture(
  config: Config,
  db: Database,
  directory: Directory,
  /** Hands a version's outbox rows to the diffusion queue; says where they go. */
  announceDiffusion: (reportId: number, version: number, rooms?: number) => Promise<DiffusionStatus>,
  journal: CaptureDeps["journal"],
  isFrozen: (roomKey: string) => boolean = () => false,
  /** Rooms the bot created: they see exactly their running grants. */
  matters: Pick<MatterStore, "byKey" | "allows" | "roomsGranted"> | null = null,
  clock: () => number = Date.now,
  /** Several entries in one transaction (AuditJournal.appendMany); absent: one `journal` call each. */
  journalMany?: CaptureDeps["journalMany"],
  /**
   * A report write's journal entry, committed in its journal inbox, handed to the audit journal's
   * batches (AuditJournal.enqueue); absent: appended through `journal` after the commit.
   */
  journalInboxed?: (item: Inboxed) => void,
  /** Read-only connections for the period reads of digests and agendas (`ReadPool`); absent: `db`. */
  reads?: Queries & Snapshots,
): CaptureDeps {
  const communes = CommuneIndex.vosges();
  const types = config.capture.types ?? DEFAULT_FACT_TYPES;
  const services = config.services.map((s) => s.key);
  const vocabulary = freeWords(types, config.capture.vocabulary);
  const serviceNames = new Map(config.services.map((s) => [s.key, s.name]));
  const coordinator = directory.coordinatorService.key;
  const policy = bindPolicy({ directory, isFrozen, matters, clock });
  const reports = new ReportStore(
    db,
    config.cross.departement,
    diffusionPlanner(config, coordinator, matters ? (ref) => matters.roomsGranted(ref, clock()) : undefined),
    {
      entryFor: (report, change, by, at, note) => ({
        at,
        actor: by,
        action: change === "create" ? "collect" : change === "cancel" ? "cancel" : "modify",
        ref: report.ref,
        room: report.roomKey,
        // The creating event is kept with the collection: a restore from backup reads it to keep
        // each announced reference for the event that created it.
        detail: `${change} v${report.version}${change === "create" ? ` · ${report.sourceEventId}` : ""}${note ? ` (${note.slice(0, 200)})` : ""}`,
      }),
      // The running bot hands the entry to the journal's batches; without them, it is appended now.
      committed: journalInboxed ?? ((item) => journal(item.entry)),
    },
    reads,
  );
  return {
    reports,
    write: reportService(reports, announceDiffusion),
    dialogues: new DialogueStore(db),
    captureContext: (now) => ({
      now,
      timeZone: config.cross.timezone,
      maxAgeDays: config.capture.max_age_days,
      communes,
      types,
      services,
      vocabulary,
    }),
    vocabulary: { timeZone: config.cross.timezone, types, serviceName: (key) => serviceNames.get(key) ?? key },
    dialogueTimeoutMs: config.capture.dialogue_timeout_minutes * 60_000,
    roomMaySee: policy.maySee,
    roomMaySeeAction: policy.maySeeAction,
    isCoordinator: (userId) => directory.isCoordinatorMember(userId),
    journal,
    ...(journalMany ? { journalMany } : {}),
  };
}

/**
 * The policy, applied to the configured rooms, for what the bot pushes. Cards go to the service
 * rooms entitled to a report (the coordination and triage rooms can still search and consult).
 * A match gets a row for every service room entitled to both reports, and for the room of each
 * report's service (which may learn only that a match exists: blind deconfliction, decided at
 * delivery). Not every such room is alerted (`src/core/diffusion/match-audience.ts`): the rooms of
 * the two services and the coordinator's room (a service room of the coordinator's service, which
 * the policy lets see every report, so it is always among those entitled to both) get the alert;
 * any other room entitled to both learns of the match quietly, in the thread of its card of the
 * new report. The delivery asks the policy again for each, alert or note.
 */
export function diffusionPlanner(
  config: Pick<Config, "rooms">,
  coordinator: string,
  granted: (ref: string) => string[] = () => [],
): DiffusionPlanner {
  const serviceRooms = config.rooms.filter((room) => room.kind === "service");
  const keysFor = (report: Classified) => entitledRooms(report, serviceRooms, coordinator).map((room) => room.key);
  const originRoom = (report: Classified) => serviceRooms.find((room) => room.service === report.service)?.key;
  return {
    // A report shared with matter rooms also goes there (its updates reach the referent).
    roomsFor: (report, origin) =>
      [...keysFor(report), ...(report.ref ? granted(report.ref) : [])].filter((key) => key !== origin),
    roomsForMatch: (a, b) => {
      const both = keysFor(a).filter((key) => keysFor(b).includes(key));
      // Blind deconfliction tells a report's own service that a match exists — except with a
      // referent's contribution, which reaches nobody beyond its entitled rooms (the coordinator's
      // until the coordinator diffuses it).
      const blind = [b.fromReferent ? undefined : originRoom(a), a.fromReferent ? undefined : originRoom(b)];
      return [...new Set([...both, ...blind].filter((key): key is string => key !== undefined))];
    },
  };
}
