"""Unit tests of static/js/sequence.js and socket.js, run as ES modules in Debian's Chromium.

The page and the modules are served from disk by Playwright's router (no server, no Node): the
real files the site ships, driven with a fake clock and a fake WebSocket (tests/e2e/js/fakes.js).
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://modules.test"
FILES = {"/js/": ROOT / "static" / "js", "/fakes/": Path(__file__).parent / "js"}


@pytest.fixture
def js(browser):
    """A blank page on which `js(code)` runs `code` (the body of an async function that has
    `sequence`, `socket`, `comment` and `fakes` imported) and returns its result."""
    page = browser.new_page()

    def serve(route):
        path = route.request.url.removeprefix(ORIGIN)
        for prefix, folder in FILES.items():
            if path.startswith(prefix):
                file = folder / path.removeprefix(prefix)
                return route.fulfill(
                    body=file.read_text(encoding="utf-8"), content_type="text/javascript"
                )
        return route.fulfill(body="<!doctype html><title>modules</title>", content_type="text/html")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.set_content(
        '<!doctype html><template id="t"><article id="c-999999999" data-comment="999999999">'
        '<span data-author></span><form action="/drafts/d/comments/999999999/flag/">'
        '<label for="report-999999999">r</label><input type="hidden" name="parent" '
        'value="999999999"></form><a href="/drafts/d/p/00000000-0000-4000-8000-000000000000/">p</a>'
        "<div data-body></div></article></template>"
    )

    def run(code):
        return page.evaluate(
            f"""async () => {{
                const sequence = await import("{ORIGIN}/js/sequence.js");
                const socket = await import("{ORIGIN}/js/socket.js");
                const comment = await import("{ORIGIN}/js/comment.js");
                const fakes = await import("{ORIGIN}/fakes/fakes.js");
                {code}
            }}"""
        )

    yield run
    page.close()


# sequence.js --------------------------------------------------------------------------------

SEQUENCE = """
    const clock = new fakes.FakeClock();
    const applied = [], resumes = [];
    const s = new sequence.Sequence(0, (e) => applied.push(e.seq), () => resumes.push(s.last), 800, clock);
