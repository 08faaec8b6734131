// The one way a comment that arrives live becomes markup: a copy of the page's <template>, which
// the server rendered from the same partial as every other comment (one source for the markup).
// The stand-in's id and paragraph key stand in attribute values (the element id, form
// addresses, labels' `for`, the reply's parent); the named slots get the comment's text.

// comments.views.TEMPLATE_PK and TEMPLATE_KEY.
export const STAND_INS = { id: "999999999", paragraph: "00000000-0000-4000-8000-000000000000" };

// A filled copy of `template`'s first element for `comment` ({id, paragraph, body_html}), with
// `author` in [data-author]. body_html was cleaned by the server's sanitizer (the page's CSP is
// the second wall), so it goes in as HTML; everything else goes in as text.
export function cloneComment(template, comment, author) {
  const node = template.content.firstElementChild.cloneNode(true);
  const real = { id: String(comment.id), paragraph: String(comment.paragraph ?? "") };
  for (const element of [node, ...node.querySelectorAll("*")]) {
    for (const attribute of element.attributes) {
      let value = attribute.value;
      for (const [name, standIn] of Object.entries(STAND_INS)) value = value.replaceAll(standIn, real[name]);
      if (value !== attribute.value) attribute.value = value;
    }
  }
  node.dataset.comment = real.id;
  const name = node.querySelector("[data-author]");
  if (name) name.textContent = author ?? "";
  const body = node.querySelector("[data-body]");
  if (body) body.innerHTML = comment.body_html ?? "";
  return node;
}

// Who a live comment names, as the server's partial does: the account, else for a contribution
// collected offline its pseudonym or what stands for its channel (`anonymous`: {channel:
// label}), else `deleted` (the account was deleted). Removed comments name nobody and never
// arrive as new ones.
export function authorName(comment, { anonymous = {}, deleted = "" } = {}) {
  if (comment.author) return comment.author;
  if (comment.channel && comment.channel !== "online") {
    return comment.pseudonym || anonymous[comment.channel] || anonymous.other || "";
  }
  return deleted;
}
