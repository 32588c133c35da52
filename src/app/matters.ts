import { dueForRemoval, type MatterRoom, parseDuration } from "../core/matter/grants.js";
import { code, line, message, type Message, strong } from "../core/message.js";
import { REFERENCE_PATTERN } from "../core/report/report.js";
import type { Vocabulary } from "../core/report/render.js";
import { formatObserved } from "../core/fr/when.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { NewAuditEntry } from "../store/audit.js";
import type { MatterStore } from "../store/matters.js";
import type { OutboxStore } from "../store/outbox.js";
import type { ReportStore } from "../store/reports.js";
import { takeBack, type TakeBackDeps } from "./take-back.js";

export interface MatterDeps {
  matters: MatterStore;
  reports: Pick<ReportStore, "byRef">;
  outbox: Pick<OutboxStore, "enqueueReport" | "card"> & TakeBackDeps["outbox"];
  transport: Pick<Transport, "createRoom" | "invite" | "kick" | "send" | "redact">;
  journal(entry: NewAuditEntry): Promise<void>;
  /** Referents the configuration knows: user id → name. */
  referentName(userId: string): string | undefined;
  /** A new room the bot created is known from now on (events, invites, policy). */
  registerRoom(matter: MatterRoom): void;
  /** Kicks the diffusion relay so owed cards go out now. */
  relay(): void;
  timeZone: string;
  vocabulary: Pick<Vocabulary, "types" | "timeZone">;
  /** A frozen room gets nothing more (room safety). */
  isFrozen(roomKey: string): boolean;
  isCoordinator(userId: string): boolean;
}

export type Outcome = { ok: boolean; message: Message };
const ko = (...lines: Message["blocks"]): Outcome => ({ ok: false, message: message(...lines) });

export function formatUntil(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("fr-FR", { timeZone, dateStyle: "short", timeStyle: "short" }).format(new Date(at));
}

/**
 * Splits `<réf… | "sujet"> <durée>`: a quoted subject anywhere ("…", “…”, « … »), references
 * first, the duration is what remains at the end.
 */
export function subjectRefsAndDuration(text: string): { subject: string | null; refs: string[]; duration: string } {
  const quoted = /"([^"]*)"|“([^”]*)”|«([^»]*)»/.exec(text);
  const subject = quoted ? (quoted[1] ?? quoted[2] ?? quoted[3] ?? "").replace(/\s+/g, " ").trim() || null : null;
  const rest = quoted ? `${text.slice(0, quoted.index)} ${text.slice(quoted.index + quoted[0].length)}` : text;
  const words = rest.trim().split(/\s+/).filter(Boolean);
  const refs: string[] = [];
  let i = 0;
  for (; i < words.length && REFERENCE_PATTERN.test((words[i] ?? "").toUpperCase()); i++)
    refs.push((words[i] ?? "").toUpperCase());
  return { subject, refs, duration: words.slice(i).join(" ") };
}

const INVITE_EXAMPLE = '!referent inviter @nom:serveur 88-2026-00001 30j (ou "sujet" au lieu des références)';

