import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** The bot's Prometheus metrics, one registry per bot instance (tests run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "crossbot_" });
  return {
    registry,
    commands: new Counter({
      name: "crossbot_commands_total",
      help: "Commands received, by command and outcome",
      labelNames: ["command", "outcome"] as const,
      registers: [registry],
    }),
    duplicateEvents: new Counter({
      name: "crossbot_duplicate_events_total",
      help: "Events delivered again (restart, lost sync token) and skipped thanks to the ledger",
      registers: [registry],
    }),
    undecryptable: new Counter({
      name: "crossbot_undecryptable_events_total",
      help: "Encrypted events the bot could not decrypt",
      registers: [registry],
    }),
    pendingDecryption: new Gauge({
      name: "crossbot_undecryptable_pending",
      help: "Encrypted events kept until their room key arrives",
      registers: [registry],
    }),
    invites: new Counter({
      name: "crossbot_invites_total",
      help: "Room invites, by decision",
      labelNames: ["decision"] as const,
      registers: [registry],
    }),
    diffusions: new Counter({
      name: "crossbot_diffusions_total",
      help: "Outbox rows processed by the diffusion worker, by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    relayFailures: new Counter({
      name: "crossbot_diffusion_relay_failures_total",
      help: "Times the outbox relay could not reach the queue (Redis down)",
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "crossbot_dead_letters_total",
      help: "Events set aside after repeated failures to answer them",
      registers: [registry],
    }),
    syncFailures: new Counter({
      name: "crossbot_sync_failures_total",
      help: "Failed /sync requests",
      registers: [registry],
    }),
    lastSync: new Gauge({
      name: "crossbot_last_sync_timestamp_seconds",
      help: "Unix time of the last successful sync",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
