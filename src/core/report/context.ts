import type { CommuneIndex } from "../fr/communes.js";
import type { FactType } from "./fact-types.js";
import type { FreeWord } from "./vocabulary.js";

/** What reading a report line needs to know: the moment, the cell's zone, its communes, types and words. */
export interface CaptureContext {
  now: Date;
  timeZone: string;
  maxAgeDays: number;
  communes: Pick<CommuneIndex, "resolve" | "lookup">;
  types: readonly FactType[];
  services: readonly string[];
  /** Words that name a type in a free-form line; by default the types' names and DEFAULT_FREE_WORDS. */
  vocabulary?: readonly FreeWord[];
}
