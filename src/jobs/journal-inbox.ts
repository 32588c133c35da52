import type { Logger } from "../log.js";
import type { AuditJournal } from "../store/audit.js";
import { type JournalInbox, moveInbox } from "../store/journal-inbox.js";

/**
 * Moves the report store's journal inbox into the audit journal. At start-up, whatever a stop or a
 * crash left there is appended (once each: the journal skips an origin it holds). Then the
 * journal appends entries as writes commit (`AuditJournal.enqueue`, batched), and this job only
 * trims the inbox of what the journal holds — every `trimEveryMs`, and on stop — and retries what a
 * failed append (a full disk) left queued.
 */
export async function startJournalInbox(
  inbox: JournalInbox,
  journal: AuditJournal,
  log: Logger,
  trimEveryMs = 5000,
): Promise<{ flush(): Promise<void>; stop(): Promise<void> }> {
  let moved = 0;
  let trimmed = 0;
  journal.onMoved = (through) => {
    moved = Math.max(moved, through);
  };
  const recovered = await moveInbox(inbox, journal);
  if (recovered.entries > 0) log.info({ entries: recovered.entries }, "journal entries recovered from the inbox");
  moved = trimmed = recovered.through;
  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    const work = async () => {
      await journal.settled();
      if (moved > trimmed) {
        const through = moved;
        await inbox.forget(through);
        trimmed = through;
      }
    };
    running = running.then(work, work).catch((error: unknown) => log.warn({ err: String(error) }, "journal inbox: trim failed"));
    return running;
  };
  const timer = setInterval(() => void flush(), trimEveryMs);
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
