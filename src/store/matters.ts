import { type Grant, grantAllows, type MatterRoom } from "../core/matter/grants.js";
import type { Database } from "./db.js";

interface RoomRow {
  key: string;
  room_id: string;
  purpose: string;
  referent: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  status: MatterRoom["status"];
  referent_joined_at: number | null;
}

const toMatter = (r: RoomRow): MatterRoom => ({
  key: r.key,
  roomId: r.room_id,
  kind: "matter",
  purpose: r.purpose,
  referent: r.referent,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  status: r.status,
  referentJoinedAt: r.referent_joined_at,
});

/**
 * Rooms the bot created (kind `matter`) and their grants. Kept in memory too, because the bound
 * policy asks synchronously; SQLite makes them survive restarts.
 */
export class MatterStore {
  private constructor(
    private readonly db: Database,
    private readonly rooms: Map<string, MatterRoom>,
    private readonly grantsByRoom: Map<string, Map<string, Grant>>,
  ) {}

  static async load(db: Database): Promise<MatterStore> {
    const rows = await db.all<RoomRow>("SELECT * FROM bot_rooms");
    const grants = await db.all<{ room_key: string; report_ref: string; until: number; revoked_at: number | null }>(
      "SELECT room_key, report_ref, until, revoked_at FROM grants",
    );
    const store = new MatterStore(db, new Map(rows.map((r) => [r.key, toMatter(r)])), new Map());
    for (const g of grants) store.remember({ roomKey: g.room_key, ref: g.report_ref, until: g.until, revokedAt: g.revoked_at });
    return store;
  }

  private remember(grant: Grant): void {
    const byRef = this.grantsByRoom.get(grant.roomKey) ?? new Map<string, Grant>();
    byRef.set(grant.ref, grant);
    this.grantsByRoom.set(grant.roomKey, byRef);
  }

  byKey(key: string): MatterRoom | undefined {
    return this.rooms.get(key);
  }

  byRoomId(roomId: string): MatterRoom | undefined {
    return [...this.rooms.values()].find((m) => m.roomId === roomId);
  }

  /** Every matter room, whatever its status (an ended room is still known: its events are ignored by the policy). */
  all(): MatterRoom[] {
    return [...this.rooms.values()];
  }

  active(): MatterRoom[] {
    return this.all().filter((m) => m.status === "active");
  }

  /** The next free key: `affaire-1`, `affaire-2`… */
  nextKey(): string {
    let n = this.rooms.size + 1;
    while (this.rooms.has(`affaire-${n}`)) n++;
    return `affaire-${n}`;
  }

  async create(matter: Omit<MatterRoom, "kind" | "status" | "referentJoinedAt">): Promise<MatterRoom> {
    await this.db.run(
      `INSERT INTO bot_rooms (key, room_id, kind, purpose, referent, created_by, created_at, expires_at)
       VALUES (?, ?, 'matter', ?, ?, ?, ?, ?)`,
      [matter.key, matter.roomId, matter.purpose, matter.referent, matter.createdBy, matter.createdAt, matter.expiresAt],
    );
    const stored: MatterRoom = { ...matter, kind: "matter", status: "active", referentJoinedAt: null };
    this.rooms.set(matter.key, stored);
    return stored;
  }

  /** Shares a report with the room until the matter's end (a renewed share un-revokes it). */
  async grant(roomKey: string, ref: string, by: string, at: number, until: number): Promise<void> {
    await this.db.run(
      `INSERT INTO grants (room_key, report_ref, granted_by, granted_at, until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (room_key, report_ref) DO UPDATE SET granted_by = excluded.granted_by, granted_at = excluded.granted_at,
         until = excluded.until, revoked_at = NULL`,
      [roomKey, ref, by, at, until],
    );
    this.remember({ roomKey, ref, until, revokedAt: null });
  }

  /** True when there was a running grant to take back. */
  async revoke(roomKey: string, ref: string, at: number): Promise<boolean> {
    const grant = this.grantsByRoom.get(roomKey)?.get(ref);
    if (!grant || grant.revokedAt !== null) return false;
    await this.db.run("UPDATE grants SET revoked_at = ? WHERE room_key = ? AND report_ref = ?", [at, roomKey, ref]);
    this.remember({ ...grant, revokedAt: at });
    return true;
  }

  /** Moves the matter's end (and its running grants') to `until`. */
  async extend(roomKey: string, until: number): Promise<void> {
    await this.db.run("UPDATE bot_rooms SET expires_at = ? WHERE key = ?", [until, roomKey]);
    await this.db.run("UPDATE grants SET until = ? WHERE room_key = ? AND revoked_at IS NULL", [until, roomKey]);
    const matter = this.rooms.get(roomKey);
    if (matter) this.rooms.set(roomKey, { ...matter, expiresAt: until });
    for (const grant of this.grantsByRoom.get(roomKey)?.values() ?? []) {
      if (grant.revokedAt === null) this.remember({ ...grant, until });
    }
  }

  /** True the first time the referent joins (the brief is posted then: `joined` history). */
  async referentJoined(roomKey: string, at: number): Promise<boolean> {
    const { changes } = await this.db.run(
      "UPDATE bot_rooms SET referent_joined_at = ? WHERE key = ? AND referent_joined_at IS NULL",
      [at, roomKey],
    );
    const matter = this.rooms.get(roomKey);
    if (matter && changes > 0) this.rooms.set(roomKey, { ...matter, referentJoinedAt: at });
    return changes > 0;
  }

  /** Whether the report has a grant row in the room (running or not). */
  hasGrant(roomKey: string, ref: string): boolean {
    return this.grantsByRoom.get(roomKey)?.has(ref) ?? false;
  }

  async wasBriefed(roomKey: string, userId: string): Promise<boolean> {
    return (
      (await this.db.get("SELECT 1 AS x FROM matter_briefs WHERE room_key = ? AND user_id = ?", [roomKey, userId])) !== undefined
    );
  }

  async markBriefed(roomKey: string, userId: string, at: number): Promise<void> {
    await this.db.run("INSERT OR IGNORE INTO matter_briefs (room_key, user_id, briefed_at) VALUES (?, ?, ?)", [
      roomKey,
      userId,
      at,
    ]);
  }

  async end(roomKey: string, status: "closed" | "expired", at: number): Promise<void> {
    await this.db.run("UPDATE bot_rooms SET status = ?, ended_at = ? WHERE key = ? AND status = 'active'", [status, at, roomKey]);
    const matter = this.rooms.get(roomKey);
    if (matter && matter.status === "active") this.rooms.set(roomKey, { ...matter, status });
  }

  /** The references granted to the room and running at `at`. */
  grantedRefs(roomKey: string, at: number): string[] {
    const matter = this.rooms.get(roomKey);
    return [...(this.grantsByRoom.get(roomKey)?.values() ?? [])].filter((g) => grantAllows(matter, g, at)).map((g) => g.ref);
  }

  /** The matter rooms a report is granted to right now (for the fan-out of its updates). */
  roomsGranted(ref: string, at: number): string[] {
    return this.active()
      .filter((m) => grantAllows(m, this.grantsByRoom.get(m.key)?.get(ref), at))
      .map((m) => m.key);
  }

  /** The bound check for a room the bot created: exactly its running grants. */
  allows(roomKey: string, ref: string | undefined, at: number): boolean {
    if (ref === undefined) return false;
    return grantAllows(this.rooms.get(roomKey), this.grantsByRoom.get(roomKey)?.get(ref), at);
  }
}
