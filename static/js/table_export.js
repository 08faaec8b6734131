// The page that follows the answer table's build (templates/feedback/table_export.html). Without
// this module the page reloads itself (<noscript> meta refresh); with it, the page asks for
// itself every few seconds and swaps in only the state (a polite live region), so a screen
// reader hears "ready" once and the place on the page is kept. It stops at ready or failed.
// Keyboard focus inside the state (on "Update now") is not dropped to the page's start when the
// state is swapped: it moves to the download link once ready, else to what takes its place.
const state = document.getElementById("export-state");
const seconds = Number(state?.dataset.refresh ?? 0);
let timer = null;

async function poll() {
  window.clearTimeout(timer);
  try {
    const response = await fetch(window.location.href, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.getElementById("export-state");
      if (next && next.dataset.state !== state.dataset.state) swap(next);
      if (!next?.dataset.refresh) return; // ready or failed: nothing more to wait for
    }
  } catch {
    // The network was away for a moment: try again at the next turn.
  }
  timer = window.setTimeout(poll, seconds * 1000);
}

function swap(next) {
  const focused = state.contains(document.activeElement);
  state.innerHTML = next.innerHTML;
  state.dataset.state = next.dataset.state;
  if (!focused) return;
  const target =
    state.querySelector("[data-download]") ??
    state.querySelector("[data-update-now]") ??
    state.querySelector("a[href], button");
  if (target) {
    target.focus();
  } else {
    state.tabIndex = -1; // the message itself, so focus stays where the person was
    state.focus();
  }
}

// "Update now" asks at once instead of reloading the page (which would lose the focus).
state?.addEventListener("click", (event) => {
  if (!event.target.closest("[data-update-now]")) return;
  event.preventDefault();
  poll();
});

if (state && seconds > 0) timer = window.setTimeout(poll, seconds * 1000);
