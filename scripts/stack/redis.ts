/** redis-server on loopback, detached, append-only, and a raw-TCP PING readiness check. */
import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { REDIS_DIR, REDIS_PID } from "./paths.js";
import { spawnDetached, tail } from "./processes.js";

/** Sends `PING\r\n` to 127.0.0.1:port; resolves true on `+PONG`. */
export function pingRedis(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (answer.includes("\r\n")) finish(answer.startsWith("+PONG"));
    });
  });
}

export async function startRedis(port: number, timeoutMs = 20_000): Promise<number> {
  mkdirSync(REDIS_DIR, { recursive: true });
  const logFile = join(REDIS_DIR, "redis.log");
  const stdoutLog = join(REDIS_DIR, "stdout.log");
  const binary = process.env["REDIS_SERVER"] ?? "redis-server";
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "yes",
    "--daemonize",
    "no",
    "--dir",
    REDIS_DIR,
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
    "--logfile",
    logFile,
  ];
  const child = spawnDetached(binary, args, { cwd: REDIS_DIR, logFile: stdoutLog, pidFile: REDIS_PID });
  let exitReason: string | undefined;
  void child.exited.then((reason) => {
    exitReason = reason;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exitReason === undefined) {
    if (await pingRedis(port)) return child.pid;
    await sleep(100);
  }
  const why =
    exitReason !== undefined ? `redis-server ${exitReason}` : `redis-server did not answer PING within ${timeoutMs / 1000} s`;
  throw new Error(
    `${why} (port ${port}).\n--- ${logFile} (tail) ---\n${tail(logFile)}\n--- ${stdoutLog} ---\n${tail(stdoutLog)}`,
  );
}
