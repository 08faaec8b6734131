// The room view for a projector at a public session: the latest comments on a draft arrive
// live, and the number of people reading along is kept up to date. Read-only: it never writes.
// Without JavaScript the page still shows the comments as they were when it was loaded.
import { Sequence } from "./sequence.js";

const room = document.getElementById("room");
const list = document.getElementById("room-comments");
const template = document.getElementById("room-comment");
const viewers = document.getElementById("room-viewers");

const numbers = parseJSON(room?.dataset.numbers); // paragraph key -> number as people cite it
const strings = parseJSON(room?.dataset.strings);
const limit = Number(room?.dataset.limit ?? 8);
const state = {
  attempt: 0,
  socket: null,
};
const sequence = new Sequence(Number(room?.dataset.seq ?? 0), apply, resume);

if (room?.dataset.live && list && template) connect();

function parseJSON(text) {
  try {
    return JSON.parse(text ?? "{}");
  } catch {
    return {};
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const lang = room.dataset.lang === "en" ? "?lang=en" : "";
  const socket = new WebSocket(`${scheme}://${location.host}${room.dataset.live}${lang}`);
  state.socket = socket;
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    state.socket = null;
    // Exponential backoff with jitter, so that a restarted server is not hit by everyone at once.
    const base = Math.min(30000, 1000 * 2 ** state.attempt);
    state.attempt += 1;
    setTimeout(connect, base * (0.5 + Math.random()));
  });
}

function receive(message) {
  switch (message.type) {
    case "hello":
      state.attempt = 0;
      showViewers(message.viewers);
      // Catch up on what happened since the page was rendered (or since the last event seen).
      if (message.seq > sequence.last) resume();
      else if (message.seq < sequence.last) location.reload();
      return;
    case "heartbeat": // the draft's latest seq: resume if events were missed
      sequence.expect(message.seq);
      return;
    case "presence":
      showViewers(message.viewers);
      return;
    case "resync":
      location.reload(); // too much was missed: the page renders the latest state
      return;
    default:
      // Only the public stream's events (they carry a seq); never a moderator's pending items.
      if (typeof message.seq === "number") sequence.push(message);
  }
}

function resume() {
  if (state.socket?.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify({ action: "resume", since: sequence.last }));
  }
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
  const node = template.content.firstElementChild.cloneNode(true);
  node.dataset.comment = String(comment.id);
  node.classList.add("room-comment--new");
  const number = numbers[comment.paragraph];
  node.querySelector("[data-paragraph-number]").textContent = number
    ? (strings.paragraph ?? "%(n)s").replace("%(n)s", number)
    : "";
  node.querySelector("[data-author]").textContent = authorName(comment);
  node.querySelector("[data-marker]").textContent = marker(comment);
  // body_html was cleaned by the server's sanitizer; the page's CSP is the second wall.
  node.querySelector("[data-body]").innerHTML = comment.body_html;
  list.querySelector("[data-empty]")?.remove();
  const item = document.createElement("li");
  item.append(node);
  list.prepend(item);
  while (list.children.length > limit) list.lastElementChild.remove();
}

function offline(comment) {
  return comment.channel && comment.channel !== "online";
}

function authorName(comment) {
  if (comment.author) return comment.author;
  if (offline(comment)) return comment.pseudonym || (strings.anonymous?.[comment.channel] ?? "");
  return strings.deleted ?? "";
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
