// Live updates for the reading page. The page works fully without this module: every action
// is a plain form. With it, new comments, votes and supports appear without reloading, and
// comments and votes go over the websocket. Protocol: docs/protocol.md.
import { formatDate } from "./dates.js";
import { sendInPlace } from "./inplace.js";
import { fillQuote, quoteOf, renderQuote } from "./quotes.js";
import { authorName, cloneComment } from "./comment.js";
import { follow, heartbeatOf } from "./socket.js";
import { watchAlike } from "./alike.js";

const article = document.getElementById("draft");
const strings = document.getElementById("live-strings")?.dataset ?? {};
// Label tables the page hands over as JSON, read once.
const dispositions = JSON.parse(strings.dispositions ?? "{}");
const reasons = JSON.parse(strings.reasons ?? "{}");
const anonymous = JSON.parse(strings.anonymous ?? "{}");
const announcer = document.getElementById("live-announcer");
const statusLine = document.getElementById("live-status");
const template = document.getElementById("comment-template");

const state = {
  requests: new Map(), // request_id -> {resolve, reject, frame, write}
  announcements: [],
  announceTimer: null,
};
// The draft's socket (./socket.js): reconnects, watches the heartbeat, applies events in order.
const { socket, sequence } = article?.dataset.live
  ? follow(article.dataset.live, {
      seq: Number(article.dataset.seq ?? 0),
      heartbeatMs: heartbeatOf(article),
      apply,
      onHello: hello,
      onFrame: receive,
      onHeartbeat: heartbeat,
      onClose: closed,
      resume,
    })
  : {};

// Tabs of the same person in this browser tell each other their own vote at once: the server
// tells every page only the counts (votes.changed), never whose vote moved. Other devices of the
// same person learn it on reload; meanwhile a choice the counts can no longer hold is cleared.
const tabs = socket && article.dataset.user && "BroadcastChannel" in window
  ? new BroadcastChannel(`deliberation-votes:${article.dataset.live}:${article.dataset.user}`)
  : null;
tabs?.addEventListener("message", (event) => {
  const { paragraph, choice, counts, rev } = event.data ?? {};
  setVotes(paragraph, counts, rev);
  showMyChoice(paragraph, choice, rev);
});

if (socket) {
  enhanceForms(document);
  watchClosingTime();
}

// Connection ---------------------------------------------------------------------------------

function closed() {
  // A write may have been carried out without its answer arriving: it is sent again with the
  // same request id after the reconnect, and the server answers a repeat once (protocol §3).
  for (const [id, request] of state.requests) {
    if (request.write) continue;
    request.reject(new Error("closed"));
    state.requests.delete(id);
  }
  showStatus(strings.offline, true);
}

function connected() {
  return socket?.open ?? false;
}

const WRITES = new Set(["comment", "vote", "support", "flag"]);

function send(message) {
  const request_id = newRequestId();
  const frame = JSON.stringify({ ...message, request_id });
  return new Promise((resolve, reject) => {
    state.requests.set(request_id, { resolve, reject, frame, write: WRITES.has(message.action) });
    socket.send(frame);
  });
}

// A read for the comment box (./alike.js): only while connected, never queued for a resend.
function sendWhenOpen(message) {
  return connected() ? send(message) : Promise.reject(new Error("closed"));
}

// Unique across tabs and page loads: the server remembers a person's request ids for ten minutes.
function newRequestId() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
  return Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join("-");
}

function resendUnanswered() {
  for (const { frame } of state.requests.values()) socket.send(frame);
}

// Each connection's hello; socket.js then asks for what happened since the page was rendered
// (or since the last event seen).
function hello(message) {
  state.helloSeq = message.seq;
  statusLine?.classList.remove("live-status--offline");
  showStatus(viewersText(message.viewers));
  if (message.version > Number(article.dataset.version)) showNewVersion();
  setAllVotes(message.counts);
  resendUnanswered();
}

