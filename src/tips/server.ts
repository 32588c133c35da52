import { createHash, randomBytes, scrypt } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createChallenge, verifySolution } from "altcha-lib";
import { checkAnswer, checkForm, type CommuneCheck, type RawForm } from "../core/tips/form.js";
import { cleanImage } from "../core/tips/image.js";
import { parseReceipt, receiptFromBytes } from "../core/tips/receipt.js";
import type { ReceiptView, TipJob, TipPhoto } from "../core/tips/wire.js";
import type { Logger } from "../log.js";
import {
  answerSentPage,
  followPage,
  formPage,
  type FormState,
  type PageContext,
  problemPage,
  questionsPage,
  receiptPage,
} from "./pages.js";
import { clientKeyer, RateLimiter } from "./rate-limit.js";
import type { Spool } from "./spool.js";
import { POW_JS, STYLE_CSS } from "./static.js";

export interface TipsServerOptions {
  host: string;
  port: number;
  /** Header set by the reverse proxy with the client's address; none: the socket's peer. */
  clientIpHeader?: string | undefined;
  rateLimit: { max: number; perSeconds: number };
  nojsRateLimit: { max: number; perSeconds: number; globalPerHour: number };
  maxPhotoBytes: number;
  powKey: string;
  powMaxNumber: number;
  powExpiresSeconds: number;
  page: PageContext;
}

export interface TipsServerDeps {
  resolveCommune(text: string): CommuneCheck;
  spool: Spool;
  /** Asks the relay to hand the spool to Redis now. */
  kick(): void;
  /** The bot's published view for a receipt hash; null: none; throws when Redis cannot answer. */
  readReceipt(receiptHash: string): Promise<ReceiptView | null>;
  log: Logger;
  now?: () => number;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
};

const RECENT_MS = 15 * 60_000;

/** The receipt's stored form: scrypt with a fixed salt (a look-up key, and slow to brute-force offline). */
export function hashReceipt(receipt: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(receipt, "cross-bot/tips/receipt/v1", 32, { N: 16384, r: 8, p: 1 }, (error, key) =>
      error ? reject(error) : resolve(key.toString("hex")),
    ),
  );
}

/**
 * The public form's own HTTP listener (never the ops port). It knows no report, no room and no
 * credential of the store or the homeserver: it checks what citizens send, writes it to its spool,
 * and reads back the questions for a receipt. It logs no address, no URL query, no content.
 */
