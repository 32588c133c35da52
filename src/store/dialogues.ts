import type { DialogueState } from "../core/report/dialogue.js";
import type { Queries } from "./db.js";

export interface StoredDialogue {
  threadRoot: string;
  roomId: string;
  userId: string;
  state: DialogueState;
  expiresAt: number;
}

/** Guided reports in progress, keyed by their thread: they survive a restart and expire. */
export class DialogueStore {
  constructor(private readonly db: Queries) {}

  async get(threadRoot: string): Promise<StoredDialogue | undefined> {
    const row = await this.db.get<{
      thread_root: string;
      room_id: string;
      user_id: string;
      draft_json: string;
      expires_at: number;
    }>("SELECT thread_root, room_id, user_id, draft_json, expires_at FROM dialogues WHERE thread_root = ?", [threadRoot]);
    return row ? toDialogue(row) : undefined;
  }

  async save(dialogue: StoredDialogue, now = Date.now()): Promise<void> {
    await this.db.run(
      `INSERT INTO dialogues (thread_root, room_id, user_id, step, draft_json, original_text, updated_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (thread_root) DO UPDATE SET step = excluded.step, draft_json = excluded.draft_json,
         updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
      [
        dialogue.threadRoot,
        dialogue.roomId,
        dialogue.userId,
        dialogue.state.queue[0] ?? "done",
        JSON.stringify(dialogue.state),
        dialogue.state.originalText,
        now,
        dialogue.expiresAt,
      ],
    );
  }

  async remove(threadRoot: string): Promise<void> {
    await this.db.run("DELETE FROM dialogues WHERE thread_root = ?", [threadRoot]);
  }

  async expired(now = Date.now()): Promise<StoredDialogue[]> {
    const rows = await this.db.all<{
      thread_root: string;
      room_id: string;
      user_id: string;
      draft_json: string;
      expires_at: number;
    }>("SELECT thread_root, room_id, user_id, draft_json, expires_at FROM dialogues WHERE expires_at <= ? ORDER BY expires_at", [
      now,
    ]);
    return rows.map(toDialogue);
  }
}

function toDialogue(row: {
  thread_root: string;
  room_id: string;
  user_id: string;
  draft_json: string;
  expires_at: number;
}): StoredDialogue {
  return {
    threadRoot: row.thread_root,
    roomId: row.room_id,
    userId: row.user_id,
    state: JSON.parse(row.draft_json) as DialogueState,
    expiresAt: row.expires_at,
  };
}