// Frames without a seq (events with one go through the sequence in socket.js).
function receive(message) {
  switch (message.type) {
    case "ack":
    case "error": {
      const pending = state.requests.get(message.request_id);
      state.requests.delete(message.request_id);
      if (pending) (message.type === "ack" ? pending.resolve : pending.reject)(message);
      return;
    }
    case "resync":
      resync();
      return;
    case "presence":
      showStatus(viewersText(message.viewers));
      return;
    default:
      apply(message); // moderators' events carry no sequence number
  }
}

// The heartbeat's `votes` is the sum of the draft's vote revs: higher than ours, a coalesced
// votes.changed (they carry no seq) was lost, and a resume answer brings every count with its rev.
function heartbeat(message) {
  if (connected() && typeof message.votes === "number" && message.votes > knownVoteRevs()) {
    resume(sequence.last);
  }
}

function resume(since) {
  send({ action: "resume", since })
    .then((answer) => setAllVotes(answer.counts))
    .catch(() => {});
}

async function resync() {
  // Events are no longer kept: reload counts and open threads over HTTP, keep what is typed.
  const response = await fetch(article.dataset.api, { credentials: "same-origin" });
  if (!response.ok) return location.reload();
  const data = await response.json();
  for (const paragraph of data.paragraphs) setCounts(paragraph.key, paragraph.counts);
  for (const slot of document.querySelectorAll(".thread-slot")) {
    if (slot.firstElementChild && !slot.querySelector("textarea:focus")) await loadThread(slot);
  }
  // The state is now at least as new as the hello; events after it arrive (or arrived) live.
  sequence.restartFrom(state.helloSeq ?? 0);
}

// Applying events ----------------------------------------------------------------------------

function apply(event) {
  switch (event.type) {
    case "comment.created":
      if (markReleased(event.comment)) {
        announcer.textContent = strings.released;
        showAsReloaded(event.comment.id);
      } else {
        insertComment(event.comment);
        if (event.comment.author !== article.dataset.user) announce(1); // one's own is said at once
      }
      if (event.comments != null) setCounts(shownAt(event.comment), { comments: event.comments });
      break;
    case "comment.updated": {
      const node = document.getElementById(`c-${event.comment}`);
      if (node && event.data) {
        const body = node.querySelector("[data-body]");
        if (body) body.innerHTML = event.data.body_html;
        if (event.data.edited) markEdited(node);
        if ("answer" in event.data) renderAnswer(node, event.data);
      }
      break;
    }
    case "comment.removed": {
      const node = document.getElementById(`c-${event.comment}`);
      if (node) {
        const removed = document.createElement("p");
        removed.className = "comment__removed";
        removed.textContent = event.reason
          ? `${strings.removed}: ${reasons[event.reason] ?? event.reason}`
          : event.reason === "" ? strings.removed : strings.deleted;
        node.querySelector("[data-body]")?.replaceWith(removed);
        node.querySelector(".comment__actions")?.remove();
        // A removed comment names nobody, on open pages just as after a reload.
        node.querySelector("[data-author]")?.replaceChildren();
      }
      if (event.paragraph && event.comments != null) setCounts(event.paragraph, { comments: event.comments });
      break;
    }
    case "votes.changed":
      setVotes(event.paragraph, event.counts, event.rev);
      break;
    case "supports.changed":
      for (const node of document.querySelectorAll(`#c-${event.comment} [data-supports]`)) {
        node.textContent = event.supports;
      }
      break;
    case "draft.updated":
      showNewVersion();
      break;
    case "draft.status":
      showStatusChange(event.status);
      break;
    default:
      document.dispatchEvent(new CustomEvent("deliberation:event", { detail: event }));
  }
}

// A comment shows on the paragraph of the current version that carries it (a rewritten
// paragraph hands its comments on); `paragraph` is the one it was written on.
function shownAt(comment) {
  return comment.current_paragraph ?? comment.paragraph;
}

