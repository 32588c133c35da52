import type { CaptureDeps } from "./capture-deps.js";
import { contributionFields } from "../core/matter/contribution.js";
import { code, line, message, type Message } from "../core/message.js";
import { renderProblems } from "../core/report/render.js";
import type { MatterStore } from "../store/matters.js";
import type { OutboxStore } from "../store/outbox.js";
import type { StoredReport } from "../store/reports.js";

export interface ContributionDeps {
  capture: Pick<CaptureDeps, "reports" | "write" | "captureContext" | "roomMaySee" | "journal">;
  matters: Pick<MatterStore, "byKey" | "grant" | "hasGrant" | "grantedRefs">;
  outbox: Pick<OutboxStore, "reportOfMessage">;
  /** The coordinator service: it owns a referent's contribution (a referent has no service). */
  coordinatorService: string;
}

export interface Contribution {
  matterKey: string;
  roomId: string;
  /** The referent's message: the key that makes the contribution idempotent. */
  eventId: string;
  /** Events the message hangs on (thread root, replied-to event), nearest first. */
  relatedTo: string[];
  text: string;
  referent: { userId: string; name: string };
  at: number;
}

export type ContributionOutcome = { ok: boolean; message: Message };

/**
 * A referent's message in their matter room (a plain message or `!report …`) becomes a report of
 * the coordinator service, source « référent », ungraded, diffused to the coordinator's rooms only
 * (the card tells the coordinator it waits for grading) and granted to the matter room so that the
 * referent sees it. In the thread of (or in reply to) a shared report's card, it is a complement of
 * that report: a report of its own that names it, so that it goes no further than the coordinator
 * whatever that report's diffusion. Stored through the one write path (`app/reports.ts`: the
 * version, then its announcement); a re-delivered message stores nothing twice.
 */
export async function contribute(deps: ContributionDeps, input: Contribution): Promise<ContributionOutcome> {
  const matter = deps.matters.byKey(input.matterKey);
  if (!matter || matter.status !== "active" || matter.roomId !== input.roomId || matter.referent !== input.referent.userId) {
    return { ok: false, message: message(line("Cette affaire n'est plus ouverte : rien n'a été enregistré.")) };
  }
  const existing = await deps.capture.reports.bySourceEvent(input.eventId);
  if (existing) {
    await grantToMatter(deps, input, existing, matter.expiresAt);
    return { ok: true, message: confirmation(existing, []) };
  }
  const ctx = deps.capture.captureContext(new Date(input.at));
  const parent = await sharedReportOf(deps, input);
  const firstShared = parent ? null : await firstSharedCommune(deps, input);
  const read = contributionFields(
    input.text,
    { kind: "referent", userId: input.referent.userId, name: input.referent.name, matter: input.matterKey },
    ctx,
    parent,
    firstShared,
  );
  if (!read.ok) return { ok: false, message: renderProblems(read.problems, input.text, null) };
  const { report } = await deps.capture.write.create({
    sourceEventId: input.eventId,
    roomId: input.roomId,
    roomKey: input.matterKey,
    service: deps.coordinatorService,
    author: input.referent.userId,
    fields: read.fields,
    at: input.at,
  });
  await grantToMatter(deps, input, report, matter.expiresAt);
  return { ok: true, message: confirmation(report, read.toSpecify) };
}

/** The contribution is granted to its own matter room (once: a revoked grant stays revoked). */
async function grantToMatter(deps: ContributionDeps, input: Contribution, report: StoredReport, until: number): Promise<void> {
  if (deps.matters.hasGrant(input.matterKey, report.ref)) return;
  await deps.matters.grant(input.matterKey, report.ref, input.referent.userId, input.at, until);
  await deps.capture.journal({
    at: input.at,
    actor: input.referent.userId,
    action: "communicate",
    ref: report.ref,
    room: input.matterKey,
    detail: `contribution du référent, à coter ; visible dans ${input.matterKey} et par le coordinateur`,
  });
}

/** The shared report whose card (or card thread) the message hangs on, if the room still sees it. */
async function sharedReportOf(deps: ContributionDeps, input: Contribution) {
  for (const eventId of input.relatedTo) {
    const fromCard = await deps.outbox.reportOfMessage(input.matterKey, eventId);
    const report =
      fromCard !== undefined
        ? await deps.capture.reports.byId(fromCard)
        : // The referent's own earlier contribution (its confirmation's thread).
          await deps.capture.reports.bySourceEvent(eventId);
    if (!report || report.status !== "active") continue;
    if (fromCard === undefined && report.roomId !== input.roomId) continue;
    const classified = { service: report.service, diffusion: report.fields.diffusion, ref: report.ref };
    if (deps.capture.roomMaySee(classified, input.matterKey)) return report;
  }
  return null;
}

async function firstSharedCommune(deps: ContributionDeps, input: Contribution) {
  for (const ref of deps.matters.grantedRefs(input.matterKey, input.at)) {
    const report = await deps.capture.reports.byRef(ref);
    if (report) return report.fields.commune;
  }
  return null;
}

function confirmation(report: StoredReport, toSpecify: readonly string[]): Message {
  const complementOf = report.fields.source?.complementOf;
  return message(
    line(
      complementOf ? "📝 Complément de " : "📝 Information enregistrée : ",
      ...(complementOf ? [code(complementOf), " enregistré : "] : []),
      code(report.ref),
      ", transmis(e) au coordinateur, qui l'évaluera.",
    ),
    line(
      ...(toSpecify.length > 0 ? [`Le coordinateur précisera ${toSpecify.join(", ")}. `] : []),
      "Vous la retrouvez avec ",
      code(`!voir ${report.ref}`),
      ".",
    ),
  );
}
