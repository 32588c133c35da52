import { matchRole } from "../core/diffusion/match-audience.js";
import type { Classified } from "../core/policy.js";
import {
  renderAlertGroup,
  renderBlindMatch,
  renderCard,
  renderCardGroup,
  renderMatch,
  renderMatchNote,
  renderUpdate,
  renderWithdrawn,
} from "../core/diffusion/render.js";
import { type Message, MESSAGE_BUDGET_BYTES, messageBytes } from "../core/message.js";
import { REDACTION_NOTE } from "../core/report/report.js";
import type { Vocabulary } from "../core/report/render.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { AlertGroup, AlertMember, CardGroup, GroupMember, MatchRow, OutboxItem, OutboxStore } from "../store/outbox.js";
import type { ReportStore, StoredReport } from "../store/reports.js";
import { takeBack } from "../app/take-back.js";

export interface DeliveryDeps {
  outbox: OutboxStore;
  reports: Pick<ReportStore, "byId" | "history">;
  roomIdOf(roomKey: string): string | undefined;
  /** The diffusion policy, asked again at the last moment, on the report as it is now. */
  roomMaySee(report: Classified, roomKey: string): boolean;
  roomService(roomKey: string): string | undefined;
  /** The coordinator's service: its room is alerted of every match it may see. */
  coordinatorService: string;
  vocabulary: Vocabulary;
  transport: Pick<Transport, "send" | "redact">;
  /** Journals what was sent (`match` for a match alert, `communicate` for a card, update or withdrawal). */
  communicated(ref: string, roomKey: string, what: string, action?: "communicate" | "match"): Promise<void>;
}

export type Delivery = "sent" | "dropped" | "skipped";

const classify = (report: StoredReport): Classified => ({
  service: report.service,
  diffusion: report.fields.diffusion,
  ref: report.ref,
});

/**
 * Delivers one outbox row. Idempotent: every message's transaction key derives from the row's
 * identity, so a retried job (crash, lost response) never posts twice; and a room's updates for a
 * report always go out in version order, whatever order the jobs run in.
 */
export async function deliver(id: number, deps: DeliveryDeps, now = Date.now()): Promise<Delivery> {
  const item = await deps.outbox.item(id);
  if (!item || item.status === "sent" || item.status === "dropped") return "skipped";
  const roomId = deps.roomIdOf(item.roomKey);
  const report = await deps.reports.byId(item.reportId);
  if (!roomId || !report) {
    await deps.outbox.markDone(id, "dropped", null, now, roomId ? "report not found" : "room not resolved");
    return "dropped";
  }
  return item.kind === "report" ? deliverReport(item, report, roomId, deps, now) : deliverMatch(item, report, roomId, deps, now);
}

