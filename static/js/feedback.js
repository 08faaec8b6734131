// The working group's summary page: while it is open, a banner says when new feedback arrives.
// The page itself is complete without this module; it only listens on the draft's websocket
// (docs/protocol.md) and never changes the figures by itself: reloading shows them exactly.
import { heartbeatOf, Socket } from "./socket.js";

const page = document.getElementById("feedback");
const banner = document.getElementById("feedback-banner");
const RELEVANT = /^(comment\.|votes\.changed$|supports\.changed$|draft\.updated$)/;

if (page?.dataset.live && banner) {
  const socket = new Socket(page.dataset.live, { heartbeatMs: heartbeatOf(page), onMessage });

  function onMessage(message) {
    if (message.type === "hello" || message.type === "heartbeat") {
      // Something happened since the page was rendered (a heartbeat tells of an event whose
      // broadcast was lost).
      const votesRev = Object.values(message.counts ?? {}).reduce((sum, c) => sum + c.rev, 0);
      if (message.seq > Number(page.dataset.seq ?? 0)) showBanner();
      else if (votesRev > Number(page.dataset.votesRev ?? 0)) showBanner();
    } else if (RELEVANT.test(message.type ?? "")) {
      showBanner();
    }
  }

  function showBanner() {
    banner.hidden = false;
    socket.stop(); // the figures are stale now; one reload shows them all
  }

  socket.start();
}
