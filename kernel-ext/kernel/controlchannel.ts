/**
 * The control and heartbeat channels: interrupt, kernel info and shutdown requests, and the heartbeat echo.
 * Served on the control thread (control.ts) in an interactive kernel, where a cell may block the main
 * thread; on the main thread in a graded kernel (TLAB_CONTROL_THREAD=0), where the grader interrupts by
 * signal and a second isolate would cost ~0.3 s of CPU per submission (measured: docs/grading.md).
 */
import * as zmq from "zeromq";
import { channelAddress, type ConnectionInfo } from "../run/connection";
import { decode, encode, newMessage, type Header, type Message } from "../run/message";

/** What the control channel asks of the kernel. */
export interface ControlHandlers {
  /** interrupt_request: stop the running cell */
  interrupt(): void;
  /** shutdown_request, after its reply went out */
  shutdown(restart: boolean, parent: Header): void;
}

/** The control and heartbeat sockets, bound: `serve` answers them until `close`. */
export interface ControlChannel {
  serve(handlers: ControlHandlers): Promise<void>;
  close(): void;
}

/** Bind the control and heartbeat ports of `connection` (throws when they cannot be bound). */
export async function bindControl(connection: ConnectionInfo, session: string, kernelInfo: Record<string, unknown>): Promise<ControlChannel> {
  // linger: a reply sent just before the sockets close (shutdown_reply) still goes out
  const control = new zmq.Router({ linger: 200 });
  const hb = new zmq.Reply({ linger: 0 });
  try {
    await control.bind(channelAddress(connection, "control"));
    await hb.bind(channelAddress(connection, "hb"));
  } catch (e) {
    control.close();
    hb.close();
    throw e;
  }
  const serve = async (handlers: ControlHandlers): Promise<void> => {
    void (async () => {
      try {
        for await (const frames of hb) await hb.send(frames);
      } catch {
        // closed
      }
    })();
    let sending = Promise.resolve();
    const reply = (req: Message, type: string, content: object) => {
      const msg = newMessage(type, content, session, req.header);
      msg.identities = req.identities;
      sending = sending.then(() => control.send(encode(connection.key, msg))).catch(() => undefined);
      return sending;
    };
    try {
      for await (const frames of control) {
        let req: Message;
        try {
          req = decode(connection.key, frames);
        } catch {
          continue; // unsigned or malformed: ignore, as the spec says
        }
        switch (req.header.msg_type) {
          case "interrupt_request":
            handlers.interrupt();
            await reply(req, "interrupt_reply", { status: "ok" });
            break;
          case "kernel_info_request":
            await reply(req, "kernel_info_reply", kernelInfo);
            break;
          case "shutdown_request": {
            const restart = Boolean(req.content.restart);
            await reply(req, "shutdown_reply", { status: "ok", restart });
            handlers.shutdown(restart, req.header);
            break;
          }
          default:
            // debug_request and others: this kernel does not implement them (debugger: false)
            break;
        }
      }
    } catch {
      // closed
    }
  };
  return {
    serve,
    close() {
      if (!control.closed) control.close();
      if (!hb.closed) hb.close();
    },
  };
}

