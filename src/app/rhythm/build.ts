import type { Config } from "../../config/load.js";
import type { Directory } from "../../core/directory.js";
import type { CommuneIndex } from "../../core/fr/communes.js";
import type { AgendaStrategy } from "../../core/rhythm/agenda.js";
import type { RhythmStore } from "../../store/rhythm.js";
import type { CaptureDeps } from "../capture-deps.js";
import type { RhythmDeps } from "./deps.js";
import { gatherer } from "./gather.js";

/**
 * The rhythm services (digests, agendas, actions) for this cell: the store, the policy-filtered
 * gatherer and the cell's context. Built the same way by the bot and by the benchmarks.
 */
export function buildRhythm(inputs: {
  config: Pick<Config, "cross" | "services">;
  directory: Pick<Directory, "room" | "coordinatorService" | "serviceRoom">;
  capture: CaptureDeps;
  store: RhythmStore;
  communes: CommuneIndex;
  /** Citizen tips waiting for triage (the coordinator's agenda counts them). */
  pendingTips?: () => Promise<number>;
  /** The strategy section of agendas (issue 13), when the cell has it. */
  strategy?: (roomKey: string, now: number) => Promise<AgendaStrategy>;
}): RhythmDeps {
  const { config, directory, capture, store, communes } = inputs;
  return {
    rhythm: store,
    gather: gatherer({
      capture,
      rhythm: store,
      communes,
      room: (key) => directory.room(key),
      coordinatorService: directory.coordinatorService.key,
      ...(inputs.pendingTips ? { pendingTips: inputs.pendingTips } : {}),
    }),
    context: (now) => ({
      now,
      timeZone: config.cross.timezone,
      vocabulary: capture.vocabulary,
      arrondissementName: (code) => communes.arrondissementName(code),
      cellName: config.cross.name,
    }),
    services: config.services.map((s) => s.key),
    serviceRoom: (service) => directory.serviceRoom(service)?.key,
    ...(inputs.strategy ? { strategy: inputs.strategy } : {}),
  };
}
