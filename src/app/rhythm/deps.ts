import type { CaptureDeps } from "../capture-deps.js";
import type { AgendaStrategy } from "../../core/rhythm/agenda.js";
import type { RhythmContext } from "../../core/rhythm/types.js";
import type { RhythmStore } from "../../store/rhythm.js";
import type { Gatherer } from "./gather.js";

/** What the rhythm commands need: the stores, the policy-filtered gatherer, the cell's context. */
export interface RhythmDeps {
  rhythm: RhythmStore;
  gather: Gatherer;
  context(now: number): RhythmContext;
  services: readonly string[];
  /** The room of a service (where its reminders go). */
  serviceRoom(service: string): string | undefined;
  /** Top strategy proposals and assessments of adopted ones, as `roomKey` may see them (issue 13). */
  strategy?(roomKey: string, now: number): Promise<AgendaStrategy>;
}

export type WithRhythm = { rhythm: RhythmDeps; capture: CaptureDeps };
