/**
 * The iopub channel: every message goes out in order through one send queue (zeromq allows one send in
 * flight per socket), and stream text is coalesced (a loop of console.log becomes one message per turn
 * of the event loop, not thousands) and always flushed before any other message, so outputs keep their
 * order. Nothing is dropped or cut: the publisher has no high-water mark.
 */
import * as zmq from "zeromq";
import { encode, newMessage, type Header } from "../run/message";

type Parent = Partial<Header>;

export class IOPub {
  private sending: Promise<void> = Promise.resolve();
  private pending: { parent: Parent; name: "stdout" | "stderr"; text: string } | null = null;
  private flushScheduled = false;

  constructor(
    private readonly socket: zmq.Publisher,
    private readonly key: string,
    private readonly session: string,
    private readonly kernelId: string,
  ) {}

  /** Publish a message (after any pending stream text). */
  send(type: string, content: object, parent: Parent, metadata: Record<string, unknown> = {}): Promise<void> {
    this.flushStream();
    return this.enqueue(type, content, parent, metadata);
  }

  /** Stream text for the front end, coalesced with what the same parent wrote just before. */
  stream(name: "stdout" | "stderr", text: string, parent: Parent): void {
    if (!text) return;
    const p = this.pending;
    if (p && p.name === name && p.parent === parent) p.text += text;
    else {
      this.flushStream();
      this.pending = { parent, name, text };
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flushStream();
      });
    }
  }

  /** Resolves once everything published so far is handed to zeromq. */
  flush(): Promise<void> {
    this.flushStream();
    return this.sending;
  }

  private flushStream(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    void this.enqueue("stream", { name: p.name, text: p.text }, p.parent, {});
  }

  private enqueue(type: string, content: object, parent: Parent, metadata: Record<string, unknown>): Promise<void> {
    const msg = newMessage(type, content, this.session, parent);
    msg.metadata = metadata;
    // the topic frame, as ipykernel sends it (clients subscribe to everything)
    msg.identities = [Buffer.from(`kernel.${this.kernelId}.${type}`)];
    const frames = encode(this.key, msg);
    this.sending = this.sending.then(() => this.socket.send(frames)).catch(() => undefined);
    return this.sending;
  }
}