async function deliverReport(
  item: OutboxItem,
  report: StoredReport,
  roomId: string,
  deps: DeliveryDeps,
  now: number,
): Promise<Delivery> {
  const card = await deps.outbox.card(report.id, item.roomKey);
  if (!deps.roomMaySee(classify(report), item.roomKey)) {
    // The report's diffusion narrowed (or the room was frozen): take back everything the room was
    // sent about it — card, thread updates, match alerts, reminders — and say so where a card stood.
    const taken = await takeBack(deps, { key: item.roomKey, id: roomId }, "Diffusion restreinte", report.id);
    if (card && !card.withdrawn) await deps.outbox.saveCard(report.id, item.roomKey, { ...card, withdrawn: true });
    if (card && (taken > 0 || !card.withdrawn)) {
      const notice = await send(
        deps,
        roomId,
        renderWithdrawn(report.ref),
        `withdrawn:${report.ref}:${item.roomKey}:${card.eventId}`,
      );
      await deps.outbox.markDone(item.id, "sent", notice, now);
      return "sent";
    }
    await deps.outbox.markDone(item.id, "dropped", null, now, taken > 0 ? "taken back" : "room no longer entitled");
    return taken > 0 ? "sent" : "dropped";
  }
  const history = await deps.reports.history(report.id);
  if (report.status === "cancelled" && (!card || card.withdrawn)) {
    await deps.outbox.markDone(item.id, "dropped", null, now, "withdrawn before delivery");
    return "dropped";
  }
  if (!card || card.withdrawn) {
    // A grouped message planned before a crash leaves first, exactly as planned; then this row is
    // looked at again (it may have been in that group).
    const open = await deps.outbox.openGroup(item.roomKey);
    if (open) {
      await sendGroup(open, roomId, deps, now);
      return deliver(item.id, deps, now);
    }
    const version = history.find((v) => v.version === item.version) ?? history[history.length - 1];
    if (!version) return "skipped";
    const others = await waitingForRoom(item.roomKey, report, deps);
    if (others.length > 0) {
      const members = [{ report, version: version.version, after: card?.eventId }, ...others];
      // The key names the members by reference (and the message each one's card replaces), never
      // by row id: stable across a crash, and never the key of an earlier group after a restore.
      const txn = `cards:${item.roomKey}:${members.map((m) => `${m.report.ref}${m.after ? `@${m.after}` : ""}`).join("+")}`;
      const group = await deps.outbox.planGroup(
        item.roomKey,
        txn,
        members.map((m) => ({ reportId: m.report.id, version: m.version })),
        now,
      );
      await sendGroup(group, roomId, deps, now);
      return "sent";
    }
    // Keys name the report by its reference, never by a local row id: a database restored from a
    // backup reuses row ids, and a new report must not inherit an old one's transaction.
    const txn = `card:${report.ref}:${item.roomKey}${card ? `:after:${card.eventId}` : ""}`;
    const eventId = await send(deps, roomId, renderCard({ ...report, fields: version.fields }, deps.vocabulary), txn);
    await deps.outbox.recordSent(item.roomKey, eventId, "card", [report.id], now);
    await deps.outbox.saveCard(report.id, item.roomKey, { eventId, version: version.version, withdrawn: false });
    await deps.outbox.markReportSentUpTo(report.id, item.roomKey, version.version, eventId, now);
    await deps.communicated(report.ref, item.roomKey, `fiche v${version.version}`);
    return "sent";
  }
  const latest = history[history.length - 1];
  if (report.status === "cancelled" && latest?.note === REDACTION_NOTE) {
    // The report's message was deleted at the source: delete its copies too.
    await takeBack(deps, { key: item.roomKey, id: roomId }, "Message d'origine supprimé", report.id);
    await deps.outbox.saveCard(report.id, item.roomKey, { ...card, withdrawn: true, version: report.version });
    await deps.outbox.markReportSentUpTo(report.id, item.roomKey, report.version, card.eventId, now);
    await deps.communicated(report.ref, item.roomKey, "copie supprimée");
    return "sent";
  }
  // Updates in the card's thread, in version order, up to this row's version.
  let delivered = card.version;
  for (const version of history.filter((v) => v.version > card.version && v.version <= item.version)) {
    const before = history.find((v) => v.version === version.version - 1)?.fields ?? version.fields;
    const content = renderUpdate(
      report.ref,
      version.version,
      version.change,
      version.note,
      before,
      version.fields,
      deps.vocabulary,
    );
    const eventId = await send(deps, roomId, content, `update:${report.ref}:${item.roomKey}:${version.version}`, card.eventId);
    await deps.outbox.recordSent(item.roomKey, eventId, "update", [report.id], now);
    delivered = version.version;
    await deps.outbox.saveCard(report.id, item.roomKey, { ...card, version: delivered });
    await deps.outbox.markReportSentUpTo(report.id, item.roomKey, delivered, eventId, now);
    await deps.communicated(report.ref, item.roomKey, `mise à jour v${version.version}`);
  }
  if (delivered >= item.version) await deps.outbox.markDone(item.id, "sent", null, now);
  return "sent";
}

/** At most this many cards in one grouped message (a phone screen or two). */
export const MAX_GROUP = 8;
const GROUP_BUDGET_BYTES = MESSAGE_BUDGET_BYTES / 2;

