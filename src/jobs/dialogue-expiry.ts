import type { CaptureDeps } from "../app/capture-deps.js";
import { expiryNotice } from "../app/dialogue.js";
import type { Logger } from "../log.js";
import { noticeContent } from "../matrix/content.js";
import type { Transport } from "../matrix/transport.js";

/**
 * Closes guided reports left without an answer: a message in their thread, then the state is
 * dropped. The state lives in SQLite, so a dialogue that expired while the bot was down is closed
 * at start-up; the message's transaction key makes a repeated sweep post nothing twice.
 */
export function startDialogueExpiry(
  capture: CaptureDeps,
  transport: Pick<Transport, "send">,
  log: Logger,
  intervalMs = 15_000,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const minutes = Math.round(capture.dialogueTimeoutMs / 60_000);
  const sweep = async () => {
    for (const dialogue of await capture.dialogues.expired()) {
      const thread = { eventId: dialogue.threadRoot, threadRootId: dialogue.threadRoot };
      await transport.send(
        dialogue.roomId,
        "m.room.message",
        noticeContent(expiryNotice(dialogue, minutes), thread),
        `expire:${dialogue.threadRoot}:${dialogue.expiresAt}`,
      );
      await capture.dialogues.remove(dialogue.threadRoot);
      log.info({ roomId: dialogue.roomId, threadRoot: dialogue.threadRoot }, "guided report expired");
    }
  };
  const tick = () => {
    running = running.then(sweep).catch((error: unknown) => log.warn({ err: String(error) }, "dialogue expiry sweep failed"));
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
