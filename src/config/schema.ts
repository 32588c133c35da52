import { z } from "zod";
import { DEFAULT_FACT_TYPES } from "../core/report/fact-types.js";

/** Matrix ids as the configuration writes them: `@localpart:server`. */
const userId = z.string().regex(/^@[^:\s]+:[^\s]+$/, "identifiant Matrix attendu, ex. @prenom.nom:serveur");
// Room ids of room version 12 have no server part (`!abc…`); older ones do (`!abc:serveur`).
const roomRef = z
  .string()
  .regex(/^(#[^:\s]+:[^\s]+|![^\s:]+(:[^\s]+)?)$/, "alias (#salon:serveur) ou identifiant (!id) de salon attendu");
const key = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "clé en minuscules, ex. ddsp");

export const serviceSchema = z.strictObject({
  key,
  name: z.string().min(1),
  role: z.enum(["coordinator", "partner"]),
  members: z.array(userId).min(1),
});

export const referentSchema = z.strictObject({
  user_id: userId,
  name: z.string().min(1),
});

export const roomSchema = z.strictObject({
  key,
  kind: z.enum(["service", "coordination", "triage"]),
  service: key.optional(),
  room: roomRef,
});

/** The file as operators write it (YAML or JSON). Secrets are not allowed here. */
export const configFileSchema = z.strictObject({
  cross: z.strictObject({
    name: z.string().min(1),
    departement: z.string().regex(/^(\d{2}|2A|2B|97\d)$/, 'numéro de département, ex. "88"'),
    locale: z.literal("fr"),
    timezone: z.string().refine(isKnownTimeZone, "fuseau horaire IANA inconnu, ex. Europe/Paris"),
  }),
  matrix: z.strictObject({
    homeserver_url: z.url({ protocol: /^https?$/ }),
    bot_user_id: userId,
    /** End-to-end encryption (Rust crypto). On by default: Tchap's private rooms are encrypted. */
    encryption: z.boolean().default(true),
  }),
  services: z.array(serviceSchema).min(1),
  referents: z.array(referentSchema).default([]),
  rooms: z.array(roomSchema).min(1),
  storage: z.strictObject({ data_dir: z.string().min(1) }),
  redis: z.strictObject({ url: z.url({ protocol: /^rediss?$/ }) }),
  http: z.strictObject({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535),
  }),
  capture: z
    .strictObject({
      /** Types of facts; replaces the default list (point de deal, livraison / go-fast, …). */
      types: z
        .array(z.strictObject({ key, label: z.string().min(1), aliases: z.array(z.string()).default([]) }))
        .min(1)
        .optional(),
      /**
       * Words and slang that name a type in a free-form report, by type key, added to the defaults
       * (a phrase given here wins over a default one; "~" before a phrase makes it weak, e.g. "~vente").
       */
      vocabulary: z.record(key, z.array(z.string().min(2)).min(1)).optional(),
      /** A guided report with no answer for this long is closed with a message. */
      dialogue_timeout_minutes: z.number().positive().default(30),
      /** Observation dates older than this are refused. */
      max_age_days: z.number().int().positive().default(365),
    })
    .superRefine((capture, issues) => {
      const keys = (capture.types ?? DEFAULT_FACT_TYPES).map((t) => t.key);
      for (const type of Object.keys(capture.vocabulary ?? {})) {
        if (!keys.includes(type))
          issues.addIssue({ code: "custom", path: ["vocabulary", type], message: `type inconnu (types : ${keys.join(", ")})` });
      }
    })
    .default({ dialogue_timeout_minutes: 30, max_age_days: 365 }),
  diffusion: z
    .strictObject({
      /** Messages per `per_seconds` for the whole bot (Tchap asks about one call per second). */
      rate_limit: z
        .strictObject({ max: z.number().int().positive(), per_seconds: z.number().positive() })
        .default({ max: 5, per_seconds: 1 }),
    })
    .default({ rate_limit: { max: 5, per_seconds: 1 } }),
  rhythm: z
    .strictObject({
      /** Scheduled digests: a room, a cron in the CROSS time zone (5 or 6 fields), the period covered. */
      digests: z.array(z.strictObject({ room: key, cron: z.string().min(9), period: z.string().default("24h") })).default([]),
      /** The agenda is posted in the coordination room this many days before each meeting. */
      agenda_days_before: z.number().min(0).max(30).default(2),
      /** Owner services are reminded this many days before an action's due date, and once when overdue. */
      reminder_days_before: z.number().min(0).max(30).default(2),
      /** A scheduled digest posted this long after its time is marked late. */
      late_after_seconds: z.number().int().positive().default(300),
    })
    .default({ digests: [], agenda_days_before: 2, reminder_days_before: 2, late_after_seconds: 300 }),
  audit: z
    .strictObject({
      /** How long the journal keeps entries (CNIL: 6 months to 1 year for access logs, up to 3 years if justified). */
      retention_days: z
        .number()
        .int()
        .min(30)
        .max(3 * 366)
        .default(365),
    })
    .default({ retention_days: 365 }),
  retention: z
    .strictObject({
      /**
       * How long a report (its versions, entities, attachments, outbox rows and the bot's messages
       * about it) is kept after its last change. Police intelligence files are bounded in time — the
       * cell's arrêté decides (OSIRIS precedent: 1 year for the data).
       */
      reports_days: z.number().int().min(30).max(3660).default(365),
    })
    .default({ reports_days: 365 }),
  /** Citizen tips: the public form (its own process and listener) and the triage in the triage room. */
  tips: z
    .strictObject({
      /** Listener of the public form: never the ops port (see README « Signalements citoyens »). */
      host: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65535).default(8090),
      /** Public address of the form, as citizens type it (shown in the bot's help and the demo). */
      public_url: z.url({ protocol: /^https?$/ }).optional(),
      /** Tips waiting here when Redis is away (the tips process's own folder; holds no report). */
      spool_dir: z.string().min(1).default("./tips-spool"),
      /** Header carrying the client address set by the reverse proxy (e.g. x-real-ip); none: the socket. */
      client_ip_header: z
        .string()
        .regex(/^[a-z0-9-]+$/, "nom d'en-tête HTTP en minuscules, ex. x-real-ip")
        .optional(),
      /** POSTs per client (valid or not) per window, with the proof of work. */
      rate_limit: z
        .strictObject({ max: z.number().int().positive(), per_seconds: z.number().positive() })
        .default({ max: 5, per_seconds: 600 }),
      /** The stricter limit without JavaScript (no proof of work): per client, and for all clients per hour. */
      nojs_rate_limit: z
        .strictObject({
          max: z.number().int().positive(),
          per_seconds: z.number().positive(),
          global_per_hour: z.number().int().positive(),
        })
        .default({ max: 2, per_seconds: 3600, global_per_hour: 30 }),
      /** Largest photo accepted (bytes); JPEG, PNG or WebP only. */
      max_photo_bytes: z
        .number()
        .int()
        .positive()
        .max(20 * 1024 * 1024)
        .default(5 * 1024 * 1024),
      /** Proof-of-work difficulty (largest number searched) and challenge lifetime. */
      pow_max_number: z.number().int().min(1000).max(10_000_000).default(50_000),
      pow_expires_seconds: z.number().int().positive().default(1200),
      /** A pending tip nobody decided on after this long is reminded to the coordinator (once). */
      remind_after_hours: z.number().positive().default(24),
      /** Rejected tips (and their photos) are purged after this many days, journaled. */
      rejected_retention_days: z.number().positive().max(3660).default(90),
    })
    .default({
      host: "127.0.0.1",
      port: 8090,
      spool_dir: "./tips-spool",
      rate_limit: { max: 5, per_seconds: 600 },
      nojs_rate_limit: { max: 2, per_seconds: 3600, global_per_hour: 30 },
      max_photo_bytes: 5 * 1024 * 1024,
      pow_max_number: 50_000,
      pow_expires_seconds: 1200,
      remind_after_hours: 24,
      rejected_retention_days: 90,
    }),
  /**
   * Local strategy (`!strategie`): harm weight per fact type (merged over the documented defaults, a
   * starting point for the cell to validate), half-life of a fact's weight, levers per fact type
   * (replacing the default list of that type).
   */
  strategy: z
    .strictObject({
      harm: z.record(key, z.number().min(0).max(100)).default({}),
      half_life_days: z.number().positive().max(3660).default(45),
      levers: z.record(key, z.array(z.string().min(1)).min(1)).default({}),
    })
    .default({ harm: {}, half_life_days: 45, levers: {} }),
  sync: z.strictObject({ max_age_seconds: z.number().int().positive().default(90) }).default({ max_age_seconds: 90 }),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type RoomConfig = z.infer<typeof roomSchema>;
export type ReferentConfig = z.infer<typeof referentSchema>;

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("fr-FR", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
