/** Registers the demo users and creates the configured rooms on a fresh local Synapse. */
import { randomBytes } from "node:crypto";

import { loginWithPassword, overrideRatelimit, registerUser } from "./admin.js";
import { localpartOf, type StackCrossConfig } from "./cross-config.js";
import { requestJson, seg, stringField } from "./http.js";
import { SERVER_NAME } from "./paths.js";

export type StackRole = "officer" | "coordinator" | "referent" | "outsider";

export interface StackUser {
  key: string;
  user_id: string;
  password: string;
  access_token: string;
  role: StackRole;
  service: string | null;
}

export interface StackRoomInfo {
  key: string;
  room_id: string;
  alias: string;
  kind: "service" | "coordination" | "triage";
  service: string | null;
  /** Created end-to-end encrypted (`m.room.encryption`, Megolm), as Tchap creates private rooms. */
  encrypted: boolean;
  /** Humans joined to the room: the coordinator who created it + the invited humans (the bot is only invited). */
  members: string[];
}

export interface Provisioned {
  admin: { user_id: string; password: string; access_token: string };
  bot: { user_id: string; password: string; access_token: string; device_id: string };
  users: StackUser[];
  rooms: StackRoomInfo[];
}

export const BOT_DEVICE_ID = "CROSSBOT";

export const OUTSIDER_ID = `@visiteur:${SERVER_NAME}`;

/** The state event that makes a room end-to-end encrypted from its creation. */
export const ENCRYPTION_STATE = {
  type: "m.room.encryption",
  state_key: "",
  content: { algorithm: "m.megolm.v1.aes-sha2" },
} as const;

export interface ProvisionOptions {
  /** Create the configured rooms end-to-end encrypted (the default of the stack) or in the clear. */
  encrypted: boolean;
}

export function randomPassword(): string {
  return randomBytes(12).toString("base64url"); // 16 url-safe characters
}

function checkLocal(userId: string): string {
  if (!userId.endsWith(`:${SERVER_NAME}`)) {
    throw new Error(`${userId} is not on ${SERVER_NAME}: the local stack only hosts ${SERVER_NAME} users`);
  }
  return localpartOf(userId);
}

/** The humans described by the config (+ the outsider), with their stack keys. */
function plannedUsers(config: StackCrossConfig): Omit<StackUser, "password" | "access_token">[] {
  const planned: Omit<StackUser, "password" | "access_token">[] = [];
  for (const service of config.services) {
    service.members.forEach((userId, i) => {
      planned.push({
        key: i === 0 ? service.key : `${service.key}-${i + 1}`,
        user_id: userId,
        role: service.role === "coordinator" ? "coordinator" : "officer",
        service: service.key,
      });
    });
  }
  config.referents.forEach((userId, i) => {
    planned.push({ key: i === 0 ? "referent" : `referent-${i + 1}`, user_id: userId, role: "referent", service: null });
  });
  planned.push({ key: "outsider", user_id: OUTSIDER_ID, role: "outsider", service: null });
  const seen = new Set<string>();
  for (const user of planned) {
    if (seen.has(user.user_id)) throw new Error(`${user.user_id} appears twice in the CROSS config`);
    seen.add(user.user_id);
  }
  return planned;
}

function aliasLocalpart(alias: string): string {
  const match = /^#([^:]+):(.+)$/.exec(alias);
  if (match === null || match[1] === undefined || match[2] !== SERVER_NAME) {
    throw new Error(`room ${alias}: the local stack needs an alias like #name:${SERVER_NAME}`);
  }
  return match[1];
}

export async function provision(
  homeserver: string,
  sharedSecret: string,
  config: StackCrossConfig,
  options: ProvisionOptions,
): Promise<Provisioned> {
  const adminPassword = randomPassword();
  const adminReg = await registerUser(homeserver, sharedSecret, "admin", adminPassword, true);
  const admin = { user_id: adminReg.user_id, password: adminPassword, access_token: adminReg.access_token };

  const botPassword = randomPassword();
  const botReg = await registerUser(homeserver, sharedSecret, checkLocal(config.botUserId), botPassword, false);

  const users = await Promise.all(
    plannedUsers(config).map(async (plan): Promise<StackUser> => {
      const password = randomPassword();
      const reg = await registerUser(homeserver, sharedSecret, checkLocal(plan.user_id), password, false);
      if (reg.user_id !== plan.user_id) throw new Error(`registered ${reg.user_id}, expected ${plan.user_id}`);
      return {
        key: plan.key,
        user_id: plan.user_id,
        password,
        access_token: reg.access_token,
        role: plan.role,
        service: plan.service,
      };
    }),
  );

  await Promise.all(
    [botReg.user_id, ...users.map((u) => u.user_id)].map((id) => overrideRatelimit(homeserver, admin.access_token, id)),
  );

  const botLogin = await loginWithPassword(homeserver, botReg.user_id, botPassword, BOT_DEVICE_ID);
  const bot = {
    user_id: botLogin.user_id,
    password: botPassword,
    access_token: botLogin.access_token,
    device_id: botLogin.device_id,
  };

  const coordinatorService = config.services.find((s) => s.role === "coordinator");
  const coordinator = users.find((u) => u.role === "coordinator" && u.service === coordinatorService?.key);
  if (coordinatorService === undefined || coordinator === undefined) {
    throw new Error("the coordinator service has no member: nobody can create the rooms");
  }
  const allServiceMembers = config.services.flatMap((s) => s.members);
  const byId = new Map(users.map((u) => [u.user_id, u]));

  const rooms: StackRoomInfo[] = [];
  for (const room of config.rooms) {
    const localAlias = aliasLocalpart(room.room);
    const humans =
      room.kind === "service"
        ? (config.services.find((s) => s.key === room.service)?.members ?? [])
        : room.kind === "coordination"
          ? allServiceMembers
          : coordinatorService.members;
    const invitees = humans.filter((id) => id !== coordinator.user_id);
    const created = await requestJson(homeserver, "POST", "/_matrix/client/v3/createRoom", {
      token: coordinator.access_token,
      body: {
        preset: "private_chat",
        visibility: "private",
        room_alias_name: localAlias,
        name: `CROSS ${config.departement} — ${room.service ?? room.kind}`,
        invite: [bot.user_id, ...invitees],
        ...(options.encrypted ? { initial_state: [ENCRYPTION_STATE] } : {}),
      },
    });
    const roomId = stringField(created, "room_id", "POST /_matrix/client/v3/createRoom");
    await Promise.all(
      invitees.map(async (id) => {
        const member = byId.get(id);
        if (member === undefined) throw new Error(`no account for ${id}`);
        await requestJson(homeserver, "POST", `/_matrix/client/v3/join/${seg(roomId)}`, {
          token: member.access_token,
          body: {},
        });
      }),
    );
    const members = [coordinator.user_id, ...invitees];
    rooms.push({
      key: room.key,
      room_id: roomId,
      alias: room.room,
      kind: room.kind,
      service: room.service,
      encrypted: options.encrypted,
      members,
    });
  }
  return { admin, bot, users, rooms };
}