function insertComment(comment) {
  if (document.getElementById(`c-${comment.id}`)) return; // already shown
  const thread = document.querySelector(`#slot-${shownAt(comment)} .thread`);
  if (!thread || !template) return; // thread closed: the count is enough
  const node = renderComment(comment);
  if (comment.root) {
    const root = document.getElementById(`c-${comment.root}`);
    if (!root) return;
    let replies = root.parentElement.querySelector(":scope > ol.replies");
    if (!replies) {
      replies = document.createElement("ol");
      replies.className = "replies";
      root.parentElement.append(replies);
    }
    const item = document.createElement("li");
    item.append(node);
    replies.append(item);
  } else {
    const list = thread.querySelector("[data-comments]");
    list.querySelector("[data-empty]")?.remove();
    const item = document.createElement("li");
    item.append(node);
    list.prepend(item);
  }
  enhanceForms(node);
}

// The author's own pending or held comment is on the page already: once released (or, held,
// once the address is confirmed) it turns published.
function markReleased(comment) {
  const node = document.getElementById(`c-${comment.id}`);
  const waiting = ["comment--pending", "comment--held"].find((name) => node?.classList.contains(name));
  if (!waiting) return false;
  node.classList.replace(waiting, "comment--published");
  node.querySelector(".badge--pending")?.remove();
  const body = node.querySelector("[data-body]");
  if (body) body.innerHTML = comment.body_html; // sanitized by the server, like every body_html
  return true;
}

