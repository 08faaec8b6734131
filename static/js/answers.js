// The working group's answer list: an answer is saved, published or withdrawn in place
// (./inplace.js), the outcome or error beside its comment. Should that fail (no network, the
// session ended), the form is sent again the plain way, as without this module.
import { sendInPlace } from "./inplace.js";

const plain = new WeakSet(); // forms to send the plain way

bind(document);

function bind(root) {
  for (const form of root.querySelectorAll("form[data-in-place]")) form.addEventListener("submit", onSubmit);
}

async function onSubmit(event) {
  const form = event.currentTarget;
  if (plain.has(form)) return;
  const submitter = event.submitter;
  try {
    bind(await sendInPlace(event, "[data-answer-item]"));
  } catch (error) {
    plain.add(form);
    form.requestSubmit(submitter);
  }
}