/** `!referent inviter <@utilisateur> <réf… | "sujet"> <durée>`. */
export async function invite(deps: MatterDeps, by: string, rest: string, now: number): Promise<Outcome> {
  const [userId = ""] = rest.trim().split(/\s+/);
  if (!/^@[^:\s]+:\S+$/.test(userId)) {
    return ko(line("Indiquez le référent : ", code(INVITE_EXAMPLE), "."));
  }
  const name = deps.referentName(userId);
  if (!name) {
    return ko(
      line(`${userId} n'est pas un référent connu de la configuration : je ne peux pas l'inviter.`),
      line("Demandez à l'administrateur de l'ajouter à la liste des référents (referents[])."),
    );
  }
  const { subject, refs, duration } = subjectRefsAndDuration(rest.trim().slice(userId.length));
  if (refs.length === 0 && !subject)
    return ko(
      line('Indiquez au moins une référence à partager (ex. 88-2026-00001) ou le sujet entre guillemets (ex. "squat rue X").'),
    );
  const until = parseDuration(duration, now, deps.timeZone);
  if (!until.ok) return ko(line(until.error));
  for (const ref of refs) {
    const report = await deps.reports.byRef(ref);
    if (!report || report.status !== "active") return ko(line(`Aucun renseignement actif ${ref}.`));
  }
  const key = deps.matters.nextKey();
  const roomId = await deps.transport.createRoom({
    name: `CROSS — ${name} (${key})`,
    topic: `${subject ? `${subject} — a` : "A"}ffaire partagée jusqu'au ${formatUntil(until.until, deps.timeZone)}`,
    invite: [userId, by],
  });
  const matter = await deps.matters.create({
    key,
    roomId,
    purpose: subject ?? refs.join(" "),
    referent: userId,
    createdBy: by,
    createdAt: now,
    expiresAt: until.until,
  });
  deps.registerRoom(matter);
  await deps.journal({
    at: now,
    actor: by,
    action: "communicate",
    ref: null,
    room: key,
    detail: `salon référent créé pour ${userId}${subject ? ` : ${subject}` : ""}`,
  });
  for (const ref of refs) await share(deps, matter, ref, by, now);
  return {
    ok: true,
    message: message(
      line("Salon ", strong(key), ` créé pour ${name} (${userId}), jusqu'au ${formatUntil(until.until, deps.timeZone)}.`),
      ...(subject ? [line(`Sujet : ${subject}.`)] : []),
      refs.length > 0
        ? line(`Partagé : ${refs.join(", ")}. Les fiches y sont postées dès que le référent a rejoint.`)
        : line("Rien de partagé pour l'instant : ", code(`!referent partager ${key} <réf>`), "."),
    ),
  };
}

/** Grants a report to the room and, once the referent is in, owes the room its card. */
async function share(deps: MatterDeps, matter: MatterRoom, ref: string, by: string, now: number): Promise<void> {
  await deps.matters.grant(matter.key, ref, by, now, matter.expiresAt);
  await deps.journal({
    at: now,
    actor: by,
    action: "communicate",
    ref,
    room: matter.key,
    detail: `partage avec ${matter.referent} jusqu'au ${formatUntil(matter.expiresAt, deps.timeZone)}`,
  });
}

/** A subject typed by the coordinator, not the references the purpose falls back to. */
const subjectOf = (matter: MatterRoom): string | null =>
  matter.purpose && !matter.purpose.split(" ").every((w) => REFERENCE_PATTERN.test(w)) ? matter.purpose : null;

/**
 * Someone joined a matter room. A `joined` room shows nobody what was sent before they joined, so
 * each entitled person gets the brief once: the referent on their first join (header, then the
 * cards through the fan-out); a coordinator joining after the referent a catch-up of what is shared
 * (a coordinator in before the referent reads the referent's brief as it comes). Recorded in SQLite
 * after a send with a stable transaction key: a restart never posts it twice. Nothing in a frozen room.
 */
export async function memberJoined(deps: MatterDeps, matter: MatterRoom, userId: string, now: number): Promise<void> {
  if (matter.status !== "active" || deps.isFrozen(matter.key)) return;
  if (userId === matter.referent) {
    if (await deps.matters.referentJoined(matter.key, now)) await referentJoined(deps, { ...matter, referentJoinedAt: now }, now);
    return;
  }
  const current = deps.matters.byKey(matter.key) ?? matter;
  if (!deps.isCoordinator(userId) || current.referentJoinedAt === null) return;
  if (await deps.matters.wasBriefed(matter.key, userId)) return;
  await deps.transport.send(
    matter.roomId,
    "m.room.message",
    noticeContent(await catchUpBrief(deps, current, userId, now)),
    `matter-brief:${matter.key}:${userId}`,
  );
  await deps.matters.markBriefed(matter.key, userId, now);
}

