// The room view for a projector at a public session: the latest comments on a draft arrive
// live, and the number of people reading along is kept up to date. Read-only: it never writes.
// Without JavaScript the page still shows the comments as they were when it was loaded.
import { authorName, cloneComment } from "./comment.js";
import { follow, heartbeatOf } from "./socket.js";

const room = document.getElementById("room");
const list = document.getElementById("room-comments");
const template = document.getElementById("room-comment");
const viewers = document.getElementById("room-viewers");

const numbers = parseJSON(room?.dataset.numbers); // paragraph key -> number as people cite it
const strings = parseJSON(room?.dataset.strings);
const limit = Number(room?.dataset.limit ?? 8);

// The draft's socket (./socket.js): reconnects, watches the heartbeat, applies events in order.
// Only the public stream's events carry a seq; a moderator's pending items never show here.
if (room?.dataset.live && list && template) {
  follow(room.dataset.live, {
    seq: Number(room.dataset.seq ?? 0),
    heartbeatMs: heartbeatOf(room),
    apply,
    onHello: (hello) => showViewers(hello.viewers),
    onFrame: receive,
  });
}

function parseJSON(text) {
  try {
    return JSON.parse(text ?? "{}");
  } catch {
    return {};
  }
}

// Frames without a seq.
function receive(message) {
  if (message.type === "presence") showViewers(message.viewers);
  else if (message.type === "resync") location.reload(); // too much was missed: render afresh
}

function apply(event) {
  switch (event.type) {
    case "comment.created":
      if (event.comment?.status === "published") prepend(event.comment);
      break;
    case "comment.updated": {
      const body = find(event.comment)?.querySelector("[data-body]");
      if (body && event.data) body.innerHTML = event.data.body_html;
      break;
    }
    case "comment.removed":
      // Removed by the moderation or deleted by its author: it leaves the wall at once.
      find(event.comment)?.closest("li")?.remove();
      break;
    default:
  }
}

function find(id) {
  return list.querySelector(`[data-comment="${Number(id)}"]`);
}

function prepend(comment) {
  if (find(comment.id)) return; // already shown (a resumed event)
  const node = cloneComment(template, comment, authorName(comment, strings));
  node.classList.add("room-comment--new");
  const number = numbers[comment.paragraph];
  node.querySelector("[data-paragraph-number]").textContent = number
    ? (strings.paragraph ?? "%(n)s").replace("%(n)s", number)
    : "";
  node.querySelector("[data-marker]").textContent = marker(comment);
  list.querySelector("[data-empty]")?.remove();
  const item = document.createElement("li");
  item.append(node);
  list.prepend(item);
  while (list.children.length > limit) list.lastElementChild.remove();
}

function offline(comment) {
  return comment.channel && comment.channel !== "online";
}

function marker(comment) {
  if (!offline(comment)) return "";
  const text = (strings.markers?.[comment.channel] ?? "").replace("%(date)s", formatDate(comment.contributed_on));
  const parts = [text, comment.place, comment.late_entry ? strings.late : ""];
  return parts.filter(Boolean).join(" · ");
}

function formatDate(iso) {
  if (!iso) return "";
  // A calendar day, not an instant: format it in UTC so that no time zone shifts it.
  const day = new Date(`${iso}T00:00:00Z`);
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    timeZone: "UTC",
  }).format(day);
}

function showViewers(count) {
  if (!viewers || typeof count !== "number") return;
  viewers.hidden = false;
  viewers.querySelector("[data-viewers]").textContent = String(count);
}
