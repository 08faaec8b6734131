// The one websocket client of the site's pages (docs/protocol.md, section 6): it connects to the
// address the page gives, reconnects with exponential backoff and jitter, watches the
// heartbeat, and (with `follow`) applies a draft's events in order and resumes by seq.
import { Sequence } from "./sequence.js";

// The pause before reconnect number `attempt` (0, 1, 2 …) in ms: 1 s doubling up to 30 s, each
// randomized between half and one and a half times that, so that a restarted server is not hit
// by every reader at once. `random` returns [0, 1) like Math.random.
export function backoffDelay(attempt, { baseMs = 1000, capMs = 30000, random = Math.random } = {}) {
  return Math.min(capMs, baseMs * 2 ** attempt) * (0.5 + random());
}

// The page names the socket by its path (data-live, data-socket); the scheme follows the page's.
export function socketUrl(path, base = location.href) {
  const url = new URL(path, base);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

// A socket that stays connected. `onMessage(frame)` gets each parsed frame, `onOpen()` and
// `onClose()` each connection's start and end. With `heartbeatMs` (the server's heartbeat
// interval), a connection that brings no frame for two intervals counts as dead and is replaced:
// a half-open TCP connection never reports its close. The backoff starts again at the first
// frame of a connection (the server's hello), not at the open, so that a server which accepts
// and closes at once is not hammered. `WebSocket`, `random`, `setTimeout` and `clearTimeout` can
// be handed in (the browser tests drive it with a fake socket and clock).
export class Socket {
  constructor(path, options = {}) {
    this.url = socketUrl(path, options.base);
    this.onMessage = options.onMessage ?? (() => {});
    this.onOpen = options.onOpen ?? (() => {});
    this.onClose = options.onClose ?? (() => {});
    this.heartbeatMs = options.heartbeatMs ?? 0;
    this.backoff = { baseMs: options.baseMs, capMs: options.capMs, random: options.random };
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.setTimeout = options.setTimeout ?? globalThis.setTimeout.bind(globalThis);
    this.clearTimeout = options.clearTimeout ?? globalThis.clearTimeout.bind(globalThis);
    this.attempt = 0;
    this.ws = null;
    this.watch = null;
    this.retry = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    const ws = new this.WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      this.arm();
      this.onOpen();
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return; // a replaced connection's late frame
      this.attempt = 0;
      this.arm();
      this.onMessage(JSON.parse(event.data));
    });
    ws.addEventListener("close", () => {
      if (ws === this.ws) this.lost();
    });
    return this;
  }

  get open() {
    return this.ws?.readyState === this.WebSocket.OPEN;
  }

  // Send a frame (an object, sent as JSON); false when not connected.
  send(frame) {
    if (!this.open) return false;
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    return true;
  }

  // Close for good: no reconnect.
  stop() {
    this.stopped = true;
    this.clearTimeout(this.retry);
    this.drop();
  }

  // A connection that stays silent past two heartbeats is dropped and replaced.
  arm() {
    this.clearTimeout(this.watch);
    if (this.heartbeatMs > 0) this.watch = this.setTimeout(() => this.lost(), 2 * this.heartbeatMs);
  }

  drop() {
    this.clearTimeout(this.watch);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== this.WebSocket.CLOSED) ws.close();
  }

  lost() {
    const wasCurrent = this.ws !== null;
    this.drop();
    if (!wasCurrent || this.stopped) return;
    this.onClose();
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt += 1;
    this.retry = this.setTimeout(() => this.start(), delay);
  }
}

// Follow a draft's public stream (section 6.3): events with a seq are applied once and in order
// through `apply(event)`; a gap, a hello or heartbeat ahead of what was applied asks for the rest
// with `resume(since)` (by default the plain `{"action": "resume", "since": …}` frame); a hello
// behind it (the event log was reset) calls `reset()`. Frames without a seq go to `onFrame`,
// `onHello(hello)` runs before the resume is sent, `onHeartbeat(heartbeat)` after the heartbeat's
// seq was taken in (for its other fields, e.g. `votes`). Returns {socket, sequence}.
export function follow(path, options) {
  const {
    seq = 0,
    apply,
    onHello = () => {},
    onFrame = () => {},
    onHeartbeat = () => {},
    reset = () => location.reload(),
    gapMs,
    ...socketOptions
  } = options;
  let socket = null;
  const resume = () => {
    if (!socket.open) return;
    if (options.resume) options.resume(sequence.last);
    else socket.send({ action: "resume", since: sequence.last });
  };
  const sequence = new Sequence(seq, apply, resume, gapMs, socketOptions);
  socket = new Socket(path, {
    ...socketOptions,
    onMessage(frame) {
      if (frame.type === "hello") {
        onHello(frame);
        if (frame.seq > sequence.last) resume();
        else if (frame.seq < sequence.last) reset();
      } else if (frame.type === "heartbeat") {
        sequence.expect(frame.seq); // the draft's latest seq, never an event to apply
        onHeartbeat(frame);
      } else if (typeof frame.seq === "number") {
        sequence.push(frame);
      } else {
        onFrame(frame);
      }
    },
  });
  return { socket: socket.start(), sequence };
}

// The heartbeat interval the page states (data-heartbeat, seconds) in ms; 0 for none.
export function heartbeatOf(element) {
  return Math.max(0, Number(element?.dataset.heartbeat ?? 0) * 1000) || 0;
}
