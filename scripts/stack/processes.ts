/** Pid files, free loopback ports, detached children and their shutdown. */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

import { REPO_ROOT, STACK_DIR } from "./paths.js";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie still answers kill(0); treat it as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}

/**
 * Guards against pid reuse: on Linux, a pid is "ours" when its working directory or its
 * command line mentions the repository. Elsewhere (no /proc) every live pid is trusted.
 */
function looksOurs(pid: number): boolean {
  if (!existsSync("/proc/self/cwd")) return true; // no procfs: nothing to check against
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === REPO_ROOT || cwd.startsWith(REPO_ROOT + "/")) return true;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return cmdline.includes(REPO_ROOT);
  } catch {
    return false; // gone, or another user's process
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopPid(pid: number, name: string, graceMs = 5_000): Promise<void> {
  if (!isAlive(pid)) return;
  if (!looksOurs(pid)) {
    console.warn(`[stack] ${name}: pid ${pid} is alive but does not belong to this checkout; left alone`);
    return;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  console.warn(`[stack] ${name} (pid ${pid}) ignored SIGTERM for ${graceMs / 1000} s; sending SIGKILL`);
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  throw new Error(`${name} (pid ${pid}) is still alive after SIGKILL`);
}

/** Stops every process listed in `.stack/*.pid` (in parallel) and removes the pid files. */
export async function stopAll(): Promise<string[]> {
  let files: string[];
  try {
    files = readdirSync(STACK_DIR).filter((f) => f.endsWith(".pid"));
  } catch {
    return [];
  }
  const stopped: string[] = [];
  await Promise.all(
    files.map(async (file) => {
      const path = join(STACK_DIR, file);
      const pid = readPidFile(path);
      const name = file.slice(0, -".pid".length);
      if (pid !== undefined && isAlive(pid)) {
        await stopPid(pid, name);
        stopped.push(`${name} (pid ${pid})`);
      }
      rmSync(path, { force: true });
    }),
  );
  return stopped;
}

/** Reserves `count` distinct free ports on 127.0.0.1 (bind to :0, read, close). */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolvePort, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => resolvePort(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("could not read a free port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  return ports;
}

export interface DetachedChild {
  pid: number;
  /** Resolves with a description once the child exits (never, while it runs). */
  exited: Promise<string>;
}

/** Starts a detached child whose stdout/stderr go to `logFile`, records its pid in `pidFile`. */
export function spawnDetached(
  command: string,
  args: string[],
  options: { cwd: string; logFile: string; pidFile: string; env?: NodeJS.ProcessEnv },
): DetachedChild {
  const fd = openSync(options.logFile, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<string>((resolveExit) => {
    child.once("error", (error) => resolveExit(`could not start: ${error.message}`));
    child.once("exit", (code, signal) => resolveExit(signal !== null ? `killed by ${signal}` : `exited with code ${code}`));
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command} (see ${options.logFile})`);
  }
  writeFileSync(options.pidFile, `${child.pid}\n`);
  child.unref();
  return { pid: child.pid, exited };
}

/** Last `lines` lines of a text file, for error messages. */
export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return `(no ${file})`;
  }
}
