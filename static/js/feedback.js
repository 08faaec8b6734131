// The working group's summary page: while it is open, a banner says when new feedback arrives.
// The page itself is complete without this module; it only listens on the draft's websocket
// (docs/protocol.md) and never changes the figures by itself: reloading shows them exactly.

const page = document.getElementById("feedback");
const banner = document.getElementById("feedback-banner");
const RELEVANT = /^(comment\.|votes\.changed$|supports\.changed$|draft\.updated$)/;
let attempt = 0;

if (page?.dataset.live && banner) connect();

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${page.dataset.live}`);
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "hello" || message.type === "heartbeat") {
      if (message.type === "hello") attempt = 0;
      // Something happened since the page was rendered (a heartbeat tells of an event whose
      // broadcast was lost).
      const votesRev = Object.values(message.counts ?? {}).reduce((sum, c) => sum + c.rev, 0);
      if (message.seq > Number(page.dataset.seq ?? 0)) showBanner(socket);
      else if (votesRev > Number(page.dataset.votesRev ?? 0)) showBanner(socket);
    } else if (RELEVANT.test(message.type ?? "")) {
      showBanner(socket);
    }
  });
  socket.addEventListener("close", () => {
    if (!banner.hidden) return; // the reader knows already: no need to listen any more
    const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random());
    attempt += 1;
    setTimeout(connect, delay);
  });
}

function showBanner(socket) {
  banner.hidden = false;
  socket.close(); // the figures are stale now; one reload shows them all
}
