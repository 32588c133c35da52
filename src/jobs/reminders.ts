import type { Directory } from "../core/directory.js";
import { dueReminders, renderReminder } from "../core/rhythm/reminders.js";
import type { Logger } from "../log.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";

export interface ReminderDeps {
  directory: Pick<Directory, "config" | "coordinatorService">;
  rhythm: Pick<RhythmDeps, "rhythm" | "gather" | "context" | "serviceRoom">;
  transport: Pick<Transport, "send">;
  roomIdOf(key: string): string | undefined;
  /** Records a reminder citing a report, so that narrowing the report takes the reminder back too. */
  recordReminder(roomKey: string, eventId: string, ref: string): Promise<void>;
  daysBefore: number;
  log: Pick<Logger, "info">;
}

/**
 * Posts the action reminders due now (one before the due date, one once overdue), each once. The
 * policy is asked again on the action's report as it is now: a reminder goes to the owner
 * service's room only while that room may see the report; otherwise to the coordinator's room,
 * saying why.
 */
export async function postDueReminders(deps: ReminderDeps, now: number): Promise<void> {
  const { rhythm } = deps.rhythm;
  const ctx = deps.rhythm.context(now);
  const sent = await rhythm.postedKeys("remind:");
  const due = dueReminders(await rhythm.openActions(), new Set([...sent].map((k) => k.slice("remind:".length))), now, {
    daysBefore: deps.daysBefore,
    timeZone: ctx.timeZone,
  });
  const coordinatorRoom = deps.rhythm.serviceRoom(deps.directory.coordinatorService.key);
  for (const reminder of due) {
    const owner = deps.rhythm.serviceRoom(reminder.action.service);
    const ownerMaySee = owner !== undefined && (await deps.rhythm.gather.actionVisible(reminder.action, owner));
    const room = ownerMaySee ? owner : coordinatorRoom;
    const roomId = room ? deps.roomIdOf(room) : undefined;
    if (!roomId || !room || !(await deps.rhythm.gather.actionVisible(reminder.action, room))) continue;
    // An intentional mention of the owner service's members: this one is meant to notify.
    const members = ownerMaySee
      ? (deps.directory.config.services.find((s) => s.key === reminder.action.service)?.members ?? [])
      : [];
    const content = noticeContent(renderReminder(reminder, ctx, ownerMaySee ? null : reminder.action.service));
    content["m.mentions"] = { user_ids: members };
    if (members.length > 0) content.body = `${String(content.body)}\n${members.join(" ")}`;
    const eventId = await deps.transport.send(roomId, "m.room.message", content, `remind:${reminder.key}`);
    if (reminder.action.ref) await deps.recordReminder(room, eventId, reminder.action.ref);
    await rhythm.claim(`remind:${reminder.key}`, now);
    deps.log.info({ action: reminder.action.id, kind: reminder.kind, redirected: !ownerMaySee }, "action reminder posted");
  }
}