/**
 * Coalescing under backlog: the other cards waiting for this room right now (their rows not sent,
 * no card of theirs standing there), which this room may still see. Empty without a backlog, and
 * then the card leaves alone, as before.
 */
async function waitingForRoom(
  roomKey: string,
  report: StoredReport,
  deps: DeliveryDeps,
): Promise<{ report: StoredReport; version: number; after: string | undefined }[]> {
  const found: { report: StoredReport; version: number; after: string | undefined }[] = [];
  for (const waiting of await deps.outbox.waitingCards(roomKey, report.id, MAX_GROUP - 1)) {
    const other = await deps.reports.byId(waiting.reportId);
    if (!other || other.status !== "active" || !deps.roomMaySee(classify(other), roomKey)) continue;
    const version = Math.min(waiting.version, other.version);
    found.push({ report: other, version, after: (await deps.outbox.card(other.id, roomKey))?.eventId });
  }
  return found;
}

/**
 * Sends a planned group as one message and records it for every member. A member the room may no
 * longer see (changed between the plan and a send after a crash) is left out of the text, yet
 * recorded and owed a row of its own: if the first attempt did reach the homeserver, that row
 * takes the message back (and re-posts the others).
 */
async function sendGroup(group: CardGroup, roomId: string, deps: DeliveryDeps, now: number): Promise<void> {
  const shown: { report: StoredReport; fields: StoredReport["fields"]; version: number }[] = [];
  const present: GroupMember[] = [];
  const hidden: StoredReport[] = [];
  let bytes = 0;
  for (const member of group.members) {
    const report = await deps.reports.byId(member.reportId);
    if (!report) continue;
    present.push(member);
    if (report.status !== "active" || !deps.roomMaySee(classify(report), group.roomKey)) {
      hidden.push(report);
      continue;
    }
    const history = await deps.reports.history(report.id);
    const version = history.find((v) => v.version === member.version) ?? history[history.length - 1];
    if (!version) continue;
    const card = renderCard({ ...report, fields: version.fields }, deps.vocabulary);
    bytes += messageBytes(card);
    if (shown.length > 0 && bytes > GROUP_BUDGET_BYTES) break; // the rest stays waiting for the next message
    shown.push({ report, fields: version.fields, version: version.version });
  }
  const recorded = present.filter(
    (m) => shown.some((s) => s.report.id === m.reportId) || hidden.some((h) => h.id === m.reportId),
  );
  if (shown.length === 0) {
    await deps.outbox.recordGroup(group, "", [], now); // nothing the room may see is left: nothing to send
    return;
  }
  const content =
    shown.length === 1
      ? renderCard({ ...shown[0]!.report, fields: shown[0]!.fields }, deps.vocabulary)
      : renderCardGroup(
          shown.map((s) => ({ ...s.report, fields: s.fields })),
          deps.vocabulary,
        );
  const eventId = await send(deps, roomId, content, group.txnKey);
  await deps.outbox.recordGroup(group, eventId, recorded, now);
  for (const report of hidden) await deps.outbox.repostCard(report.id, group.roomKey, report.version, group.id, now);
  for (const s of shown) await deps.communicated(s.report.ref, group.roomKey, `fiche v${s.version} (groupée)`);
}

/** A match as one room may learn it now, by the policy asked at this moment. */
interface MatchView {
  item: OutboxItem;
  report: StoredReport;
  other: StoredReport;
  match: MatchRow;
  /** The room's alert: full, blind, or none (the room may not learn of this match). */
  alert: { content: Message; what: string; about: number[] } | null;
  role: "alert" | "note";
  seesBoth: boolean;
}

