// Comments on a passage. A reader selects words in a paragraph (mouse or touch), picks one of
// its sentences or types the passage (keyboard) into the comment form's "passage" field; the
// comment then quotes it. A comment's quote is highlighted in its paragraph while the comment
// has focus or the pointer. Offsets are in the paragraph's text with whitespace collapsed, the
// same text the server checks quotes against (drafts/anchoring.py).
const CONTEXT = 32;
const MARK = "quote-mark";
let selected = null; // {key, exact, prefix, suffix}: the last passage selected in a paragraph
let shown = null; // the comment whose quote is highlighted

// The paragraph's visible text, whitespace collapsed, and where each character comes from.
function textMap(container) {
  let text = "";
  const origin = []; // per character of text: [node, offset]
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.nodeValue;
    for (let i = 0; i < value.length; i++) {
      if (/\s/.test(value[i])) {
        if (!text || text.endsWith(" ")) continue;
        text += " ";
      } else {
        text += value[i];
      }
      origin.push([node, i]);
    }
  }
  if (text.endsWith(" ")) {
    text = text.slice(0, -1);
    origin.pop();
  }
  return { text, origin };
}

function collapse(value) {
  return value.replace(/\s+/g, " ");
}

function paragraphText(key) {
  return document.querySelector(`[data-paragraph="${key}"] .paragraph__text`);
}

// Where `quote` is in `text`: the occurrence whose surroundings fit its prefix and suffix best.
function locate(text, quote) {
  const exact = collapse(quote.exact).trim();
  if (!exact) return null;
  // The server's position, if the text there is the quote (else the quote is searched for,
  // and the position stays the answer for a passage the server found with changed words).
  const start = Number.parseInt(quote.start ?? "", 10);
  const end = Number.parseInt(quote.end ?? "", 10);
  const byPosition = start >= 0 && end > start && end <= text.length ? [start, end] : null;
  if (byPosition && text.slice(start, end) === exact) return byPosition;
  let best = null;
  let bestScore = -1;
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) {
    const score = agreement(text.slice(0, at), quote.prefix ?? "", true) + agreement(text.slice(at + exact.length), quote.suffix ?? "", false);
    if (score > bestScore) [best, bestScore] = [[at, at + exact.length], score];
  }
  return best ?? byPosition;
}

// How many characters of the context agree, counted from the passage outwards.
function agreement(side, context, before) {
  let count = 0;
  while (count < context.length && count < side.length) {
    const a = before ? side[side.length - 1 - count] : side[count];
    const b = before ? context[context.length - 1 - count] : context[count];
    if (a !== b) break;
    count += 1;
  }
  return count;
}

export function clearHighlight() {
  shown = null;
  for (const mark of document.querySelectorAll(`mark.${MARK}`)) {
    const parent = mark.parentNode;
    mark.replaceWith(...mark.childNodes);
    parent.normalize();
  }
}

// Mark the passage of `quote` in the paragraph `key`; returns whether it was found.
export function highlight(key, quote) {
  clearHighlight();
  const container = paragraphText(key);
  if (!container) return false;
  const { text, origin } = textMap(container);
  const span = locate(text, quote);
  if (!span) return false;
  // One <mark> per text node the passage touches, from the last, so earlier offsets hold.
  const pieces = new Map();
  for (let i = span[0]; i < span[1]; i++) {
    const [node, offset] = origin[i];
    const piece = pieces.get(node) ?? [offset, offset];
    piece[1] = offset + 1;
    pieces.set(node, piece);
  }
  for (const [node, [from, to]] of [...pieces].reverse()) {
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    const mark = document.createElement("mark");
    mark.className = MARK;
    range.surroundContents(mark);
  }
  return true;
}

function quoteOfComment(node) {
  const quote = node?.querySelector(":scope > [data-quote]");
  if (!quote) return null;
  return { ...quote.dataset };
}

function onCommentFocus(event) {
  const comment = event.target.closest?.(".comment");
  const quote = quoteOfComment(comment);
  if (!quote || comment === shown) return;
  const key = comment.closest("[data-paragraph]")?.dataset.paragraph;
  if (key && highlight(key, quote)) shown = comment;
}

