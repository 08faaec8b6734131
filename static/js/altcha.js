// The bot check of the sign-up and password-reset forms: solves the ALTCHA proof-of-work
// challenge the page carries (v1 format: find N with SHA-256(salt + N) == challenge) in the
// browser, with no other service and nothing stored, and puts the solution into the form as
// base64(JSON {algorithm, challenge, number, salt, signature}), as ALTCHA's own widget does.
// It starts by itself; its status line is a live region, so screen readers hear it; a button
// (keyboard-operable) starts it again after a failure. Sending the form before it is done waits
// for it, then sends.

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");

const ALGORITHMS = { "SHA-1": "SHA-1", "SHA-256": "SHA-256", "SHA-512": "SHA-512" };

async function solve(challenge) {
  const algorithm = ALGORITHMS[challenge.algorithm];
  if (!algorithm) throw new Error(`unknown algorithm ${challenge.algorithm}`);
  const encoder = new TextEncoder();
  const max = Number(challenge.maxNumber) || 1_000_000;
  for (let number = 0; number <= max; number += 1) {
    const digest = await crypto.subtle.digest(algorithm, encoder.encode(challenge.salt + number));
    if (hex(digest) === challenge.challenge) return number;
  }
  throw new Error("no solution");
}

function setUp(box) {
  const form = box.closest("form");
  const input = box.querySelector("input[type=hidden]");
  const status = box.querySelector(".altcha__status");
  const retry = box.querySelector(".altcha__retry");
  const challenge = JSON.parse(box.dataset.challenge);
  let running = null;
  let sendWhenDone = false;

  const say = (text) => {
    status.textContent = text;
  };

  async function run() {
    input.value = "";
    retry.hidden = true;
    box.classList.remove("altcha--done", "altcha--failed");
    say(box.dataset.working);
    try {
      const number = await solve(challenge);
      const { algorithm, salt, signature } = challenge;
      input.value = btoa(
        JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature }),
      );
      box.classList.add("altcha--done");
      say(box.dataset.done);
      if (sendWhenDone) form.requestSubmit();
    } catch (error) {
      sendWhenDone = false;
      box.classList.add("altcha--failed");
      say(box.dataset.failed);
      retry.hidden = false;
    } finally {
      running = null;
    }
  }

  const start = () => {
    running = running || run();
    return running;
  };
  retry.addEventListener("click", () => {
    start();
  });
  form.addEventListener("submit", (event) => {
    if (input.value) return;
    event.preventDefault();
    sendWhenDone = true;
    start();
    say(box.dataset.waiting);
  });
  start();
}

document.querySelectorAll("[data-altcha]").forEach(setUp);
