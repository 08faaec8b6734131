// The moderation queue, live: new pending and reported comments appear, a decision by any
// moderator removes the item everywhere, and decisions are sent without leaving the page.
// On every hello (the first and each after a reconnect) the queue is read again: the server
// joins before it says hello, so whatever happened while the page was not listening is in it.

import { Socket } from "./socket.js";

// Addresses and words come from the page (data-*), in its language: /en/… stays English.
const live = document.getElementById("moderation-live");
const actionLabels = JSON.parse(live.dataset.actions || "{}");
const announcer = document.getElementById("live-announcer");
const queues = Object.fromEntries([...document.querySelectorAll("[data-queue]")].map((q) => [q.dataset.queue, q]));

bind(document);
// The moderation socket sends no heartbeat (docs/protocol.md 6.5): no heartbeat watch.
new Socket(live.dataset.socket, { onOpen: online, onClose: offline, onMessage: receive }).start();

function online() {
  live.hidden = false;
  live.classList.remove("live-status--offline");
  live.textContent = live.dataset.label;
}

function offline() {
  // Said where the moderator is (fixed in the viewport), not just a badge that disappears:
  // until the queue is read again on the next hello, others' decisions do not show here.
  if (!live.classList.contains("live-status--offline")) say(live.dataset.offline);
  live.hidden = false;
  live.classList.add("live-status--offline");
  live.textContent = live.dataset.offline;
}

function receive(event) {
  if (event.type === "hello") {
    refetch();
  } else if (event.type === "moderation.decided") {
    const item = document.getElementById(`m-${event.comment}`);
    if (item && !item.dataset.mine) {
      say(`#${event.comment}: ${actionLabels[event.action] ?? event.action} (${event.by})`);
      remove(item);
    }
  } else if (event.type === "comment.pending") {
    insert("pending", event.comment.id, event.draft);
  } else if (event.type === "moderation.reported") {
    insert("reported", event.comment, event.draft);
  }
}

async function insert(queueName, id, draft) {
  const queue = queues[queueName];
  if (!queue || (queue.dataset.draftFilter && queue.dataset.draftFilter !== draft)) return;
  const url = live.dataset.itemUrl.replace("999999999", id);
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) return;
  const holder = document.createElement("ol");
  holder.innerHTML = await response.text();
  const item = holder.firstElementChild;
  const existing = queue.querySelector(`#m-${id}`);
  if (existing) existing.replaceWith(item);
  else {
    queue.querySelector("[data-empty]")?.remove();
    queue.querySelector("[data-items]").append(item);
  }
  bind(item);
  count(queue);
  say(item.querySelector("h3")?.textContent.trim().split("\n")[0] ?? "");
}

function bind(root) {
  for (const form of root.querySelectorAll("form[data-decide]")) form.addEventListener("submit", decide);
}

async function refetch() {
  const response = await fetch(location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const focused = document.activeElement;
  for (const [name, queue] of Object.entries(queues)) {
    const list = fresh.querySelector(`[data-queue="${name}"] [data-items]`);
    if (!list) continue;
    // Items already shown stay as they are (with what the moderator typed); new ones come in,
    // decided ones go.
    const items = [...list.children].map((item) => {
      const shown = item.dataset.item && document.getElementById(item.id);
      if (shown) return shown;
      const adopted = document.adoptNode(item);
      bind(adopted);
      return adopted;
    });
    queue.querySelector("[data-items]").replaceChildren(...items);
    count(queue);
  }
  if (focused?.isConnected && document.activeElement !== focused) focused.focus();
}

async function decide(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const item = form.closest("[data-item]");
  item.dataset.mine = "1";
  // getAttribute: the form has an input named "action", which shadows form.action.
  const response = await fetch(form.getAttribute("action"), {
    method: "POST",
    body: new FormData(form),
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({ ok: false, message: response.statusText }));
  if (answer.ok) {
    say(answer.message);
    remove(item);
  } else {
    delete item.dataset.mine;
    let box = item.querySelector(".live-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "live-error field-errors";
      box.setAttribute("role", "alert");
      item.querySelector(".queue-item__actions").prepend(box);
    }
    box.textContent = answer.message;
  }
}

function remove(item) {
  // Keep the keyboard where the work is: focus moves to the next item's first button.
  const next = item.nextElementSibling ?? item.previousElementSibling;
  const hadFocus = item.contains(document.activeElement);
  const queue = item.closest("[data-queue]");
  item.remove();
  count(queue);
  if (hadFocus) next?.querySelector("button, summary")?.focus();
}

function count(queue) {
  const items = queue?.querySelectorAll("[data-item]").length ?? 0;
  const counter = queue?.querySelector("[data-queue-count]");
  if (counter) counter.textContent = items;
  // "Release all selected" only while something is waiting.
  const bulk = queue?.querySelector("[data-bulk]");
  if (bulk) bulk.hidden = items === 0;
}

function say(text) {
  announcer.textContent = text;
}
