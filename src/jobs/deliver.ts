import type { Classified } from "../core/policy.js";
import { renderBlindMatch, renderCard, renderMatch, renderUpdate, renderWithdrawn } from "../core/diffusion/render.js";
import type { Message } from "../core/message.js";
import { REDACTION_NOTE } from "../core/report/report.js";
import type { Vocabulary } from "../core/report/render.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { OutboxItem, OutboxStore } from "../store/outbox.js";
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
  communicated(ref: string, roomKey: string, what: string): Promise<void>;
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
    const version = history.find((v) => v.version === item.version) ?? history[history.length - 1];
    if (!version) return "skipped";
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
  await deps.communicated(report.ref, item.roomKey, what);
  return "sent";
}

function send(deps: DeliveryDeps, roomId: string, content: Message, txnKey: string, threadRoot?: string): Promise<string> {
  const thread = threadRoot ? { eventId: threadRoot, threadRootId: threadRoot } : undefined;
  return deps.transport.send(roomId, "m.room.message", noticeContent(content, thread), txnKey);
}