"""


def test_sequence_applies_out_of_order_events_in_order_and_drops_duplicates(js):
    result = js(
        SEQUENCE
        + """
        for (const seq of [2, 1, 2, 1, 3, 3]) s.push({ seq });
        return { applied, resumes, last: s.last };
        """
    )
    assert result == {"applied": [1, 2, 3], "resumes": [], "last": 3}


def test_sequence_resumes_from_the_last_applied_when_a_gap_stays_open(js):
    result = js(
        SEQUENCE
        + """
        s.push({ seq: 1 }); s.push({ seq: 3 });
        clock.advance(799);
        const early = resumes.length;
        clock.advance(1);
        const afterGap = [...resumes];
        s.push({ seq: 2 });  // the replay fills the gap: the held event follows
        clock.advance(5000);
        return { early, afterGap, applied, resumes };
        """
    )
    assert result == {"early": 0, "afterGap": [1], "applied": [1, 2, 3], "resumes": [1]}


def test_sequence_heartbeat_ahead_asks_for_the_lost_event_and_restart_keeps_held_ones(js):
    result = js(
        SEQUENCE
        + """
        s.push({ seq: 1 });
        s.expect(2);  // a heartbeat tells of seq 2, whose broadcast was lost
        clock.advance(800);
        s.push({ seq: 4 });
        s.restartFrom(3);  // the state was reloaded over HTTP up to seq 3
        return { applied, resumes, last: s.last };
        """
    )
    assert result == {"applied": [1, 4], "resumes": [1], "last": 4}


# socket.js: backoff --------------------------------------------------------------------------


def test_backoff_grows_doubling_with_jitter_between_half_and_one_and_a_half_and_caps(js):
    result = js(
        """
        const low = [], high = [], real = [];
        for (let n = 0; n < 9; n++) {
            low.push(socket.backoffDelay(n, { random: () => 0 }));
            high.push(socket.backoffDelay(n, { random: () => 0.999999 }));
            real.push(socket.backoffDelay(n));
        }
        const samples = new Set(Array.from({ length: 20 }, () => socket.backoffDelay(3)));
        return { low, high, real, distinct: samples.size };
        """
    )
    bases = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]
    assert result["low"] == [base * 0.5 for base in bases]
    assert [round(delay) for delay in result["high"]] == [round(base * 1.5) for base in bases]
    for delay, base in zip(result["real"], bases, strict=True):
        assert base * 0.5 <= delay < base * 1.5
    assert result["distinct"] > 1  # jitter: readers do not come back in step


def test_socket_url_follows_the_page_scheme(js):
    result = js(
        """
        return [
            socket.socketUrl("/ws/drafts/a/?lang=en", "https://example.org/en/drafts/a/"),
            socket.socketUrl("/ws/moderation/", "http://127.0.0.1:8000/moderation/"),
        ];
        """
    )
    assert result == [
        "wss://example.org/ws/drafts/a/?lang=en",
        "ws://127.0.0.1:8000/ws/moderation/",
    ]


# socket.js: connection, heartbeat watch, resume ------------------------------------------------

FOLLOW = """
    const clock = new fakes.FakeClock();
    const W = fakes.FakeWebSocket;
    W.made = [];
    const applied = [], frames = [], closes = [], resets = [];
    const { socket: live, sequence: seq } = socket.follow("/ws/drafts/a/", {
        base: "http://modules.test/drafts/a/",
        seq: 5, heartbeatMs: 20000, gapMs: 800,
        apply: (e) => applied.push(e.seq), onFrame: (f) => frames.push(f.type),
        onClose: () => closes.push(clock.now), reset: () => resets.push(true),
        WebSocket: W, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
        random: () => 0.5,
    });
    const ws = () => W.made.at(-1);
    const greet = (seq) => { ws().serverOpen(); ws().serverSend({ type: "hello", seq }); };
