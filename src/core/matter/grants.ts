/**
 * Grants: a report shared with a matter room until a date. Pure data and pure rules; the bound
 * policy (`app/policy.ts`) asks `grantAllows` for rooms the bot created.
 */
export interface Grant {
  roomKey: string;
  ref: string;
  until: number;
  revokedAt: number | null;
}

export interface MatterRoom {
  key: string;
  roomId: string;
  kind: "matter";
  purpose: string;
  referent: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  status: "active" | "closed" | "expired";
  referentJoinedAt: number | null;
}

/**
 * A matter room sees exactly the reports granted to it, while the grant runs and the matter is
 * active; nothing else (no reference, no grant, or past its date: nothing).
 */
export function grantAllows(
  matter: Pick<MatterRoom, "status" | "expiresAt"> | undefined,
  grant: Pick<Grant, "until" | "revokedAt"> | undefined,
  at: number,
): boolean {
  if (!matter || !grant) return false;
  if (matter.status !== "active" || at >= matter.expiresAt) return false;
  return grant.revokedAt === null && at < grant.until;
}

/** The matters whose time is up and whose referent must be removed. */
export function dueForRemoval<M extends Pick<MatterRoom, "status" | "expiresAt">>(matters: readonly M[], at: number): M[] {
  return matters.filter((m) => m.status === "active" && m.expiresAt <= at);
}

/** Who may be in a matter room: its referent and the coordinator's people; nobody else. */
export function mayBeInMatterRoom(
  person: { kind: "coordinator" | "officer" | "referent"; userId: string } | null,
  matter: Pick<MatterRoom, "referent">,
): boolean {
  if (!person) return false;
  if (person.kind === "coordinator") return true;
  return person.kind === "referent" && person.userId === matter.referent;
}

const DAY = 86_400_000;

export type Duration = { ok: true; until: number } | { ok: false; error: string };

/**
 * A matter's duration as the coordinator types it: `30j`, `12h`, `10min`, or `jusqu'au 15/01`
 * (end of that day, in the cell's time zone; next year when the date has passed). At most a year.
 */
export function parseDuration(text: string, now: number, timeZone: string): Duration {
  const t = text.trim().toLowerCase().replace(/’/g, "'");
  const relative = /^(\d{1,3})\s*(j|jours?|h|heures?|min|minutes?)$/.exec(t);
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2] ?? "j";
    const ms = unit.startsWith("j") ? n * DAY : unit.startsWith("h") ? n * 3_600_000 : n * 60_000;
    if (n <= 0) return { ok: false, error: "Durée nulle : indiquez par ex. 30j." };
    if (ms > 366 * DAY) return { ok: false, error: "Durée trop longue : un an au plus (ex. 90j)." };
    return { ok: true, until: now + ms };
  }
  const until = /^(?:jusqu'au|jusqu'à|au)\s*(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?$/.exec(t);
  if (until) {
    const day = Number(until[1]);
    const month = Number(until[2]);
    const today = localDate(now, timeZone);
    let year = until[3] ? Number(until[3].length === 2 ? `20${until[3]}` : until[3]) : today.year;
    let end = endOfLocalDay(year, month, day, timeZone);
    if (end === null) return { ok: false, error: `Date inconnue : « ${until[1]}/${until[2]} » (ex. jusqu'au 15/01).` };
    if (end <= now && !until[3]) {
      year += 1;
      end = endOfLocalDay(year, month, day, timeZone) ?? end;
    }
    if (end <= now) return { ok: false, error: "Cette date est passée." };
    if (end - now > 366 * DAY) return { ok: false, error: "Durée trop longue : un an au plus." };
    return { ok: true, until: end };
  }
  return { ok: false, error: `Durée non comprise : « ${text} » (ex. 30j ou jusqu'au 15/01).` };
}

function localDate(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(
    new Date(at),
  );
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

/** The first instant after `day/month/year` 23:59:59 in `timeZone`, or null for an impossible date. */
function endOfLocalDay(year: number, month: number, day: number, timeZone: string): number | null {
  const utc = Date.UTC(year, month - 1, day + 1);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // Local midnight of the next day: shift by the zone's offset at that moment (twice for DST edges).
  let guess = utc;
  for (let i = 0; i < 2; i++) {
    const local = localDate(guess, timeZone);
    const hour = Number(
      new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(new Date(guess)),
    );
    const minutes = Number(new Intl.DateTimeFormat("en-GB", { timeZone, minute: "2-digit" }).format(new Date(guess)));
    const localMs = Date.UTC(local.year, local.month - 1, local.day, hour, minutes);
    guess = utc - (localMs - guess);
  }
  return guess;
}
