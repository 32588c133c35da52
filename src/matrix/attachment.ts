import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Encrypted attachments (Matrix spec, "Sending encrypted attachments", v2): AES-256-CTR with a
 * random key and a 128-bit IV whose low 64 bits are zero; the key, IV and SHA-256 of the
 * ciphertext travel inside the (encrypted) event, never to the media repository.
 */
export function encryptAttachment(plain: Buffer) {
  const key = randomBytes(32);
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const unpadded = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
  return {
    data,
    file: {
      v: "v2",
      key: { kty: "oct", key_ops: ["encrypt", "decrypt"], alg: "A256CTR", k: key.toString("base64url"), ext: true },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(createHash("sha256").update(data).digest()) },
    },
  };
}