// A released comment's own controls (reply, support count, edit) are the server's to draw, as
// on a reload: the comment is swapped for its rendering in the thread fragment, and the notice
// that it awaits release goes once nothing in the thread awaits it.
async function showAsReloaded(id) {
  const slot = document.getElementById(`c-${id}`)?.closest(".thread-slot");
  if (!slot) return;
  if (!slot.querySelector(".comment--pending, .comment--held")) slot.querySelector(".thread > .message")?.remove();
  const response = await fetch(threadUrl(slot), { credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById(`c-${id}`);
  const node = document.getElementById(`c-${id}`);
  // Whatever the person is typing inside it (an edit) stays.
  if (!fresh || !node || node.contains(document.activeElement)) return;
  // The replies under it are the page's own (live ones included): only the comment is swapped.
  node.replaceWith(fresh);
  enhanceForms(fresh);
}

function renderComment(comment) {
  // Contributions typed in from workshops or letters have no account, perhaps a pseudonym.
  const author = authorName(comment, { anonymous, deleted: strings.deletedAccount });
  const node = cloneComment(template, comment, author);
  node.classList.replace("comment--depth-0", `comment--depth-${comment.depth}`);
  const time = node.querySelector("[data-created]");
  time.dateTime = comment.created;
  time.textContent = formatDate(comment.created, strings.datetimeFormat, strings.timeZone, {
    am: strings.am,
    pm: strings.pm,
    midnight: strings.midnight,
    noon: strings.noon,
  });
  renderQuote(node, comment);
  const me = article.dataset.user;
  if (!me || comment.author === me) node.querySelector("[data-support-form]")?.remove();
  if (!me) node.querySelector(".comment__reply")?.remove();
  for (const input of node.querySelectorAll("input[name=csrfmiddlewaretoken]")) input.value = csrfToken();
  // The template's one-time tokens are the same for every copy: each form gets its own.
  for (const input of node.querySelectorAll("input[name=request_id]")) input.value = newRequestId();
  if (article.dataset.status !== "consultation") removeCommentControls(node);
  return node;
}

// The working group's published answer under a comment: replaced, or removed when withdrawn.
function renderAnswer(node, comment) {
  node.querySelector(":scope > [data-answer]")?.remove();
  const answer = comment.answer;
  if (!answer) return;
  const section = document.createElement("section");
  section.className = "comment__answer";
  section.dataset.answer = "";
  section.setAttribute("aria-labelledby", `answer-${comment.id}-title`);
  const title = document.createElement("h4");
  title.className = "comment__answer-title";
  title.id = `answer-${comment.id}-title`;
  // Labels from the page, in the reader's language (the event's are the publisher's).
  title.textContent = strings.answerHeading ?? answer.heading;
  const meta = document.createElement("p");
  meta.className = "comment__answer-meta";
  const badge = document.createElement("span");
  badge.className = `badge badge--disposition badge--${answer.disposition}`;
  badge.textContent = dispositions[answer.disposition] ?? answer.disposition_label;
  meta.append(badge);
  if (answer.version) {
    const link = document.createElement("a");
    // The page gives the address (data-diff-url, its language's), with stand-ins for the versions.
    const url = new URL(strings.diffUrl.replace("111111111", comment.version).replace("222222222", answer.version), location.href);
    url.searchParams.set("paragraph", comment.paragraph);
    link.href = url.href;
    link.textContent = strings.answerVersion?.replace("%(number)s", answer.version) ?? answer.version_label;
    meta.append(" · ", link);
  }
  section.append(title, meta);
  if (answer.reply_html) {
    const body = document.createElement("div");
    body.className = "comment__answer-body";
    body.innerHTML = answer.reply_html; // rendered by the server's sanitizer, like body_html
    section.append(body);
  }
  node.append(section);
}

// Vote counts carry a rev per paragraph (frames are coalesced and may come from several
// processes): the counts with the highest rev win; a frame without a rev is an old logged one.
const voteRevs = new Map();

function setVotes(key, counts, rev) {
  if (typeof rev !== "number" || rev <= (voteRevs.get(key) ?? -1)) return;
  voteRevs.set(key, rev);
  setCounts(key, counts);
  clearImpossibleChoice(key, counts);
}

// The rev of the own choice each paragraph shows (the ack's, here or in another tab): an older
// message never overrides a newer choice.
const choiceRevs = new Map();

function showMyChoice(key, choice, rev) {
  if (typeof rev !== "number" || rev <= (choiceRevs.get(key) ?? -1)) return;
  choiceRevs.set(key, rev);
  const form = document.querySelector(`[data-paragraph="${key}"] form[data-votes]`);
  if (form) markChoice(form, choice);
}

// A vote moved elsewhere (another device, or a tab without BroadcastChannel) leaves this page's
// "mine" stale, and pressing a pressed button withdraws: once the counts show no vote for the
// choice shown as mine, it is not mine any more, and a click casts it again.
function clearImpossibleChoice(key, counts) {
  const form = document.querySelector(`[data-paragraph="${key}"] form[data-votes]`);
  const mine = form?.querySelector('button[data-choice][aria-pressed="true"]');
  if (mine && counts?.[mine.dataset.choice] === 0) markChoice(form, null);
}

function knownVoteRevs() {
  let sum = 0;
  for (const rev of voteRevs.values()) sum += rev;
  return sum;
}

function setAllVotes(snapshot) {
  for (const [key, { rev, ...counts }] of Object.entries(snapshot ?? {})) setVotes(key, counts, rev);
}

function setCounts(key, counts) {
  const paragraph = document.querySelector(`[data-paragraph="${key}"]`);
  if (!paragraph) return;
  for (const [name, value] of Object.entries(counts)) {
    for (const node of paragraph.querySelectorAll(`[data-count="${name}"]`)) node.textContent = value;
  }
}

function markEdited(node) {
  if (node.querySelector(".comment__edited")) return;
  const edited = document.createElement("span");
  edited.className = "comment__edited";
  edited.textContent = strings.edited;
  node.querySelector(".comment__meta").append(" ", edited);
}

// Forms: over the socket when connected, as plain forms otherwise ------------------------------

function enhanceForms(root) {
  for (const form of root.querySelectorAll("form[data-votes]")) form.addEventListener("submit", onVote);
  for (const form of root.querySelectorAll("form[data-comment-form]")) form.addEventListener("submit", onComment);
  for (const form of root.querySelectorAll("form[data-comment-form]")) watchAlike(form, { send: sendWhenOpen, strings });
  for (const form of root.querySelectorAll("form[data-support-form]")) form.addEventListener("submit", onSupport);
  for (const form of root.querySelectorAll("form[data-in-place]")) form.addEventListener("submit", onInPlace);
  for (const link of root.querySelectorAll("a.thread-toggle")) link.addEventListener("click", onToggle);
  for (const link of root.querySelectorAll(".thread__order a[data-order]")) link.addEventListener("click", onOrder);
}

async function onVote(event) {
  if (!connected() || !article.dataset.user) return; // the plain form handles it (or the login)
  event.preventDefault();
  const form = event.currentTarget; // null once the handler awaits: keep it
  const paragraph = form.closest("[data-paragraph]").dataset.paragraph;
  const choice = event.submitter.value;
  const vote = { action: "vote", paragraph, choice };
  // Withdrawing names the choice withdrawn: if this page's "mine" is stale (the vote was changed
  // on another device), the server keeps the stored vote and says which it is.
  if (choice === "none") vote.if_choice = event.submitter.dataset.choice;
  try {
    const answer = await send(vote);
    clearError(form);
    setVotes(paragraph, answer.counts, answer.rev);
    // Another tab's newer choice may have arrived first: the highest rev's choice is shown.
    showMyChoice(paragraph, answer.choice, answer.rev);
    tabs?.postMessage({ paragraph, choice: answer.choice, counts: answer.counts, rev: answer.rev });
  } catch (error) {
    showError(form, error);
  }
}

function markChoice(form, choice) {
  for (const button of form.querySelectorAll("button[data-choice]")) {
    const mine = button.dataset.choice === choice; // "none" or null: nothing is mine
    button.setAttribute("aria-pressed", String(mine));
    button.value = mine ? "none" : button.dataset.choice;
    button.querySelector(".vote__mine").hidden = !mine;
  }
}

async function onComment(event) {
  if (!connected()) return;
  event.preventDefault();
  const form = event.currentTarget;
  const textarea = form.querySelector("textarea[name=body]");
  const parent = form.querySelector("input[name=parent]")?.value;
  const paragraph = form.closest("[data-paragraph]").dataset.paragraph;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const answer = await send({
      action: "comment",
      paragraph,
      body: textarea.value,
      parent: parent ? Number(parent) : null,
      quote: quoteOf(form),
    });
    textarea.value = "";
    for (const input of form.querySelectorAll("[data-quote-input], input[name^=quote_]")) input.value = "";
    clearError(form, textarea);
    form.closest("details")?.removeAttribute("open");
    const slot = form.closest(".thread-slot");
    if (answer.comment.status === "published") {
      insertComment(answer.comment);
      // Focus follows the person to what they wrote (not to <body>), and it is said aloud.
      focusOn(document.getElementById(`c-${answer.comment.id}`));
      say(strings.published);
    } else {
      await loadThread(slot, answer.comment.status === "held" ? strings.held : strings.pending);
      focusOn(slot.querySelector(".thread > .message"));
    }
  } catch (error) {
    showError(form, error, textarea);
  } finally {
    button.disabled = false;
  }
}

async function onSupport(event) {
  if (!connected()) return;
  event.preventDefault();
  const form = event.currentTarget;
  const on = form.querySelector("input[name=on]");
  const comment = Number(form.closest("[data-comment]").dataset.comment);
  try {
    const answer = await send({ action: "support", comment, on: on.value === "1" });
    for (const node of document.querySelectorAll(`#c-${comment} [data-supports]`)) node.textContent = answer.supports;
    await loadThread(form.closest(".thread-slot"));
  } catch (error) {
    showError(form, error);
  }
}

// Report, edit, delete: in place (./inplace.js), the comment swapped in with the answer beside it.
async function onInPlace(event) {
  const form = event.currentTarget;
  try {
    enhanceForms(await sendInPlace(event, "[data-comment]"));
  } catch (error) {
    showError(form, { message: strings.error });
  }
}

async function onToggle(event) {
  event.preventDefault();
  const link = event.currentTarget;
  const slot = document.getElementById(`slot-${link.closest("[data-paragraph]").dataset.paragraph}`);
  if (slot.firstElementChild) {
    slot.replaceChildren();
    link.setAttribute("aria-expanded", "false");
    return;
  }
  await loadThread(slot);
  link.setAttribute("aria-expanded", "true");
  slot.querySelector("h3")?.setAttribute("tabindex", "-1");
  slot.querySelector("h3")?.focus();
}

async function onOrder(event) {
  event.preventDefault();
  const slot = event.currentTarget.closest(".thread-slot");
  await loadThread(slot, null, event.currentTarget.dataset.order);
}

async function loadThread(slot, notice = null, order = null) {
  if (!slot) return;
  const response = await fetch(threadUrl(slot, order), { credentials: "same-origin" });
  if (!response.ok) return;
  slot.innerHTML = await response.text();
  enhanceForms(slot);
  fillQuote(slot.querySelector("form[data-comment-form]"));
  if (notice) {
    const message = document.createElement("p");
    message.className = "message";
    message.setAttribute("role", "status");
    message.textContent = notice;
    slot.querySelector(".thread")?.prepend(message);
  }
}

function threadUrl(slot, order = null) {
  const link = slot.parentElement.querySelector("a.thread-toggle");
  const url = new URL(link.dataset.threadUrl, location.href);
  if (order) url.searchParams.set("order", order);
  return url;
}

// People -----------------------------------------------------------------------------------

// The error is said at once (role=alert). With a `field`, it sits right above that field's
// label, describes the field, which takes the focus, and both are scrolled into view: on a
// phone the top of a form is often off screen while its field is not.
function showError(form, error, field = null) {
  let box = form.querySelector(".live-error");
  if (!box) {
    box = document.createElement("p");
    box.className = "live-error field-errors";
    box.id = `live-error-${newRequestId()}`;
    box.setAttribute("role", "alert");
    const place = field?.closest(".field");
    if (place) place.before(box);
    else form.prepend(box);
  }
  if (error?.code === "not_authenticated") location.href = loginUrl(form);
  box.textContent = error?.message ?? strings.error;
  if (!field) return;
  const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  if (!described.includes(box.id)) field.setAttribute("aria-describedby", [box.id, ...described].join(" "));
  field.setAttribute("aria-invalid", "true");
  field.focus({ preventScroll: true });
  field.scrollIntoView({ block: "nearest" });
  box.scrollIntoView({ block: "nearest" }); // it is right above the field: both end in view
}

function clearError(form, field = null) {
  const box = form.querySelector(".live-error");
  if (!box) return;
  if (!field) {
    box.remove();
    return;
  }
  const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== box.id);
  if (described.length) field.setAttribute("aria-describedby", described.join(" "));
  else field.removeAttribute("aria-describedby");
  field.removeAttribute("aria-invalid");
  box.remove();
}