/** What a coordinator joining later missed: the matter, and one line per report the room sees now. */
async function catchUpBrief(deps: MatterDeps, matter: MatterRoom, userId: string, now: number): Promise<Message> {
  const lines = [];
  for (const ref of deps.matters.grantedRefs(matter.key, now)) {
    const report = await deps.reports.byRef(ref);
    if (!report || report.status !== "active") continue;
    const f = report.fields;
    const type = deps.vocabulary.types.find((t) => t.key === f.type)?.label ?? f.type;
    lines.push(
      line(
        "• ",
        code(ref),
        ` ${type} — ${f.commune.nom}, ${formatObserved(new Date(f.observedAt), f.observedPrecision, deps.timeZone)}`,
        ...(f.source
          ? [` (contribution du référent${f.source.complementOf ? `, complément de ${f.source.complementOf}` : ""})`]
          : []),
      ),
    );
  }
  const subject = subjectOf(matter);
  return message(
    line(
      strong("Affaire partagée"),
      ` avec ${matter.referent} jusqu'au ${formatUntil(matter.expiresAt, deps.timeZone)} — pour ${userId}, arrivé(e) après le référent.`,
    ),
    ...(subject ? [line(`Sujet : ${subject}`)] : []),
    ...(lines.length > 0
      ? [line(`${lines.length} renseignement(s) visible(s) dans ce salon :`), ...lines]
      : [line("Rien de partagé pour l'instant.")]),
    line("Détail : ", code("!voir <réf>"), " · les messages antérieurs à votre arrivée ne vous sont pas lisibles."),
  );
}

/** The referent joined: the brief (header, then one card per grant through the fan-out). */
async function referentJoined(deps: MatterDeps, matter: MatterRoom, now: number): Promise<void> {
  const refs = deps.matters.grantedRefs(matter.key, now);
  const subject = subjectOf(matter);
  await deps.transport.send(
    matter.roomId,
    "m.room.message",
    noticeContent(
      message(
        line(strong("Affaire partagée par la CROSS"), ` — jusqu'au ${formatUntil(matter.expiresAt, deps.timeZone)}.`),
        ...(subject ? [line(`Sujet : ${subject}`)] : []),
        line("Vous ne voyez ici que les renseignements partagés avec vous. ", code("!aide"), " pour les commandes."),
        line("Pour transmettre une information au coordinateur : écrivez-la ici ; dans le fil d'une fiche, c'est un complément."),
      ),
    ),
    `matter-brief:${matter.key}:${matter.createdAt}`,
  );
  for (const ref of refs) await owe(deps, matter, ref, now);
  deps.relay();
}

async function owe(deps: MatterDeps, matter: MatterRoom, ref: string, now: number): Promise<void> {
  const report = await deps.reports.byRef(ref);
  if (report) await deps.outbox.enqueueReport(report.id, report.version, matter.key, now);
}

function activeMatter(deps: MatterDeps, key: string): MatterRoom | Outcome {
  const matter = deps.matters.byKey(key);
  if (!matter || matter.status !== "active")
    return ko(line(`Aucune affaire en cours « ${key} » (voir `, code("!referents"), ")."));
  return matter;
}

/** `!referent partager <salon> <réf>`. */
export async function shareMore(deps: MatterDeps, by: string, roomKey: string, ref: string, now: number): Promise<Outcome> {
  const matter = activeMatter(deps, roomKey);
  if ("ok" in matter) return matter;
  const wanted = ref.toUpperCase();
  const report = REFERENCE_PATTERN.test(wanted) ? await deps.reports.byRef(wanted) : undefined;
  if (!report || report.status !== "active") return ko(line(`Aucun renseignement actif ${wanted}.`));
  await share(deps, matter, wanted, by, now);
  if (matter.referentJoinedAt !== null) {
    await owe(deps, matter, wanted, now);
    deps.relay();
  }
  return { ok: true, message: message(line(`${wanted} partagé avec le salon ${roomKey}.`)) };
}