async function viewMatch(item: OutboxItem, deps: DeliveryDeps): Promise<MatchView | undefined> {
  const report = await deps.reports.byId(item.reportId);
  const match = await deps.outbox.match(item.matchId);
  const other = match ? await deps.reports.byId(match.otherId) : undefined;
  if (!report || !match || !other) return undefined;
  const seesReport = deps.roomMaySee(classify(report), item.roomKey);
  const seesOther = deps.roomMaySee(classify(other), item.roomKey);
  const roomService = deps.roomService(item.roomKey);
  const role = matchRole(roomService, [report.service, other.service], deps.coordinatorService);
  const entity = { kind: match.kind, display: match.display };
  let alert: MatchView["alert"] = null;
  if (seesReport && seesOther) {
    const [mine, theirs] = other.service === roomService ? [other, report] : [report, other];
    alert = {
      content: renderMatch(mine, theirs, entity, deps.vocabulary),
      what: `rapprochement ${mine.ref} ↔ ${theirs.ref}`,
      about: [report.id, other.id],
    };
  } else if ((seesReport && roomService === report.service) || (seesOther && roomService === other.service)) {
    // The room of a report's service, not entitled to the other report: it learns only that a match exists.
    const mine = seesReport && roomService === report.service ? report : other;
    alert = { content: renderBlindMatch(mine, entity), what: `rapprochement aveugle (${mine.ref})`, about: [mine.id] };
  }
  return { item, report, other, match, alert, role, seesBoth: seesReport && seesOther };
}

/**
 * A match row: an alert in the room of either report's service and in the coordinator's room; a
 * quiet note in the thread of the new report's card in any other room entitled to both
 * (`src/core/diffusion/match-audience.ts`). The policy is asked here, on both reports as they are now.
 */
async function deliverMatch(
  item: OutboxItem,
  _report: StoredReport,
  roomId: string,
  deps: DeliveryDeps,
  now: number,
): Promise<Delivery> {
  const view = await viewMatch(item, deps);
  if (!view) {
    await deps.outbox.markDone(item.id, "dropped", null, now, "match not found");
    return "dropped";
  }
  if (view.role === "note") return deliverNote(view, roomId, deps, now);
  // A message of alerts planned before a crash leaves first, exactly as planned; then this row is
  // looked at again (it may have been in it).
  const open = await deps.outbox.openAlertGroup(item.roomKey);
  if (open) {
    await sendAlertGroup(open, roomId, deps, now);
    return deliver(item.id, deps, now);
  }
  if (!view.alert) {
    await deps.outbox.markDone(item.id, "dropped", null, now, "room not entitled to this match");
    return "dropped";
  }
  // Grouping under backlog: the other alerts waiting for this room leave in the same message.
  const members: MatchView[] = [view];
  for (const waiting of await deps.outbox.waitingMatches(item.roomKey, item.id, 4 * MAX_GROUP)) {
    if (members.length >= MAX_GROUP) break;
    const other = await viewMatch(waiting, deps);
    if (other?.role === "alert" && other.alert) members.push(other);
  }
  // Every alert is planned before it is sent, alone or grouped: after a crash the very same message
  // is sent again (same key), and an alert that left alone is never sent again in a group. A lone
  // alert keeps the key it always had; keys name reports by reference, never by row id.
  const txn =
    members.length === 1
      ? alertKey(view, await repostSuffix(item, deps))
      : `alerts:${item.roomKey}:${(await Promise.all(members.map(async (m) => alertKey(m, await repostSuffix(m.item, deps))))).join("+")}`;
  const group = await deps.outbox.planAlertGroup(
    item.roomKey,
    txn,
    members.map((m): AlertMember => ({ outboxId: m.item.id, names: m.alert?.about ?? [] })),
    now,
  );
  await sendAlertGroup(group, roomId, deps, now);
  return "sent";
}

const alertKey = (m: Pick<MatchView, "report" | "other" | "match" | "item">, suffix: string) =>
  `match:${m.report.ref}:${m.other.ref}:${m.match.kind}:${m.match.value}:${m.item.roomKey}${suffix}`;

/** An alert owed again after a take-back (its version names the taken-back message's plan) gets a new key. */
async function repostSuffix(item: OutboxItem, deps: DeliveryDeps): Promise<string> {
  if (item.version === 0) return "";
  return `:after:${(await deps.outbox.groupEvent(item.version)) ?? item.version}`;
}