"""


def test_follow_resumes_since_the_last_seq_on_hello_and_after_a_reconnect(js):
    result = js(
        FOLLOW
        + """
        greet(7);
        const first = ws().sent;
        ws().serverSend({ type: "comment.created", seq: 7 });  // ahead of 6: held
        ws().serverSend({ type: "comment.created", seq: 6 });
        ws().serverSend({ type: "presence", viewers: 2 });
        ws().serverClose();
        const pauses = clock.pending();
        clock.advance(pauses[0]);
        greet(9);
        return { url: W.made[0].url, first, applied, frames, closes, pauses,
                 second: ws().sent, sockets: W.made.length };
        """
    )
    assert result["url"] == "ws://modules.test/ws/drafts/a/"
    assert result["first"] == [{"action": "resume", "since": 5}]
    assert result["applied"] == [6, 7]
    assert result["frames"] == ["presence"]
    assert result["closes"] == [0]
    assert result["pauses"] == [1000]  # attempt 0, jitter 0.5 → exactly the base
    assert result["second"] == [{"action": "resume", "since": 7}]
    assert result["sockets"] == 2


def test_follow_hello_behind_the_page_resets_and_equal_hello_asks_nothing(js):
    result = js(
        FOLLOW
        + """
        greet(5);
        const same = ws().sent.length;
        ws().serverSend({ type: "hello", seq: 3 });  // the event log was reset
        return { same, resets: resets.length, sent: ws().sent };
        """
    )
    assert result == {"same": 0, "resets": 1, "sent": []}


def test_heartbeat_ahead_of_the_applied_seq_resumes_after_the_gap_wait(js):
    result = js(
        FOLLOW
        + """
        greet(5);
        ws().serverSend({ type: "heartbeat", seq: 6 });  // seq 6's broadcast was lost
        clock.advance(800);
        return { sent: ws().sent, applied };
        """
    )
    assert result == {"sent": [{"action": "resume", "since": 5}], "applied": []}


def test_no_frame_for_two_heartbeats_drops_the_connection_and_reconnects(js):
    result = js(
        FOLLOW
        + """
        greet(5);
        clock.advance(30000);
        ws().serverSend({ type: "heartbeat", seq: 5 });  // a frame: the watch starts again
        clock.advance(39999);
        const quiet = { sockets: W.made.length, closed: W.made[0].closedByClient };
        clock.advance(1);  // two heartbeats (40 s) without a frame: a dead connection
        const dropped = { closed: W.made[0].closedByClient, closes: [...closes] };
        clock.advance(clock.pending()[0]);
        const replaced = W.made.length;
        W.made[0].serverSend({ type: "comment.created", seq: 6 });  // the dead one's late frame
        greet(5);
        return { quiet, dropped, replaced, applied, open: live.open };
        """
    )
    assert result["quiet"] == {"sockets": 1, "closed": False}
    assert result["dropped"] == {"closed": True, "closes": [70000]}
    assert result["replaced"] == 2
    assert result["applied"] == []  # a replaced connection's frames are ignored
    assert result["open"] is True


def test_backoff_grows_while_connecting_fails_and_starts_again_after_a_hello(js):
    result = js(
        FOLLOW
        + """
        const pauses = [];
        for (let n = 0; n < 7; n++) {
            ws().serverClose();  // refused before any frame
            pauses.push(clock.pending()[0]);
            clock.advance(pauses.at(-1));
        }
        greet(5);
        ws().serverClose();
        pauses.push(clock.pending()[0]);
        return pauses;
        """
    )
    assert result == [1000, 2000, 4000, 8000, 16000, 30000, 30000, 1000]


def test_stop_closes_for_good(js):
    result = js(
        FOLLOW
        + """
        ws().serverOpen();
        live.stop();
        clock.advance(120000);
        return { sockets: W.made.length, closed: W.made[0].closedByClient, closes, sent: live.send({}) };
        """
    )
    assert result == {"sockets": 1, "closed": True, "closes": [], "sent": False}


# comment.js ---------------------------------------------------------------------------------


def test_clone_comment_fills_the_stand_ins_and_slots_of_the_template(js):
    result = js(
        """
        const node = comment.cloneComment(document.getElementById("t"),
            { id: 42, paragraph: "k-1", body_html: "<p>Hallo <em>Welt</em></p>" }, "<b>anna</b>");
        return {
            id: node.id, data: node.dataset.comment,
            action: node.querySelector("form").getAttribute("action"),
            label: node.querySelector("label").htmlFor,
            parent: node.querySelector("input").value,
            href: node.querySelector("a").getAttribute("href"),
            author: node.querySelector("[data-author]").innerHTML,
            body: node.querySelector("[data-body]").innerHTML,
            template: document.getElementById("t").innerHTML.includes("999999999"),
        };
        """
    )
    assert result == {
        "id": "c-42",
        "data": "42",
        "action": "/drafts/d/comments/42/flag/",
        "label": "report-42",
        "parent": "42",
        "href": "/drafts/d/p/k-1/",
        "author": "&lt;b&gt;anna&lt;/b&gt;",  # a name is text, never markup
        "body": "<p>Hallo <em>Welt</em></p>",
        "template": True,  # the template itself is untouched
    }


def test_author_name_follows_the_servers_rule(js):
    result = js(
        """
        const labels = { anonymous: { workshop: "Workshop", other: "Anders" }, deleted: "gelöscht" };
        const name = (c) => comment.authorName(c, labels);
        return [
            name({ author: "anna", channel: "online" }),
            name({ author: null, channel: "workshop", pseudonym: "Tisch 3" }),
            name({ author: null, channel: "workshop", pseudonym: "" }),
            name({ author: null, channel: "phone", pseudonym: null }),
            name({ author: null, channel: "online" }),
        ];
        """
    )
    assert result == ["anna", "Tisch 3", "Workshop", "Anders", "gelöscht"]
