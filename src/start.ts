import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { Redis } from "ioredis";
import { buildCapture } from "./app/capture.js";
import { buildRegistry, type CommandDeps } from "./commands/index.js";
import type { Config } from "./config/load.js";
import { Directory } from "./core/directory.js";
import { createInviteHandler } from "./handlers/invite.js";
import { createMessageHandler } from "./handlers/message.js";
import { startDialogueExpiry } from "./jobs/dialogue-expiry.js";
import { startJournalInbox } from "./jobs/journal-inbox.js";
import { startSearchIndexer } from "./jobs/search-index.js";
import { JournalInbox } from "./store/journal-inbox.js";
import { startAuditRetention } from "./jobs/audit-retention.js";
import { createSafetyHandler, frozenAlert } from "./handlers/safety.js";
import { freezeRoom } from "./app/room-freeze.js";
import { writePidFile } from "./ops/backup.js";
import { FrozenRooms } from "./store/frozen-rooms.js";
import { startRhythmJobs } from "./jobs/rhythm.js";
import { CommuneIndex } from "./core/fr/communes.js";
import { buildRhythm } from "./app/rhythm/build.js";
import { RhythmStore } from "./store/rhythm.js";
import { TerritoryStore } from "./store/territory.js";
import { meetingMap } from "./territory/meeting.js";
import { territory } from "./territory/service.js";
import { strategy } from "./strategy/service.js";
import { strategySettings } from "./strategy/settings.js";
import { StrategyStore } from "./store/strategy.js";
import { startDiffusion } from "./jobs/diffusion-queue.js";
import { RelayHandle } from "./app/relay-handle.js";
import { agendaStrategy } from "./app/rhythm/agenda-strategy.js";
import { KnownRooms } from "./app/known-rooms.js";
import { SendBudget } from "./jobs/send-budget.js";
import type { Logger } from "./log.js";
import { BotSdkTransport } from "./matrix/bot-sdk-transport.js";
import type { Transport } from "./matrix/transport.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { Database, ReadPool } from "./store/db.js";
import { migrate } from "./store/migrations.js";
import { AuditJournal, type NewAuditEntry } from "./store/audit.js";
import { OutboxStore } from "./store/outbox.js";
import { PendingDecryptionStore } from "./store/pending-decryption.js";
import { ReceiptStore } from "./store/receipts.js";
import { RetentionStore } from "./store/retention.js";
import { StorageHealth } from "./store/storage-health.js";
import { startReportRetention } from "./jobs/report-retention.js";
import { startOpsServer } from "./web/server.js";
import { startTipsIntake, type TipsIntake } from "./jobs/tips-queue.js";
import { TipStore } from "./store/tips.js";
import { MatterStore } from "./store/matters.js";
import { type MatterDeps, memberJoined } from "./app/matters.js";
import type { ContributionDeps } from "./app/contribution.js";
import { startMatterExpiry } from "./jobs/matter-expiry.js";

export interface StartDeps {
  log: Logger;
  /** Whether the bot can write; `main` shares it with its last-resort error handler. */
  storage?: StorageHealth;
  /** Replaces the Matrix transport (tests, shell); defaults to the matrix-bot-sdk one. */
  transport?: (receipts: ReceiptStore, metrics: Metrics) => Transport;
}