/** `!referent retirer <salon> <réf>`: the grant ends, the card and its thread are taken back. */
export async function unshare(deps: MatterDeps, by: string, roomKey: string, ref: string, now: number): Promise<Outcome> {
  const matter = activeMatter(deps, roomKey);
  if ("ok" in matter) return matter;
  const wanted = ref.toUpperCase();
  if (!(await deps.matters.revoke(roomKey, wanted, now)))
    return ko(line(`${wanted} n'est pas partagé avec le salon ${roomKey}.`));
  const report = await deps.reports.byRef(wanted);
  if (report) await takeBack(deps, { key: roomKey, id: matter.roomId }, "Partage retiré", report.id);
  await deps.journal({ at: now, actor: by, action: "communicate", ref: wanted, room: roomKey, detail: "partage retiré" });
  return { ok: true, message: message(line(`${wanted} n'est plus partagé avec ${roomKey} : sa fiche y est retirée.`)) };
}

/** `!referent prolonger <salon> <durée>`. */
export async function extend(deps: MatterDeps, by: string, roomKey: string, duration: string, now: number): Promise<Outcome> {
  const matter = activeMatter(deps, roomKey);
  if ("ok" in matter) return matter;
  const until = parseDuration(duration, now, deps.timeZone);
  if (!until.ok) return ko(line(until.error));
  await deps.matters.extend(roomKey, until.until);
  await deps.journal({
    at: now,
    actor: by,
    action: "communicate",
    ref: null,
    room: roomKey,
    detail: `accès prolongé jusqu'au ${formatUntil(until.until, deps.timeZone)}`,
  });
  return {
    ok: true,
    message: message(line(`Accès de ${roomKey} prolongé jusqu'au ${formatUntil(until.until, deps.timeZone)}.`)),
  };
}

/**
 * Ends a matter (closure or expiry): the referent is removed, the room is told, it is journaled.
 * Safe to repeat: the kick of someone already gone is ignored, the notice has a stable key.
 */
export async function endMatter(deps: MatterDeps, matter: MatterRoom, status: "closed" | "expired", by: string, now: number) {
  const why = status === "closed" ? "affaire close" : "accès arrivé à échéance";
  await deps.transport.send(
    matter.roomId,
    "m.room.message",
    noticeContent(message(line(`🔒 Fin de l'accès (${why}) : le référent est retiré du salon.`))),
    `matter-end:${matter.key}`,
  );
  try {
    await deps.transport.kick(matter.roomId, matter.referent, why);
  } catch {
    // already gone (left, or kicked before a restart): nothing to remove
  }
  await deps.matters.end(matter.key, status, now);
  await deps.journal({
    at: now,
    actor: by,
    action: "communicate",
    ref: null,
    room: matter.key,
    detail: `${matter.referent} retiré : ${why}`,
  });
}

/** `!referent clore <salon>`. */
export async function close(deps: MatterDeps, by: string, roomKey: string, now: number): Promise<Outcome> {
  const matter = activeMatter(deps, roomKey);
  if ("ok" in matter) return matter;
  await endMatter(deps, matter, "closed", by, now);
  return { ok: true, message: message(line(`Affaire ${roomKey} close : ${matter.referent} a été retiré du salon.`)) };
}

/** `!referents`: active matters, their people and expiries. */
export function list(deps: Pick<MatterDeps, "matters" | "timeZone">, now: number): Outcome {
  const active = deps.matters.active();
  if (active.length === 0) return { ok: true, message: message(line("Aucune affaire partagée en cours.")) };
  return {
    ok: true,
    message: message(
      line(strong(`${active.length} affaire(s) partagée(s) en cours`)),
      ...active.map((m) =>
        line(
          code(m.key),
          ` · ${m.referent}${subjectOf(m) ? ` · « ${subjectOf(m)} »` : ""} · jusqu'au ${formatUntil(m.expiresAt, deps.timeZone)} · ${deps.matters.grantedRefs(m.key, now).join(", ") || "rien de partagé"}`,
        ),
      ),
    ),
  };
}

/** The expiry tick: every matter past its date loses its referent (runs again after a restart). */
export async function expireDue(deps: MatterDeps, now: number): Promise<number> {
  const due = dueForRemoval(deps.matters.active(), now);
  for (const matter of due) await endMatter(deps, matter, "expired", "bot", now);
  return due.length;
}
