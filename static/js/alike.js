// While a comment is typed: the published comments most alike to it (the socket's `similar`
// action, docs/protocol.md 3.6), each with a button to support it instead of writing it again.
// The list sits in the form's `[data-alike]` region; its status line is aria-live="polite", so
// a screen reader hears how many were found, not the whole list on every key.
const DEBOUNCE_MS = 400; // after the last key: one request per pause, not per key
const MIN_CHARS = 12; // shorter texts find everything or nothing

// Watch `form`'s text box. `send(frame)` sends a frame on the page's socket and resolves with
// its ack (rejects with the error frame); `strings`: the page's live strings (alikeFound,
// support, supported, supports); `onSupport(comment, supports)` after a support went through.
export function watchAlike(form, { send, strings, onSupport = () => {} }) {
  const region = form.parentElement?.querySelector("[data-alike]");
  const textarea = form.querySelector("textarea[name=body]");
  const paragraph = form.closest("[data-paragraph]")?.dataset.paragraph;
  if (!region || !textarea || !paragraph || form.dataset.alikeWatched) return;
  form.dataset.alikeWatched = "1";
  const status = region.querySelector("[data-alike-status]");
  const list = region.querySelector("[data-alike-list]");
  let timer = null;
  let asked = "";
  let latest = 0;

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  });
  form.addEventListener("submit", () => clearTimeout(timer));

  async function ask() {
    const body = textarea.value.trim();
    if (body === asked) return;
    asked = body;
    const mine = ++latest;
    if (body.length < MIN_CHARS) {
      show([]);
      return;
    }
    try {
      const answer = await send({ action: "similar", paragraph, body });
      if (mine === latest) show(answer.similar ?? []);
    } catch {
      // Offline or over the frame limit: the list stays as it was; writing is unaffected.
    }
  }

  function show(items) {
    list.replaceChildren(...items.map(item));
    list.hidden = items.length === 0;
    status.textContent = items.length ? strings.alikeFound.replace("%s", items.length) : "";
  }

  function item(alike) {
    const li = document.createElement("li");
    li.className = "alike__item";
    li.dataset.alikeComment = alike.id;
    const body = document.createElement("div");
    body.className = "comment__body";
    body.innerHTML = alike.body_html; // sanitized by the server (deliberation.sanitizing)
    const count = document.createElement("span");
    count.className = "comment__supports";
    count.textContent = `${strings.supports} `;
    const number = document.createElement("span");
    number.textContent = alike.supports;
    count.append(number);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    // One the person supports already shows pressed (a second press would change nothing).
    button.textContent = alike.supported ? strings.supported : strings.support;
    button.setAttribute("aria-pressed", alike.supported ? "true" : "false");
    button.addEventListener("click", () => support(alike.id, button, number));
    li.append(body, count, " ", button);
    return li;
  }

  // The button keeps its focus throughout (never disabled): pressed once, it stays pressed.
  async function support(comment, button, number) {
    if (button.dataset.busy || button.getAttribute("aria-pressed") === "true") return;
    button.dataset.busy = "1";
    try {
      const answer = await send({ action: "support", comment, on: true });
      number.textContent = answer.supports;
      button.textContent = strings.supported;
      button.setAttribute("aria-pressed", "true");
      status.textContent = strings.supported;
      onSupport(comment, answer.supports);
    } catch (error) {
      status.textContent = error?.message ?? strings.error;
    } finally {
      delete button.dataset.busy;
    }
  }
}