export interface BotHandle {
  httpPort: number;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * The composition root: opens the store, connects Redis, builds the command table and the
 * handlers, starts the Matrix transport and the ops endpoints. Returns handles; sends nothing itself.
 */
export async function start(config: Config, deps: StartDeps): Promise<BotHandle> {
  const { log } = deps;
  mkdirSync(config.storage.data_dir, { recursive: true });
  const storage =
    deps.storage ??
    new StorageHealth(config.storage.data_dir, (full, detail) =>
      full ? log.error({ detail }, "storage full: writes refused until space returns") : log.warn("storage writable again"),
    );
  const noteError = (error: unknown) => void storage.noteError(error);
  const removePidFile = writePidFile(config.storage.data_dir);
  const storePath = join(config.storage.data_dir, "cross.sqlite");
  const db = await Database.open(storePath, noteError);
  const schemaVersion = await migrate(db);
  // Maps, the strategy and the period reads of digests and agendas go through connections of their
  // own, beside the writes: two, so that the reads they issue together run side by side on a
  // 2-core machine (ReadPool).
  const reader = await ReadPool.open(storePath, 2, noteError);
  log.info({ schemaVersion, dataDir: config.storage.data_dir }, "store ready");

  const metrics = createMetrics();
  const receipts = new ReceiptStore(db);
  const redis = new Redis(config.redis.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 500, 5000),
  });
  redis.on("error", (error) => log.debug({ err: error.message }, "redis connection error"));

  const token = config.secrets.matrixAccessToken;
  if (!token) throw new Error("MATRIX_ACCESS_TOKEN (or MATRIX_ACCESS_TOKEN_FILE) is not set");
  const directory = new Directory(config);
  const cryptoDir = join(config.storage.data_dir, "crypto");
  // The fan-out's budget of Matrix calls (Tchap: about one per second), held on every 429.
  const sendBudget = new SendBudget({
    max: config.diffusion.rate_limit.max,
    durationMs: config.diffusion.rate_limit.per_seconds * 1000,
  });
  const transport =
    deps.transport?.(receipts, metrics) ??
    new BotSdkTransport({
      homeserverUrl: config.matrix.homeserver_url,
      accessToken: token,
      userId: config.matrix.bot_user_id,
      receipts,
      pending: new PendingDecryptionStore(db),
      encryption: config.matrix.encryption
        ? { storeDir: cryptoDir, passphrase: config.secrets.cryptoPassphrase ?? localPassphrase(cryptoDir) }
        : null,
      // Room keys go to the devices of configured people only, never to a stranger in the room.
      keyRecipients: (members) => members.filter((userId) => directory.identify(userId) !== null),
      storageError: (error) => storage.noteError(error),
      // A 429 on any call pauses the whole fan-out queue for the delay the homeserver asked.
      onRateLimited: (ms) => sendBudget.hold(ms),
      log,
      metrics,
    });

  const registry = buildRegistry();
  const rooms = await KnownRooms.resolve(config.rooms, transport, log);
  // Keeps this bot's queues apart from any other bot sharing the Redis.
  const namespace = createHash("sha256").update(config.matrix.bot_user_id).digest("hex").slice(0, 12);
  const audit = await AuditJournal.open(join(config.storage.data_dir, "audit.sqlite"), noteError);
  // Entries a stop or a crash left in the store's journal inbox reach the journal before anything else.
  const journalInbox = await startJournalInbox(new JournalInbox(db), audit, log);
  const journal = async (entry: NewAuditEntry) => {
    await audit.append(entry);
  };
  // The relay queues a quiet match note at update priority, an alert at alert priority.
  const outbox = new OutboxStore(db, {
    roomService: (key) => directory.room(key)?.service,
    coordinatorService: directory.coordinatorService.key,
  });
  const frozen = await FrozenRooms.load(db);
  const matterStore = await MatterStore.load(db);
  const relay = new RelayHandle();
  const capture = buildCapture(
    config,
    db,
    directory,
    async (reportId, version, planned) => {
      const relayed = await relay.kick();
      const rooms = planned ?? (await outbox.roomsForVersion(reportId, version));
      // The queue took everything due: this version's rows with it. Otherwise, count what waits.
      const waiting = !relayed.took || (!relayed.complete && (await outbox.pendingForReport(reportId)) > 0);
      return { rooms, pending: waiting };
    },
    journal,
    (roomKey) => frozen.has(roomKey),
    matterStore,
    Date.now,
    (entries) => audit.appendMany(entries),
    (item) => audit.enqueue(item),
    reader,
  );
  const communes = CommuneIndex.vosges();
  const rhythmStore = new RhythmStore(db);
  const tipStore = new TipStore(db);
  const triageRoomKey = config.rooms.find((r) => r.kind === "triage")?.key ?? "triage";
  const tipCard = {
    timeZone: config.cross.timezone,
    typeLabel: (key: string) => capture.vocabulary.types.find((t) => t.key === key)?.label ?? key,
  };
  let tipsIntake: TipsIntake | null = null;
  // Rooms the bot created are known like configured ones, after a restart too.
  for (const matter of matterStore.all()) rooms.register(matter);
  const referentNames = new Map(config.referents.map((r) => [r.user_id, r.name]));
  const matterDeps: MatterDeps = {
    matters: matterStore,
    reports: capture.reports,
    outbox,
    transport,
    journal,
    referentName: (userId) => referentNames.get(userId),
    registerRoom: (matter) => rooms.register(matter),
    relay: () => void relay.kick(),
    timeZone: config.cross.timezone,
    vocabulary: capture.vocabulary,
    isFrozen: (roomKey) => frozen.has(roomKey),
    isCoordinator: (userId) => directory.isCoordinatorMember(userId),
  };
  const contributionDeps: ContributionDeps = {
    capture,
    matters: matterStore,
    outbox,
    coordinatorService: directory.coordinatorService.key,
  };
  const retentionStore = new RetentionStore(db);
  const territoryStore = new TerritoryStore(reader);
  const strategyStore = new StrategyStore(db, reader);
  const settings = strategySettings(config);
  const strategyService = strategy({
    territory: territoryStore,
    store: strategyStore,
    rhythm: rhythmStore,
    roomMaySee: capture.roomMaySee,
    roomMaySeeAction: capture.roomMaySeeAction,
    types: capture.vocabulary.types,
    settings,
  });
  const rhythm = buildRhythm({
    config,
    directory,
    capture,
    store: rhythmStore,
    communes,
    pendingTips: () => tipStore.countPending(),
    strategy: agendaStrategy({ strategy: strategyService, timeZone: config.cross.timezone, types: capture.vocabulary.types }),
  });
  const territoryService = territory({
    store: territoryStore,
    roomMaySee: capture.roomMaySee,
    cellName: config.cross.name,
    timeZone: config.cross.timezone,
    types: capture.vocabulary.types,
  });
  const commandDeps: CommandDeps = {
    catalog: registry,
    now: () => Date.now(),
    capture,
    audit,
    rhythm,
    frozen,
    retention: { store: retentionStore, reportsDays: config.retention.reports_days, auditDays: config.audit.retention_days },
    territory: territoryService,
    territoryContext: { timeZone: config.cross.timezone, types: capture.vocabulary.types },
    strategy: {
      service: strategyService,
      store: strategyStore,
      timeZone: config.cross.timezone,
      types: capture.vocabulary.types,
      halfLifeDays: settings.halfLifeDays,
    },
    tips: {
      store: tipStore,
      triageRoomKey,
      card: tipCard,
      rejectedRetentionDays: config.tips.rejected_retention_days,
      kick: () => void tipsIntake?.sweep(),
      journal,
    },
    matters: matterDeps,
    contribution: contributionDeps,
  };
  const displayName = await transport.displayName();

  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.port,
    maxSyncAgeSeconds: config.sync.max_age_seconds,
    registry: metrics.registry,
    probes: {
      lastSyncAt: () => transport.lastSyncAt(),
      pingRedis: async () => {
        await redis.ping();
      },
      pingSqlite: async () => {
        await db.get("SELECT 1");
      },
      storage: () => storage.check(),
      handling: () => transport.handling(),
    },
  });

  const safety = createSafetyHandler({
    roomById: (roomId) => rooms.room(roomId),
    identify: (userId) => directory.identify(userId),
    botUserId: transport.userId,
    frozen,
    freeze: (roomKey, reason, at) =>
      freezeRoom(
        {
          frozen,
          outbox,
          transport,
          journal,
          roomIdOf: (key) => rooms.idOf(key),
          coordinatorRoomKey: directory.coordinatorRoom?.key,
          alert: frozenAlert,
        },
        roomKey,
        reason,
        at,
      ),
    log,
  });

  try {
    await transport.start({
      onEvent: createMessageHandler({
        directory,
        registry,
        commandDeps,
        roomById: (roomId) => rooms.room(roomId),
        receipts,
        storage,
        transport,
        botNames: () => ({ userId: transport.userId, displayName }),
        log,
        metrics,
      }),
      onStateChange: async (roomId, change) => {
        await safety(roomId, change);
        // Someone entitled is in: the brief they can read goes out now (`joined` history).
        const matter = matterStore.byRoomId(roomId);
        if (matter && change.type === "m.room.member" && change.content.membership === "join") {
          await memberJoined(matterDeps, matter, change.stateKey, Date.now());
        }
      },
      onInvite: createInviteHandler({
        directory,
        isConfiguredRoom: (roomId) => rooms.has(roomId),
        transport,
        log,
        metrics,
      }),
    });
  } catch (error) {
    // A start that fails half-way (the crypto store on a full disk) leaves nothing open behind it,
    // so that \`main\` can try again once there is space.
    await closeServer(ops.server);
    redis.disconnect();
    await journalInbox.stop();
    await reader.close();
    await db.close();
    await audit.close();
    throw error;
  }
  const diffusion = startDiffusion(
    {
      redisUrl: config.redis.url,
      namespace,
      instanceId: await receipts.instanceId(),
      rateLimit: { max: config.diffusion.rate_limit.max, durationMs: config.diffusion.rate_limit.per_seconds * 1000 },
      budget: sendBudget,
    },
    {
      outbox,
      reports: capture.reports,
      roomIdOf: (key) => rooms.idOf(key),
      roomMaySee: capture.roomMaySee,
      roomService: (key) => directory.room(key)?.service,
      coordinatorService: directory.coordinatorService.key,
      vocabulary: capture.vocabulary,
      transport,
      communicated: (ref, roomKey, what, action = "communicate") =>
        journal({
          at: Date.now(),
          actor: "bot",
          action,
          ref,
          room: roomKey,
          detail: what,
        }),
      log,
      metrics,
    },
  );
  relay.attach(() => diffusion.relay());

  const rhythmJobs = await startRhythmJobs({
    config,
    directory,
    rhythm,
    transport,
    roomIdOf: (key) => rooms.idOf(key),
    recordReminder: async (roomKey, eventId, ref) => {
      const report = await capture.reports.byRef(ref);
      if (report) await outbox.recordSent(roomKey, eventId, "reminder", [report.id], Date.now());
    },
    agendaMap: (roomKey, since, now) => meetingMap(territoryService, roomKey, since, now, config.cross.timezone),
    namespace,
    log,
  });
  tipsIntake = startTipsIntake(
    {
      redisUrl: config.redis.url,
      prefix: `crossbot:${namespace}`,
      instanceId: await receipts.instanceId(),
      triageRoomKey,
      remindAfterMs: config.tips.remind_after_hours * 3_600_000,
      rejectedRetentionMs: config.tips.rejected_retention_days * 86_400_000,
    },
    {
      tips: tipStore,
      capture,
      isFrozen: (key) => frozen.has(key),
      roomIdOf: (key) => rooms.idOf(key),
      coordinatorRoomKey: directory.coordinatorRoom?.key,
      card: tipCard,
      transport,
      journal,
      log,
    },
  );
  const retention = startAuditRetention(audit, config.audit.retention_days, log);
  const purge = startReportRetention({
    retention: retentionStore,
    outbox,
    transport,
    roomIdOf: (key) => rooms.idOf(key),
    journal,
    retentionDays: config.retention.reports_days,
    log,
  });
  const expiry = startDialogueExpiry(capture, transport, log, Math.min(15_000, Math.max(1000, capture.dialogueTimeoutMs / 4)));
  const matterExpiry = startMatterExpiry(matterDeps, log);
  const searchIndex = startSearchIndexer(capture.reports, log);
  log.info({ rooms: rooms.size, httpPort: ops.port }, "bot started");

  return {
    httpPort: ops.port,
    metrics,
    async close() {
      log.info("shutting down");
      await rhythmJobs.close();
      await purge.stop();
      await tipsIntake?.close();
      await diffusion.close(); // the worker finishes its current send first
      await matterExpiry.stop();
      await transport.close();
      await expiry.stop();
      await searchIndex.stop();
      retention.stop();
      storage.stop();
      await closeServer(ops.server);
      redis.disconnect();
      await journalInbox.stop();
      await reader.close();
      await db.close();
      await audit.close();
      removePidFile();
      log.info("stopped");
    },
  };
}

/**
 * Without CROSS_CRYPTO_PASSPHRASE, the crypto store's passphrase is generated once and kept next to
 * it (mode 600). Production should pass it from a secret instead (see README).
 */
function localPassphrase(dir: string): string {
  const file = join(dir, "passphrase");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  return readFileSync(file, "utf8").trim();
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
