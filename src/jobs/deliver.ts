import type { Classified } from "../core/policy.js";
import {
  renderBlindMatch,
  renderCard,
  renderCardGroup,
  renderMatch,
  renderUpdate,
  renderWithdrawn,
} from "../core/diffusion/render.js";
import { type Message, MESSAGE_BUDGET_BYTES, messageBytes } from "../core/message.js";
import { REDACTION_NOTE } from "../core/report/report.js";
import type { Vocabulary } from "../core/report/render.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { CardGroup, GroupMember, OutboxItem, OutboxStore } from "../store/outbox.js";
import type { ReportStore, StoredReport } from "../store/reports.js";
import { takeBack } from "../app/take-back.js";

export interface DeliveryDeps {
  outbox: OutboxStore;
  reports: Pick<ReportStore, "byId" | "history">;
  roomIdOf(roomKey: string): string | undefined;
  /** The diffusion policy, asked again at the last moment, on the report as it is now. */
  roomMaySee(report: Classified, roomKey: string): boolean;
  roomService(roomKey: string): string | undefined;
  vocabulary: Vocabulary;
  transport: Pick<Transport, "send" | "redact">;
  /** Journal of communications (who received what). */
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

async function deliverMatch(
  item: OutboxItem,
  report: StoredReport,
  roomId: string,
  deps: DeliveryDeps,
  now: number,
): Promise<Delivery> {
  const match = await deps.outbox.match(item.matchId);
  const other = match ? await deps.reports.byId(match.otherId) : undefined;
  if (!match || !other) {
    await deps.outbox.markDone(item.id, "dropped", null, now, "match not found");
    return "dropped";
  }
  const seesReport = deps.roomMaySee(classify(report), item.roomKey);
  const seesOther = deps.roomMaySee(classify(other), item.roomKey);
  const roomService = deps.roomService(item.roomKey);
  const entity = { kind: match.kind, display: match.display };
  let content: Message;
  let what: string;
  let about: number[];
  if (seesReport && seesOther) {
    const [mine, theirs] = other.service === roomService ? [other, report] : [report, other];
    content = renderMatch(mine, theirs, entity, deps.vocabulary);
    what = `rapprochement ${mine.ref} ↔ ${theirs.ref}`;
    about = [report.id, other.id];
  } else if ((seesReport && roomService === report.service) || (seesOther && roomService === other.service)) {
    // The room of a report's service, not entitled to the other report: it learns only that a match exists.
    const mine = seesReport && roomService === report.service ? report : other;
    content = renderBlindMatch(mine, entity);
    what = `rapprochement aveugle (${mine.ref})`;
    about = [mine.id];
  } else {
    await deps.outbox.markDone(item.id, "dropped", null, now, "room not entitled to this match");
    return "dropped";
  }
  const eventId = await send(
    deps,
    roomId,
    content,
    `match:${report.ref}:${other.ref}:${match.kind}:${match.value}:${item.roomKey}`,
  );
  await deps.outbox.recordSent(item.roomKey, eventId, "match", about, now);
  await deps.outbox.markDone(item.id, "sent", eventId, now);
  await deps.communicated(report.ref, item.roomKey, what, "match");
  return "sent";
}

function send(deps: DeliveryDeps, roomId: string, content: Message, txnKey: string, threadRoot?: string): Promise<string> {
  const thread = threadRoot ? { eventId: threadRoot, threadRootId: threadRoot } : undefined;
  return deps.transport.send(roomId, "m.room.message", noticeContent(content, thread), txnKey);
}
