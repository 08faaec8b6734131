// Stand-ins that let the browser tests drive static/js/socket.js step by step: a clock whose
// time moves only when the test says so, and a WebSocket whose server side the test plays.

export class FakeClock {
  constructor() {
    this.now = 0;
    this.timers = new Map(); // id -> {at, fn}
    this.next = 1;
    this.setTimeout = (fn, ms = 0) => {
      const id = this.next++;
      this.timers.set(id, { at: this.now + ms, fn });
      return id;
    };
    this.clearTimeout = (id) => this.timers.delete(id);
  }

  // Move time forward by `ms`, running every timer that falls due, in order of time.
  advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (!due.length) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.now = timer.at;
      timer.fn();
    }
    this.now = until;
  }

  // The delays of the pending timers, shortest first.
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
}

// Every socket made is kept in FakeWebSocket.made; the test opens it, sends it frames and
// closes it from the server's side, and reads what the client sent.
export class FakeWebSocket extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static made = [];

  constructor(url) {
    super();
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    this.closedByClient = false;
    FakeWebSocket.made.push(this);
  }

  send(text) {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error("not open");
    this.sent.push(JSON.parse(text));
  }

  close() {
    this.closedByClient = true;
    this.readyState = FakeWebSocket.CLOSED;
    this.dispatchEvent(new Event("close"));
  }

  // The server's side.
  serverOpen() {
    this.readyState = FakeWebSocket.OPEN;
    this.dispatchEvent(new Event("open"));
  }

  serverSend(frame) {
    this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }

  serverClose() {
    this.readyState = FakeWebSocket.CLOSED;
    this.dispatchEvent(new Event("close"));
  }
}