export async function startTipsServer(
  options: TipsServerOptions,
  deps: TipsServerDeps,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const now = deps.now ?? Date.now;
  const { log } = deps;
  const keyOf = clientKeyer();
  const perClient = new RateLimiter(options.rateLimit.max, options.rateLimit.perSeconds * 1000);
  const nojsPerClient = new RateLimiter(options.nojsRateLimit.max, options.nojsRateLimit.perSeconds * 1000);
  const nojsGlobal = new RateLimiter(options.nojsRateLimit.globalPerHour, 3_600_000);
  const usedChallenges = new Map<string, number>();
  const recent = new Map<string, { receipt: string; until: number }>();
  const inFlight = new Map<string, Promise<Outcome>>();
  const maxBody = options.maxPhotoBytes + 256 * 1024;

  const challenge = async () =>
    JSON.stringify(
      await createChallenge({
        hmacKey: options.powKey,
        maxNumber: options.powMaxNumber,
        expires: new Date(now() + options.powExpiresSeconds * 1000),
      }),
    );
  const freshForm = async (values: FormState["values"] = {}, errors: FormState["errors"] = {}) =>
    formPage(options.page, { values, errors, challenge: await challenge(), token: randomBytes(16).toString("hex") });

  const pruner = setInterval(() => {
    const t = now();
    perClient.prune(t);
    nojsPerClient.prune(t);
    nojsGlobal.prune(t);
    for (const [k, until] of usedChallenges) if (until < t) usedChallenges.delete(k);
    for (const [k, v] of recent) if (v.until < t) recent.delete(k);
  }, 60_000);
  pruner.unref();

  type Outcome = { status: number; html: string; retryAfter?: number };

  const handleTip = async (form: FormData, client: string): Promise<Outcome> => {
    const raw = rawForm(form);
    const keepPosition = form.get("garder_position") === "oui";
    const values = { ...raw, garder_position: keepPosition };
    const token = stringOf(form.get("envoi"));
    if (!/^[0-9a-f]{32}$/.test(token)) {
      return {
        status: 400,
        html: await freshForm(values, { general: "Le formulaire a expiré : vérifiez vos réponses et renvoyez-le." }),
      };
    }
    const submissionId = createHash("sha256").update(`tip:${token}`).digest("hex");
    const seen = recent.get(submissionId);
    if (seen) return { status: 200, html: receiptPage(options.page, seen.receipt) }; // double tap: the same tip
    const pending = inFlight.get(submissionId);
    if (pending) return pending;
    const work = (async (): Promise<Outcome> => {
      const pow = stringOf(form.get("altcha"));
      if (pow !== "") {
        const signature = signatureOf(pow);
        const valid = signature !== null && !usedChallenges.has(signature) && (await safeVerify(pow, options.powKey));
        if (!valid || signature === null) {
          log.info("tip refused: proof of work invalid, expired or replayed");
          return {
            status: 400,
            html: await freshForm(values, {
              general: "La vérification anti-robot a échoué ou a expiré. Vos réponses sont conservées : renvoyez le formulaire.",
            }),
          };
        }
        usedChallenges.set(signature, now() + options.powExpiresSeconds * 1000);
      } else {
        const wait = Math.max(nojsPerClient.hit(client, now()), nojsGlobal.hit("all", now()));
        if (wait > 0) return tooMany(wait, "Sans JavaScript, le nombre d'envois est limité.");
      }
      const checked = checkForm(raw, deps.resolveCommune);
      const photoFile = form.get("photo");
      let photo: TipPhoto | null = null;
      const errors: FormState["errors"] = checked.ok ? {} : { ...checked.errors };
      if (photoFile instanceof File && photoFile.size > 0) {
        if (photoFile.size > options.maxPhotoBytes) {
          errors.photo = `La photo est trop lourde : ${options.page.maxPhotoMb} Mo au plus.`;
        } else {
          const cleaned = cleanImage(Buffer.from(await photoFile.arrayBuffer()), keepPosition);
          if (!cleaned.ok) errors.photo = cleaned.error;
          else {
            photo = {
              mimetype: cleaned.mimetype,
              data: cleaned.bytes.toString("base64"),
              latitude: cleaned.position?.latitude ?? null,
              longitude: cleaned.position?.longitude ?? null,
            };
          }
        }
      }
      if (!checked.ok || Object.keys(errors).length > 0) return { status: 422, html: await freshForm(values, errors) };
      const receipt = receiptFromBytes(randomBytes(15));
      const job: TipJob = {
        kind: "tip",
        submissionId,
        receivedAt: now(),
        receiptHash: await hashReceipt(receipt),
        pow: pow !== "",
        fields: checked.fields,
        photo,
      };
      deps.spool.write(job); // durable before the citizen sees a receipt
      recent.set(submissionId, { receipt, until: now() + RECENT_MS });
      deps.kick();
      log.info({ pow: job.pow, photo: photo !== null }, "tip received");
      return { status: 200, html: receiptPage(options.page, receipt) };
    })();
    inFlight.set(submissionId, work);
    try {
      return await work;
    } finally {
      inFlight.delete(submissionId);
    }
  };

  const tooMany = (wait: number, why = ""): Outcome => ({
    status: 429,
    retryAfter: wait,
    html: problemPage(
      options.page,
      "Trop d'envois",
      `${why ? `${why} ` : ""}Vous avez fait trop d'envois en peu de temps. Réessayez dans ${wait >= 120 ? `${Math.ceil(wait / 60)} minutes` : `${wait} secondes`}. En cas d'urgence, appelez le 17 ou le 112.`,
    ),
  });

  const lookUp = async (
    typed: string,
  ): Promise<{ ok: true; receipt: string; hash: string; view: ReceiptView | null } | { ok: false; outcome: Outcome }> => {
    const parsed = parseReceipt(typed);
    if (!parsed.ok)
      return { ok: false, outcome: { status: 400, html: followPage(options.page, parsed.error, typed.slice(0, 40)) } };
    const hash = await hashReceipt(parsed.receipt);
    let view: ReceiptView | null;
    try {
      view = await deps.readReceipt(hash);
    } catch {
      return {
        ok: false,
        outcome: {
          status: 503,
          html: problemPage(
            options.page,
            "Suivi indisponible",
            "Le suivi est momentanément indisponible. Réessayez dans quelques minutes.",
            `<a href="/suivi">Retour au suivi</a>`,
          ),
        },
      };
    }
    if (view === null && !deps.spool.holds(hash)) {
      return {
        ok: false,
        outcome: {
          status: 404,
          html: followPage(
            options.page,
            "Ce code de suivi ne correspond à aucun signalement en cours. Vérifiez-le.",
            typed.slice(0, 40),
          ),
        },
      };
    }
    return { ok: true, receipt: parsed.receipt, hash, view };
  };

  const handleFollow = async (form: FormData): Promise<Outcome> => {
    const found = await lookUp(stringOf(form.get("code")));
    if (!found.ok) return found.outcome;
    return {
      status: 200,
      html: questionsPage(options.page, { receipt: found.receipt, view: found.view, token: randomBytes(16).toString("hex") }),
    };
  };

  const handleAnswer = async (form: FormData): Promise<Outcome> => {
    const found = await lookUp(stringOf(form.get("code")));
    if (!found.ok) return found.outcome;
    const token = stringOf(form.get("envoi"));
    const answer = checkAnswer(stringOf(form.get("reponse")));
    if (!answer.ok || !/^[0-9a-f]{32}$/.test(token) || !found.view || found.view.closed) {
      const error = answer.ok ? "Ce signalement n'attend plus de réponse, ou le formulaire a expiré." : answer.error;
      return {
        status: 422,
        html: questionsPage(options.page, {
          receipt: found.receipt,
          view: found.view,
          token: randomBytes(16).toString("hex"),
          error,
          answer: stringOf(form.get("reponse")).slice(0, 4000),
        }),
      };
    }
    const submissionId = createHash("sha256").update(`answer:${token}`).digest("hex");
    deps.spool.write({ kind: "answer", submissionId, receivedAt: now(), receiptHash: found.hash, text: answer.text });
    deps.kick();
    log.info("tip answer received");
    return { status: 200, html: answerSentPage(options.page) };
  };

  const send = (response: ServerResponse, outcome: Outcome) => {
    response.writeHead(outcome.status, {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      ...(outcome.retryAfter ? { "retry-after": String(outcome.retryAfter) } : {}),
    });
    response.end(outcome.html);
  };

  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      log.error({ err: (error as Error).message }, "tips request failed");
      if (!response.headersSent)
        send(response, {
          status: 500,
          html: problemPage(options.page, "Erreur", "Une erreur est survenue : votre envoi n'a pas été enregistré. Réessayez."),
        });
      else response.end();
    });
  });

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const method = request.method ?? "GET";
    if (method === "GET" || method === "HEAD") {
      if (path === "/") return send(response, { status: 200, html: await freshForm() });
      if (path === "/suivi") return send(response, { status: 200, html: followPage(options.page, null) });
      if (path === "/static/style.css") return sendAsset(response, "text/css; charset=utf-8", STYLE_CSS);
      if (path === "/static/pow.js") return sendAsset(response, "text/javascript; charset=utf-8", POW_JS);
      if (path === "/favicon.ico") {
        response.writeHead(204, SECURITY_HEADERS).end();
        return;
      }
      return send(response, { status: 404, html: problemPage(options.page, "Page introuvable", "Cette page n'existe pas.") });
    }
    if (method !== "POST" || !["/signaler", "/suivi", "/repondre"].includes(path)) {
      response.writeHead(405, { ...SECURITY_HEADERS, allow: "GET, POST" }).end();
      request.resume();
      return;
    }
    // Every POST counts, valid or not, before anything is read.
    const client = keyOf(clientAddress(request, options.clientIpHeader));
    const wait = perClient.hit(client, now());
    if (wait > 0) {
      request.resume();
      return send(response, tooMany(wait));
    }
    const body = await readBody(request, maxBody);
    if (body === null) {
      return send(response, {
        status: 413,
        html: problemPage(
          options.page,
          "Envoi trop volumineux",
          `L'envoi dépasse la taille permise (photo de ${options.page.maxPhotoMb} Mo au plus). Revenez au formulaire et choisissez une photo plus légère.`,
        ),
      });
    }
    const form = await parseForm(request.headers["content-type"] ?? "", body);
    if (!form)
      return send(response, {
        status: 400,
        html: problemPage(
          options.page,
          "Envoi illisible",
          "Le formulaire envoyé est illisible. Revenez au formulaire et réessayez.",
        ),
      });
    if (path === "/signaler") return send(response, await handleTip(form, client));
    if (path === "/suivi") return send(response, await handleFollow(form));
    return send(response, await handleAnswer(form));
  };

  // No connection logging at all; Node keeps the peer address in memory only for the connection's life.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(pruner);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendAsset(response: ServerResponse, type: string, text: string) {
  response.writeHead(200, { ...SECURITY_HEADERS, "content-type": type });
  response.end(text);
}

