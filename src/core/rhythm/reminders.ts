/**
 * Reminders of the actions decided in meetings: one before the due date, one once it has passed,
 * never twice (the caller stores the keys it has sent). Also the one-line description of an action
 * shared by digests and agendas, so that an action reads the same everywhere.
 */
import { tz } from "@date-fns/tz";
import { addDays, subDays } from "date-fns";
import { formatLocal } from "../fr/when.js";
import { code, em, type Inline, line, message, type Message, strong } from "../message.js";
import type { RhythmAction, RhythmContext } from "./types.js";

export type ReminderKind = "before" | "overdue";
export interface DueReminder {
  action: RhythmAction;
  kind: ReminderKind;
  /** `before:<id>` or `overdue:<id>`: what the caller records once the reminder is posted. */
  key: string;
}
export interface ReminderOptions {
  daysBefore: number;
  /** Calendar days are counted in this zone (default Europe/Paris), so a DST change does not shift them by an hour. */
  timeZone?: string;
}

export const reminderKey = (kind: ReminderKind, id: number): string => `${kind}:${id}`;

/**
 * The reminders to post now. An action is overdue once `now > due`; before that it gets its "before"
 * reminder from `daysBefore` local days ahead. A late run that finds the due date already passed
 * sends only the "overdue" one: a "before" reminder after the fact would be noise.
 */
export function dueReminders(actions: RhythmAction[], sent: Set<string>, now: number, options: ReminderOptions): DueReminder[] {
  const zone = { in: tz(options.timeZone ?? "Europe/Paris") };
  const out: DueReminder[] = [];
  for (const action of [...actions].sort(byDue)) {
    if (action.status !== "open") continue;
    const kind: ReminderKind | null =
      now > action.due ? "overdue" : now >= subDays(action.due, options.daysBefore, zone).getTime() ? "before" : null;
    if (kind === null) continue;
    const key = reminderKey(kind, action.id);
    if (!sent.has(key)) out.push({ action, kind, key });
  }
  return out;
}

/** `redirectedFrom`: the owner service, when its room may no longer see the action's report. */
export function renderReminder(
  r: { action: RhythmAction; kind: ReminderKind },
  ctx: RhythmContext,
  redirectedFrom: string | null = null,
): Message {
  const a = r.action;
  const due = formatLocal(new Date(a.due), ctx.timeZone);
  const service = ctx.vocabulary.serviceName(a.service);
  const head =
    r.kind === "before"
      ? `⏰ Action n°${a.id} (${service}) à échéance le ${due} : `
      : `⚠️ Action n°${a.id} (${service}) en retard depuis le ${due} : `;
  return message(
    line(strong(head), a.text),
    ...(a.ref ? [line("Renseignement : ", code(a.ref), " — détail : ", code(`!voir ${a.ref}`))] : []),
    ...(redirectedFrom
      ? [
          line(
            em(
              `Rappel non envoyé au salon ${ctx.vocabulary.serviceName(redirectedFrom)} : le renseignement lié ne lui est plus diffusé.`,
            ),
          ),
        ]
      : []),
    line(em("Une fois l'action réalisée, tapez "), code(`!fait ${a.id}`), em(".")),
  );
}

/** Open actions split for display: overdue (`now > due`), due within `days` local days, and later. */
export function classifyActions(
  actions: RhythmAction[],
  now: number,
  timeZone: string,
  days = 7,
): { overdue: RhythmAction[]; soon: RhythmAction[]; later: RhythmAction[] } {
  const horizon = addDays(now, days, { in: tz(timeZone) }).getTime();
  const open = actions.filter((a) => a.status === "open").sort(byDue);
  return {
    overdue: open.filter((a) => now > a.due),
    soon: open.filter((a) => now <= a.due && a.due <= horizon),
    later: open.filter((a) => a.due > horizon),
  };
}

/** "n°12 · DDSP · échéance mardi 1er décembre 2026 à 18:00 — text — 88-2026-0042". */
export function describeAction(a: RhythmAction, ctx: RhythmContext): Inline[] {
  return [
    strong(`n°${a.id}`),
    ` · ${ctx.vocabulary.serviceName(a.service)} · échéance ${formatLocal(new Date(a.due), ctx.timeZone)} — ${a.text}`,
    ...(a.ref ? [" — ", code(a.ref)] : []),
  ];
}

function byDue(a: RhythmAction, b: RhythmAction): number {
  return a.due - b.due || a.id - b.id;
}