// Back to the paragraph's open thread after logging in: the address of its toggle link.
function loginUrl(form) {
  const toggle = form.closest("[data-paragraph]")?.querySelector("a.thread-toggle");
  const back = new URL(toggle?.getAttribute("href") ?? "", location.href);
  const login = new URL(article.dataset.loginUrl, location.href);
  login.searchParams.set("next", back.pathname + back.search + back.hash);
  return login.href;
}

// The status line sits in the page header; while the connection is lost it stays in view,
// wherever the reader has scrolled to (live-status--offline is fixed to the viewport).
function showStatus(text, offline = false) {
  if (!statusLine || !text) return;
  statusLine.hidden = false;
  statusLine.textContent = text;
  if (offline && !statusLine.classList.contains("live-status--offline")) {
    statusLine.classList.add("live-status--offline");
    say(text);
  }
}

function focusOn(node) {
  if (!node) return;
  node.setAttribute("tabindex", "-1");
  node.focus();
}

// Said at once (the person's own action), unlike arrivals, which are batched.
function say(text) {
  if (!announcer || !text) return;
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function viewersText(viewers) {
  return (strings.viewers ?? "%s").replace("%s", viewers);
}

// The consultation closed (or opened) while the page is open: no controls on a closed draft.
function showStatusChange(status) {
  if (status === article.dataset.status) return;
  article.dataset.status = status;
  showStatusLine(status);
  const banner = document.getElementById("status-banner");
  if (status === "consultation") {
    banner.querySelector("[data-opened]").hidden = false;
    banner.querySelector("[data-closed]").hidden = true;
  } else {
    removeControls();
    // The results page exists once the draft is closed (here, not before: it would be a 404).
    const results = banner.querySelector("[data-results]");
    results.href = results.dataset.url;
    banner.querySelector("[data-closed]").hidden = false;
    banner.querySelector("[data-opened]").hidden = true;
  }
  banner.hidden = false;
}

// The badge above the title and the line beside it ("Comments welcome until …, 21 days left"):
// a closed draft reads "consultation closed · Closed on <today>"; a reopened one loses its old
// line until the reload the banner asks for.
function showStatusLine(status) {
  const line = document.getElementById("draft-window");
  if (!line) return;
  const open = status === "consultation";
  const badge = line.querySelector("[data-status-badge]");
  badge.className = `badge badge--${open ? "consultation" : "closed"}`;
  badge.textContent = open ? line.dataset.labelConsultation : line.dataset.labelClosed;
  const today = new Date().toLocaleDateString(article.dataset.lang || "de", {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  line.querySelector("[data-window]").textContent = open ? "" : line.dataset.closedOn.replace("%s", today);
}

function removeControls() {
  for (const form of document.querySelectorAll("form[data-votes]")) {
    // The counts stay, as results; the buttons go.
    const results = document.createElement("p");
    results.className = "votes votes--results";
    for (const button of form.querySelectorAll("button[data-choice]")) {
      const item = document.createElement("span");
      item.className = `vote vote--${button.dataset.choice}`;
      item.append(button.querySelector(".vote__label"), " ", button.querySelector(".vote__count"));
      results.append(item, " ");
    }
    form.replaceWith(results);
  }
  removeCommentControls(document);
  // What is left is each open thread's own form (or its login hint): a note instead.
  for (const form of document.querySelectorAll(".thread form[data-comment-form], .thread .login-hint")) {
    const note = document.createElement("p");
    note.className = "meta";
    note.textContent = strings.notOpen;
    form.replaceWith(note);
  }
}

function removeCommentControls(root) {
  const controls = ".comment__actions form, .comment__actions details, .comment__rejection details";
  for (const node of root.querySelectorAll(controls)) node.remove();
}

// The status also changes by the clock, without an event: at the closing time, close the page.
function watchClosingTime() {
  const closes = Date.parse(article.dataset.closesAt ?? "");
  const wait = closes - Date.now();
  if (article.dataset.status === "consultation" && wait > 0 && wait < 2 ** 31) {
    setTimeout(() => showStatusChange("closed"), wait);
  }
}

function showNewVersion() {
  const banner = document.getElementById("new-version-banner");
  if (banner) banner.hidden = false;
}

// Arrivals are announced politely and in batches, never stealing focus.
function announce(count) {
  state.announcements.push(count);
  clearTimeout(state.announceTimer);
  state.announceTimer = setTimeout(() => {
    const total = state.announcements.reduce((a, b) => a + b, 0);
    state.announcements = [];
    announcer.textContent = (strings.newComments ?? "%s").replace("%s", total);
  }, 2000);
}

function csrfToken() {
  return document.cookie.split("; ").find((part) => part.startsWith("csrftoken="))?.slice(10) ?? "";
}