function clientAddress(request: IncomingMessage, header: string | undefined): string {
  if (header) {
    const value = request.headers[header];
    const first = (Array.isArray(value) ? value[0] : value)?.split(",").pop()?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? "unknown";
}

function readBody(request: IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > max) {
    request.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    request.on("end", () => resolve(over ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

async function parseForm(contentType: string, body: Buffer): Promise<FormData | null> {
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) return null;
  try {
    return await new Request("http://tips.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    }).formData();
  } catch {
    return null;
  }
}

function stringOf(value: ReturnType<FormData["get"]>): string {
  return typeof value === "string" ? value : "";
}

function rawForm(form: FormData): RawForm {
  const get = (name: string) => stringOf(form.get(name)).slice(0, 20_000);
  return {
    commune: get("commune"),
    lieu: get("lieu"),
    nature: get("nature"),
    quand: get("quand"),
    personnes: get("personnes"),
    vehicules: get("vehicules"),
    description: get("description"),
    contact: get("contact"),
  };
}

function signatureOf(payload: string): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as { signature?: unknown };
    return typeof parsed.signature === "string" && parsed.signature.length > 0 ? parsed.signature : null;
  } catch {
    return null;
  }
}

async function safeVerify(payload: string, key: string): Promise<boolean> {
  try {
    return await verifySolution(payload, key, true);
  } catch {
    return false;
  }
}
