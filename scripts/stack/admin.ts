/**
 * Synapse admin helpers: shared-secret registration, rate-limit overrides, password login.
 * Reused by end-to-end tests to register throw-away accounts on the local stack.
 */
import { createHmac } from "node:crypto";

import { requestJson, seg, stringField } from "./http.js";

export interface RegisteredUser {
  user_id: string;
  access_token: string;
}

export interface LoggedInUser extends RegisteredUser {
  device_id: string;
}

/**
 * Registers `localpart` through `/_synapse/admin/v1/register` (shared secret, HMAC-SHA1 of
 * nonce\0user\0password\0admin|notadmin). Returns the new user's id and access token.
 */
export async function registerUser(
  homeserver: string,
  sharedSecret: string,
  localpart: string,
  password: string,
  admin: boolean,
): Promise<RegisteredUser> {
  const path = "/_synapse/admin/v1/register";
  const nonceAnswer = await requestJson(homeserver, "GET", path);
  const nonce = stringField(nonceAnswer, "nonce", `GET ${path}`);
  const mac = createHmac("sha1", sharedSecret)
    .update(nonce)
    .update("\0")
    .update(localpart)
    .update("\0")
    .update(password)
    .update("\0")
    .update(admin ? "admin" : "notadmin")
    .digest("hex");
  const answer = await requestJson(homeserver, "POST", path, {
    body: { nonce, username: localpart, password, admin, mac },
  });
  return {
    user_id: stringField(answer, "user_id", `POST ${path}`),
    access_token: stringField(answer, "access_token", `POST ${path}`),
  };
}

/** Exempts `userId` from Synapse's message rate limits (needs an admin token). */
export async function overrideRatelimit(homeserver: string, adminToken: string, userId: string): Promise<void> {
  await requestJson(homeserver, "POST", `/_synapse/admin/v1/users/${seg(userId)}/override_ratelimit`, {
    token: adminToken,
    body: { messages_per_second: 0, burst_count: 0 },
  });
}

/** Password login (m.login.password, m.id.user), optionally with a fixed device id. */
export async function loginWithPassword(
  homeserver: string,
  userId: string,
  password: string,
  deviceId?: string,
): Promise<LoggedInUser> {
  const path = "/_matrix/client/v3/login";
  const body: Record<string, unknown> = {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: userId },
    password,
  };
  if (deviceId !== undefined) {
    body["device_id"] = deviceId;
    body["initial_device_display_name"] = deviceId;
  }
  const answer = await requestJson(homeserver, "POST", path, { body });
  return {
    user_id: stringField(answer, "user_id", `POST ${path}`),
    access_token: stringField(answer, "access_token", `POST ${path}`),
    device_id: stringField(answer, "device_id", `POST ${path}`),
  };
}