// A tap or click on the quote shows the passage (the link's plain jump would take the focus).
function onQuoteClick(event) {
  const link = event.target.closest?.(".comment__quote-link");
  if (!link) return;
  event.preventDefault();
  const comment = link.closest(".comment");
  const key = comment.closest("[data-paragraph]")?.dataset.paragraph;
  if (key && highlight(key, quoteOfComment(comment))) {
    shown = comment;
    document.querySelector(`mark.${MARK}`)?.scrollIntoView({ block: "nearest" });
  }
}

function onCommentBlur(event) {
  const comment = event.target.closest?.(".comment");
  if (comment && comment === shown && !comment.contains(event.relatedTarget)) clearHighlight();
}

// A selection inside one paragraph's text becomes the passage of that paragraph's comment form.
function onSelectionChange() {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return;
  const range = selection.getRangeAt(0);
  const container = range.commonAncestorContainer;
  const element = container.nodeType === Node.ELEMENT_NODE ? container : container.parentElement;
  const textBox = element?.closest(".paragraph__text");
  if (!textBox) return;
  const key = textBox.closest("[data-paragraph]").dataset.paragraph;
  const before = document.createRange();
  before.setStart(textBox, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const after = document.createRange();
  after.setStart(range.endContainer, range.endOffset);
  after.setEnd(textBox, textBox.childNodes.length);
  const exact = collapse(range.toString()).trim();
  if (!exact) return;
  selected = {
    key,
    exact,
    prefix: collapse(before.toString()).slice(-CONTEXT),
    suffix: collapse(after.toString()).slice(0, CONTEXT),
  };
  const form = document.querySelector(`#slot-${key} form[data-comment-form] [data-quote-input]`)?.form;
  if (form) fillQuote(form);
}

// Put the passage last selected in this form's paragraph into the form's passage field.
export function fillQuote(form) {
  const key = form?.closest("[data-paragraph]")?.dataset.paragraph;
  const input = form?.querySelector("[data-quote-input]");
  if (!input || !selected || selected.key !== key) return;
  input.value = selected.exact;
  form.querySelector("input[name=quote_prefix]").value = selected.prefix;
  form.querySelector("input[name=quote_suffix]").value = selected.suffix;
}

// The form's passage as the protocol's `quote`: null or {exact, prefix, suffix}.
export function quoteOf(form) {
  const exact = form.querySelector("[data-quote-input]")?.value.trim();
  if (!exact) return null;
  return {
    exact,
    prefix: form.querySelector("input[name=quote_prefix]")?.value ?? "",
    suffix: form.querySelector("input[name=quote_suffix]")?.value ?? "",
  };
}

// A typed or picked passage is shown in the paragraph while the field has focus.
function onQuoteInput(event) {
  const input = event.target;
  if (!input.matches?.("[data-quote-input]")) return;
  if (event.type === "input" && input.value !== selected?.exact) {
    // Typed or picked from the sentences: the context of an earlier selection no longer fits.
    for (const name of ["quote_prefix", "quote_suffix"]) input.form.querySelector(`input[name=${name}]`).value = "";
  }
  const key = input.closest("[data-paragraph]").dataset.paragraph;
  highlight(key, quoteOf(input.form) ?? { exact: "" });
}

// Fill the quote of a comment rendered from the page's <template>, or drop it.
export function renderQuote(node, comment) {
  const box = node.querySelector("[data-quote]");
  if (!box) return;
  if (!comment.quote) {
    box.remove();
    return;
  }
  box.dataset.exact = comment.quote.exact;
  box.dataset.prefix = comment.quote.prefix;
  box.dataset.suffix = comment.quote.suffix;
  box.querySelector("[data-quote-text]").textContent = comment.quote.exact;
}

document.addEventListener("selectionchange", onSelectionChange);
document.addEventListener("focusin", onCommentFocus);
document.addEventListener("focusout", onCommentBlur);
document.addEventListener("mouseover", onCommentFocus);
document.addEventListener("mouseout", onCommentBlur);
document.addEventListener("click", onQuoteClick);
document.addEventListener("input", onQuoteInput);
document.addEventListener("focusin", onQuoteInput);
document.addEventListener("focusout", (event) => {
  if (event.target.matches?.("[data-quote-input]")) clearHighlight();
});
