// Forms about one item on a page (a comment; a comment's answer) sent in place: the form goes
// with fetch (header X-Requested-With: fetch) and the server answers with the item's new HTML,
// the outcome or error inside it as [data-feedback]. The item is swapped in where the person
// is and focus goes to that feedback (role status/alert, so it is read out): no reload, no lost
// scroll position. Without script the same forms are plain POSTs back to the item's anchor.

// Sends the form of a submit `event` and swaps the item around it (the closest `selector`) for
// the one in the answer (status 200, or 400 for a refusal shown beside the item). Returns the
// new item; throws (with the submit button enabled again) if no item came back.
export async function sendInPlace(event, selector) {
  event.preventDefault();
  const form = event.currentTarget;
  const node = form.closest(selector);
  const button = event.submitter ?? form.querySelector("button[type=submit]");
  // The pressed button's name=value goes along (save / publish / withdraw): read before the
  // button is disabled, as a disabled button is not part of the form's data.
  const body = new FormData(form, event.submitter);
  button.disabled = true;
  try {
    // getAttribute: a control named "action" (the answer form's buttons) shadows form.action.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok && response.status !== 400) throw new Error(response.statusText);
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.querySelector(selector);
    if (!fresh) throw new Error("no item in the answer");
    node.replaceWith(fresh);
    fresh.querySelector("[data-feedback]")?.focus();
    return fresh;
  } catch (error) {
    button.disabled = false;
    throw error;
  }
}
