import type { Message } from "../core/message.js";
import type { Logger } from "../log.js";
import { noticeContent, threadRelation } from "../matrix/content.js";
import type { OutboundImage, Transport } from "../matrix/transport.js";
import { agendaFor } from "../app/rhythm/agenda-for.js";
import type { RhythmDeps } from "../app/rhythm/deps.js";
import { postTwoPart } from "./two-part.js";

const DAY = 86_400_000;

export interface AgendaTickDeps {
  rhythm: RhythmDeps;
  transport: Pick<Transport, "send" | "sendImage">;
  roomIdOf(key: string): string | undefined;
  /** Where agendas go: the coordination room. */
  coordinationRoom: string | undefined;
  daysBefore: number;
  /** The map carried by an agenda (territory): the room's facts since `since`, compared with before. */
  agendaMap?(roomKey: string, since: number, now: number): Promise<{ message: Message; image: OutboundImage }>;
  log: Logger;
}

/**
 * Posts the agenda of every meeting that comes within `daysBefore` days, once (a stable key,
 * recorded after posting), with the map of the period since the last meeting in its thread.
 */
export async function postDueAgendas(deps: AgendaTickDeps, now: number): Promise<void> {
  const room = deps.coordinationRoom;
  const roomId = room && deps.roomIdOf(room);
  if (!room || !roomId) return;
  for (const meeting of await deps.rhythm.rhythm.upcoming(now, 10)) {
    const key = `agenda:${meeting.id}:${meeting.at}`;
    if (now < meeting.at - deps.daysBefore * DAY) continue;
    if ((await deps.rhythm.rhythm.postedKeys(key)).has(key)) continue;
    const posted = await postTwoPart(deps.transport, roomId, await agendaFor(meeting, room, deps.rhythm, now), key);
    if (deps.agendaMap) {
      // A map that cannot be drawn never holds the agenda back.
      try {
        const since = (await deps.rhythm.rhythm.lastHeld(now))?.at ?? now - 30 * DAY;
        const map = await deps.agendaMap(room, since, now);
        const thread = { eventId: posted.root, threadRootId: posted.root };
        await deps.transport.send(roomId, "m.room.message", noticeContent(map.message, thread), `${key}:map`);
        await deps.transport.sendImage(roomId, map.image, { "m.relates_to": threadRelation(thread) }, `${key}:map-image`);
      } catch (error) {
        deps.log.warn({ meeting: meeting.id, err: error }, "agenda map could not be posted");
      }
    }
    await deps.rhythm.rhythm.claim(key, now);
    deps.log.info({ meeting: meeting.id }, "agenda posted");
  }
}
