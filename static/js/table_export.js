// The page that follows the answer table's build (templates/feedback/table_export.html). Without
// this module the page reloads itself (<noscript> meta refresh); with it, the page asks for
// itself every few seconds and swaps in only the state (a polite live region), so a screen
// reader hears "ready" once and the place on the page is kept. It stops at ready or failed.
const state = document.getElementById("export-state");
const seconds = Number(state?.dataset.refresh ?? 0);

async function poll() {
  try {
    const response = await fetch(window.location.href, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.getElementById("export-state");
      if (next && next.dataset.state !== state.dataset.state) {
        state.innerHTML = next.innerHTML;
        state.dataset.state = next.dataset.state;
      }
      if (!next?.dataset.refresh) return; // ready or failed: nothing more to wait for
    }
  } catch {
    // The network was away for a moment: try again at the next turn.
  }
  window.setTimeout(poll, seconds * 1000);
}

if (state && seconds > 0) window.setTimeout(poll, seconds * 1000);