/**
 * Sends a planned message of alerts and records it. Each member is rendered from the policy asked
 * now; one the room may no longer learn of is dropped. A report the planned text named that the room
 * may no longer see is owed a row of its own: if an earlier attempt did reach the homeserver with
 * it, that row takes the message back (and the other alerts are owed again).
 */
async function sendAlertGroup(group: AlertGroup, roomId: string, deps: DeliveryDeps, now: number): Promise<void> {
  if (group.eventId !== null) return; // recorded already (its plan was found again by its key)
  const shown: MatchView[] = [];
  const dropped: number[] = [];
  const lost = new Set<number>();
  for (const member of group.members) {
    const item = await deps.outbox.item(member.outboxId);
    if (!item || item.status === "sent" || item.status === "dropped") continue;
    const view = await viewMatch(item, deps);
    if (view?.alert) shown.push(view);
    else dropped.push(member.outboxId);
    for (const id of member.names) if (!view?.alert?.about.includes(id)) lost.add(id);
  }
  const about = [...group.members.flatMap((m) => m.names), ...shown.flatMap((m) => m.alert?.about ?? [])];
  const sent = shown.map((m) => m.item.id);
  if (shown.length === 0) {
    // Nothing the room may learn is left: nothing to send.
    await deps.outbox.recordAlertGroup(group, "", { sent, dropped, about }, now);
    return;
  }
  const contents = shown.map((s) => s.alert?.content ?? { blocks: [] });
  const content = contents.length === 1 ? (contents[0] ?? { blocks: [] }) : renderAlertGroup(contents);
  const eventId = await send(deps, roomId, content, group.txnKey);
  await deps.outbox.recordAlertGroup(group, eventId, { sent, dropped, about }, now);
  for (const reportId of lost) {
    const report = await deps.reports.byId(reportId);
    if (report && !deps.roomMaySee(classify(report), group.roomKey))
      await deps.outbox.repostCard(reportId, group.roomKey, report.version, group.id, now);
  }
  for (const s of shown)
    await deps.communicated(s.report.ref, group.roomKey, `${s.alert?.what ?? ""}${shown.length > 1 ? " (groupé)" : ""}`, "match");
}

/** The quiet note, in the thread of the room's card of the new report (sent first if still owed). */
async function deliverNote(view: MatchView, roomId: string, deps: DeliveryDeps, now: number): Promise<Delivery> {
  const { item, report, other, match } = view;
  if (!view.seesBoth) {
    await deps.outbox.markDone(item.id, "dropped", null, now, "room not entitled to this match");
    return "dropped";
  }
  let card = await deps.outbox.card(report.id, item.roomKey);
  if (!card || card.withdrawn) {
    const owed = await deps.outbox.owedReportRow(report.id, item.roomKey);
    if (owed !== undefined) await deliver(owed, deps, now);
    card = await deps.outbox.card(report.id, item.roomKey);
  }
  const thread = card && !card.withdrawn ? card.eventId : undefined;
  const eventId = await send(
    deps,
    roomId,
    renderMatchNote(report, other, { kind: match.kind, display: match.display }, deps.vocabulary),
    `matchnote:${report.ref}:${other.ref}:${match.kind}:${match.value}:${item.roomKey}${await repostSuffix(item, deps)}`,
    thread,
  );
  await deps.outbox.recordSent(item.roomKey, eventId, "match", [report.id, other.id], now);
  await deps.outbox.markDone(item.id, "sent", eventId, now);
  await deps.communicated(report.ref, item.roomKey, `rapprochement ${report.ref} ↔ ${other.ref} (fil)`, "match");
  return "sent";
}

function send(deps: DeliveryDeps, roomId: string, content: Message, txnKey: string, threadRoot?: string): Promise<string> {
  const thread = threadRoot ? { eventId: threadRoot, threadRootId: threadRoot } : undefined;
  return deps.transport.send(roomId, "m.room.message", noticeContent(content, thread), txnKey);
}
