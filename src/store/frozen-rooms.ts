import type { Database } from "./db.js";

/**
 * Rooms frozen for safety. Kept in memory too, because the diffusion policy asks synchronously and
 * often; SQLite makes the freeze survive restarts.
 */
export class FrozenRooms {
  private constructor(
    private readonly db: Database,
    private readonly keys: Set<string>,
  ) {}

  static async load(db: Database): Promise<FrozenRooms> {
    const rows = await db.all<{ room_key: string }>("SELECT room_key FROM frozen_rooms");
    return new FrozenRooms(db, new Set(rows.map((r) => r.room_key)));
  }

  has(roomKey: string): boolean {
    return this.keys.has(roomKey);
  }

  /** True when the room was not frozen yet (so the coordinator is alerted once). */
  async freeze(roomKey: string, reason: string, now: number): Promise<boolean> {
    const { changes } = await this.db.run("INSERT OR IGNORE INTO frozen_rooms (room_key, reason, frozen_at) VALUES (?, ?, ?)", [
      roomKey,
      reason,
      now,
    ]);
    this.keys.add(roomKey);
    return changes > 0;
  }

  /** Someone not entitled to the room joined it: it stays frozen while they are in. */
  async intruderJoined(roomKey: string, userId: string, now: number): Promise<void> {
    await this.db.run("INSERT OR IGNORE INTO room_intruders (room_key, user_id, joined_at) VALUES (?, ?, ?)", [
      roomKey,
      userId,
      now,
    ]);
  }

  async intruderLeft(roomKey: string, userId: string): Promise<void> {
    await this.db.run("DELETE FROM room_intruders WHERE room_key = ? AND user_id = ?", [roomKey, userId]);
  }

  async intruders(roomKey: string): Promise<string[]> {
    const rows = await this.db.all<{ user_id: string }>(
      "SELECT user_id FROM room_intruders WHERE room_key = ? ORDER BY joined_at",
      [roomKey],
    );
    return rows.map((r) => r.user_id);
  }

  async thaw(roomKey: string): Promise<boolean> {
    const { changes } = await this.db.run("DELETE FROM frozen_rooms WHERE room_key = ?", [roomKey]);
    this.keys.delete(roomKey);
    return changes > 0;
  }
}
