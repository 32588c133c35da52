import type { MatrixContent } from "../../../src/matrix/content.js";
import type { OutboundImage, Transport } from "../../../src/matrix/transport.js";

export interface Posted {
  roomId: string;
  kind: "event" | "image" | "file";
  type: string;
  content: MatrixContent;
  image?: OutboundImage;
  txnKey: string;
}

/**
 * The transport as the handlers see it, in memory: every send and image kept in order, the same
 * `txnKey` never posting twice (as the real one guarantees across restarts).
 */
export class MemoryTransport implements Pick<Transport, "userId" | "send" | "sendImage" | "sendFile"> {
  readonly posted: Posted[] = [];
  constructor(readonly userId = "@bot:t") {}

  private post(entry: Posted): string {
    const existing = this.posted.findIndex((p) => p.roomId === entry.roomId && p.txnKey === entry.txnKey);
    if (existing !== -1) return `$out${existing}`;
    this.posted.push(entry);
    return `$out${this.posted.length - 1}`;
  }

  send(roomId: string, type: string, content: MatrixContent, txnKey: string): Promise<string> {
    return Promise.resolve(this.post({ roomId, kind: "event", type, content, txnKey }));
  }

  sendFile(
    roomId: string,
    file: { name: string; mimetype: string; bytes: Buffer },
    extra: MatrixContent,
    txnKey: string,
  ): Promise<string> {
    const content = { ...extra, msgtype: "m.file", body: file.name, info: { mimetype: file.mimetype, size: file.bytes.length } };
    return Promise.resolve(this.post({ roomId, kind: "file", type: "m.room.message", content, txnKey }));
  }

  sendImage(roomId: string, image: OutboundImage, extra: MatrixContent, txnKey: string): Promise<string> {
    const content = {
      ...extra,
      msgtype: "m.image",
      body: image.name,
      info: { mimetype: image.mimetype, size: image.bytes.length, w: image.w, h: image.h },
    };
    return Promise.resolve(this.post({ roomId, kind: "image", type: "m.room.message", content, image, txnKey }));
  }
}
