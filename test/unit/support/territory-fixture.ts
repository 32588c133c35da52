import { buildCapture } from "../../../src/app/capture.js";
import type { CaptureDeps } from "../../../src/app/capture-deps.js";
import { loadConfig } from "../../../src/config/load.js";
import { Directory } from "../../../src/core/directory.js";
import type { Diffusion } from "../../../src/core/report/diffusion.js";
import type { Grade } from "../../../src/core/report/grading.js";
import type { ReportFields } from "../../../src/core/report/report.js";
import { Database } from "../../../src/store/db.js";
import { migrate } from "../../../src/store/migrations.js";
import { TerritoryStore } from "../../../src/store/territory.js";
import { territory } from "../../../src/territory/service.js";
import { RhythmStore } from "../../../src/store/rhythm.js";
import { StrategyStore } from "../../../src/store/strategy.js";
import { strategy } from "../../../src/strategy/service.js";
import { strategySettings } from "../../../src/strategy/settings.js";
import { rawConfig } from "../fixtures/cell.js";

/** A cell whose first service is the coordinator's, each service with its room, plus coordination and triage. */
export function cellConfig(services: string[]) {
  return loadConfig(rawConfig(services, "CROSS des Vosges"), { MATRIX_ACCESS_TOKEN: "x" });
}

export interface FactSpec {
  service: string;
  commune: string;
  /** The commune's name as the report gives it (default: its code). */
  nom?: string;
  type?: string;
  observedAt: number;
  diffusion?: Diffusion;
  place?: string | null;
  address?: string;
  cancelled?: boolean;
  grade?: Grade;
}

export const fieldsOf = (f: FactSpec): ReportFields => ({
  type: f.type ?? "point_de_deal",
  commune: { code: f.commune, nom: f.nom ?? f.commune },
  place: f.place ?? null,
  observedAt: new Date(f.observedAt).toISOString(),
  observedPrecision: "minute",
  grade: f.grade ?? { reliability: "B", credibility: 2 },
  diffusion: f.diffusion ?? { level: "cross" },
  substances: [],
  peopleCount: null,
  entities: f.address ? [{ kind: "address", value: f.address.toLowerCase(), display: f.address }] : [],
  text: "fait",
});

/** A real store (migrations, report store), with facts written by the report store itself. */
export async function territoryFixture(services: string[], facts: readonly FactSpec[], frozen: readonly string[] = []) {
  const config = cellConfig(services);
  const directory = new Directory(config);
  const db = await Database.open(":memory:");
  await migrate(db);
  const capture: CaptureDeps = buildCapture(
    config,
    db,
    directory,
    async () => ({ rooms: 0, pending: false }),
    async () => undefined,
    (key) => frozen.includes(key),
  );
  for (const [i, f] of facts.entries()) {
    const { report } = await capture.write.create({
      sourceEventId: `$f${i}`,
      roomId: `!${f.service}`,
      roomKey: f.service,
      service: f.service,
      author: `@${f.service}:t`,
      fields: fieldsOf(f),
      at: f.observedAt + 60_000,
    });
    if (f.cancelled) await capture.write.withdraw(report, report.author, f.observedAt + 120_000, `$c${i}`, null);
  }
  const service = territory({
    store: new TerritoryStore(db),
    roomMaySee: capture.roomMaySee,
    cellName: config.cross.name,
    timeZone: config.cross.timezone,
    types: capture.vocabulary.types,
  });
  return {
    config,
    directory,
    db,
    capture,
    territory: service,
    strategy: strategy({
      territory: new TerritoryStore(db),
      store: new StrategyStore(db),
      rhythm: new RhythmStore(db),
      roomMaySee: capture.roomMaySee,
      roomMaySeeAction: capture.roomMaySeeAction,
      types: capture.vocabulary.types,
      settings: strategySettings(config),
    }),
  };
}
