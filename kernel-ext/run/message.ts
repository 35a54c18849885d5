/**
 * Jupyter messaging protocol 5.3, the wire format: frames
 * `[routing ids..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]`,
 * where hmac is HMAC-SHA256 (hex) over the four JSON frames with the connection file's key.
 */
import { createHmac, randomUUID, timingSafeEqual } from "crypto";
import * as os from "os";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  /** routing prefix: empty on Dealer sockets, the topic on iopub */
  identities: Buffer[];
  header: Header;
  /** empty object when the message answers nothing */
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** HMAC-SHA256 hex digest over the JSON frames; "" when the key is empty (signing disabled, per spec). */
export function sign(key: string, frames: (Buffer | string)[]): string {
  if (!key) return "";
  const hmac = createHmac("sha256", key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

/** A new message of our session, ready for `encode`. */
export function newMessage<C extends object>(
  msgType: string,
  content: C,
  session: string,
  parent: Partial<Header> = {},
): Message<C> {
  return {
    identities: [],
    header: {
      msg_id: randomUUID(),
      session,
      username: safeUsername(),
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent,
    metadata: {},
    content,
    buffers: [],
  };
}

export function encode(key: string, msg: Message<object>): Buffer[] {
  const frames = [msg.header, msg.parent_header, msg.metadata, msg.content].map((o) => Buffer.from(JSON.stringify(o)));
  return [...msg.identities, DELIMITER, Buffer.from(sign(key, frames)), ...frames, ...msg.buffers];
}

/** Parse and verify a received multipart message; throws on a missing delimiter or a bad signature. */
export function decode(key: string, frames: Buffer[]): Message {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new Error("message without the <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new Error(`message with ${frames.length - at - 2} frames after the signature, expected 4`);
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  if (key) {
    const expected = Buffer.from(sign(key, parts));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error("message with an invalid HMAC signature");
    }
  }
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")));
  return { identities: frames.slice(0, at), header, parent_header: parent ?? {}, metadata: metadata ?? {}, content: content ?? {}, buffers: frames.slice(at + 6) };
}

let username: string | undefined;
function safeUsername(): string {
  if (username === undefined) {
    try {
      username = os.userInfo().username;
    } catch {
      username = "transferlab"; // no passwd entry (containers): any name will do
    }
  }
  return username;
}
