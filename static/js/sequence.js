// A draft's events carry a gapless sequence number. Apply them in order, drop duplicates, and
// when a gap stays open for a moment, ask for what is missing (docs/protocol.md, section 6).

// `timers` may hand in {setTimeout, clearTimeout} (the browser tests' clock).
export class Sequence {
  constructor(last, apply, resume, gapMs = 800, timers = {}) {
    this.setTimeout = timers.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimeout = timers.clearTimeout ?? ((id) => clearTimeout(id));
    this.last = last; // the newest seq applied, with nothing missing before it
    this.apply = apply;
    this.resume = resume;
    this.gapMs = gapMs;
    this.ahead = new Map(); // seq -> event received ahead of a gap
    this.known = last; // the newest seq the server said exists (a heartbeat's)
    this.timer = null;
  }

  push(event) {
    if (event.seq <= this.last) return;
    this.ahead.set(event.seq, event);
    while (this.ahead.has(this.last + 1)) {
      const next = this.ahead.get(this.last + 1);
      this.ahead.delete(this.last + 1);
      this.last += 1;
      this.apply(next);
    }
    this.arm();
  }

  // A heartbeat: the server's latest seq. Events still missing after a moment are asked for
  // (a broadcast can be lost after COMMIT; only the heartbeat reveals the last one).
  expect(seq) {
    this.known = Math.max(this.known, seq);
    this.arm();
  }

  arm() {
    this.clearTimeout(this.timer);
    if (this.ahead.size || this.known > this.last) this.timer = this.setTimeout(this.resume, this.gapMs);
  }

  // After the state was reloaded over HTTP: it is at least as new as `seq`.
  restartFrom(seq) {
    this.last = Math.max(this.last, seq);
    const held = [...this.ahead.values()].sort((a, b) => a.seq - b.seq);
    this.ahead.clear();
    for (const event of held) this.push(event);
  }
}
