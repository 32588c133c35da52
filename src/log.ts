import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs on stdout. At INFO and above they carry ids, outcomes and durations, never the text of
 * a message or a report (police data does not belong in log files).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { app: "cross-bot" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** A short id an officer can read out on the phone to the operator ("réf. E-7K2Q9M"). */
export function errorReference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  let ref = "E-";
  for (let i = 0; i < 6; i++) ref += alphabet[Math.floor(Math.random() * alphabet.length)];
  return ref;
}
