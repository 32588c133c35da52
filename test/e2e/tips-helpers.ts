/**
 * Helpers for the citizen-tips tests and benchmark: the public tips process as a child process
 * (given only the config file and REDIS_URL, never the bot's secrets), a headless Debian Chromium,
 * axe-core, and a proof of work solved the way the page's script does.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createChallenge, solveChallenge } from "altcha-lib";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { freeLoopbackPorts } from "../../scripts/stack/processes.js";

export class TipsProcess {
  private output = "";
  readonly exited: Promise<number | null>;
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly spoolDir: string,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  static async start(configPath: string, redisUrl: string, env: Record<string, string> = {}): Promise<TipsProcess> {
    const [port] = await freeLoopbackPorts(1);
    const spoolDir = join(mkdtempSync(join(tmpdir(), "crossbot-tips-")), "spool");
    // Deliberately not process.env: the tips process must run without any of the bot's secrets.
    const child = spawn(process.execPath, ["--import", "tsx", "src/tips/main.ts", "--config", configPath], {
      env: {
        PATH: process.env.PATH ?? "",
        REDIS_URL: redisUrl,
        CROSS_TIPS_PORT: String(port),
        CROSS_TIPS_SPOOL_DIR: spoolDir,
        LOG_LEVEL: "debug",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tips = new TipsProcess(child, `http://127.0.0.1:${port}`, spoolDir);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${tips.url}/`)).ok) return tips;
      } catch {
        await sleep(200);
      }
    }
    throw new Error(`tips process not listening; logs:\n${tips.output}`);
  }

  get logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    await this.exited;
  }
}

export function chromePath(): string {
  return process.env.CHROME_PATH ?? execFileSync("bash", ["scripts/ensure-browser.sh"], { encoding: "utf8" }).trim();
}

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromePath(),
    headless: "shell",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

/** A phone: 390×844, touch, device scale 3. */
export async function phonePage(browser: Browser, headers: Record<string, string> = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  await page.setExtraHTTPHeaders(headers);
  return page;
}

const axeSource = (() => {
  const require = createRequire(import.meta.url);
  return (require("axe-core") as { source: string }).source;
})();

/** axe-core's violations on the current page (injected through DevTools, so the page's CSP stays as it is). */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html) }));
  });
}

/** Reads the page's challenge and solves it as pow.js does: the `altcha` field's value. */
export async function solvePow(formHtml: string): Promise<string> {
  const match = /data-pow="([^"]+)"/.exec(formHtml);
  if (!match?.[1]) throw new Error("no challenge in the form");
  const challenge = JSON.parse(
    match[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&"),
  ) as {
    algorithm: string;
    challenge: string;
    maxnumber: number;
    salt: string;
    signature: string;
  };
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  if (!solution) throw new Error("challenge not solved");
  return Buffer.from(JSON.stringify({ ...challenge, number: solution.number, maxnumber: undefined })).toString("base64");
}

/** A challenge signed with some other key: what a forger would send. */
export async function forgedPow(): Promise<string> {
  const challenge = await createChallenge({ hmacKey: "not-the-server-key", maxNumber: 1000 });
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, 1000).promise;
  return Buffer.from(JSON.stringify({ ...challenge, number: solution?.number ?? 0 })).toString("base64");
}

export const tokenIn = (html: string) => /name="envoi" value="([0-9a-f]{32})"/.exec(html)?.[1] ?? "";

/** A small valid JPEG (1×1 grey, baseline) with an EXIF block carrying a camera name. */
export function tinyJpegWithExif(): Buffer {
  const jpeg = Buffer.from(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=",
    "base64",
  );
  const exifBody = Buffer.from("Exif\0\0II*\0\b\0\0\0\0\0CameraDeMonsieurDupont", "latin1");
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), exifBody]);
  app1.writeUInt16BE(exifBody.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}
