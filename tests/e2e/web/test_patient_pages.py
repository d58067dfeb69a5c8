"""The patient, on a phone-sized screen (issue 16): the installed app opens offline and runs
today's session with a test clock (countdown, timed holds inside rep exercises with their beep, a
rest timer, pause, skip with a reason, ratings chosen by hand, the overstretch warning), resumes
after a reload, syncs once when back online, checks in the next morning; the clinician's patient
list then shows the session and the red response. Every patient page passes the plain-language
scan (``check(label, scan="patient")``).

Test-only speed-up of the timers: the player reads time from ``window.lumboClock``; TEST_CLOCK
(installed with ``add_init_script``) only moves when the test calls ``advance(page, ms)``."""

from __future__ import annotations

from typing import Any

from tests.e2e.web.conftest import Server

OUTBOX = "lumbo.outbox.v1:"  # + the account's id: the queue belongs to the account
# The player reads time from window.lumboClock; this one only moves when the test says so, and
# leaves the page's real timers alone (axe-core and fetch keep working).
TEST_CLOCK = """
window.lumboClock = (function () {
  var t = 0, queue = [];
  return {
    now: function () { return t; },
    after: function (ms, fn) { queue.push({ at: t + ms, fn: fn }); },
    advance: function (ms) {
      var end = t + ms;
      for (;;) {
        queue.sort(function (a, b) { return a.at - b.at; });
        if (!queue.length || queue[0].at > end) break;
        var next = queue.shift();
        t = next.at;
        next.fn();
      }
      t = end;
    }
  };
})();
"""


def advance(page: Any, ms: int) -> None:
    page.evaluate(f"window.lumboClock.advance({ms})")


def run_block(page: Any) -> None:
    """Drive one block to its questions: press start, then let the fake clock run."""
    if page.locator("#start-block:enabled").count():
        page.click("#start-block")
    for _ in range(400):
        if page.locator("#block-answers").count():
            return
        if page.locator("#set-done").count():
            page.click("#set-done")
        elif page.locator("#block-done").count():
            page.click("#block-done")
        else:
            advance(page, 10_000)
    raise AssertionError("the block never reached its questions")


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"the page scrolls sideways by {width}px on a phone"


def wait_phase(page: Any, text: str, step_ms: int = 500, limit: int = 400) -> None:
    """Advance the test clock until the player's phase line contains ``text``."""
    for _ in range(limit):
        if text in page.inner_text("#phase"):
            return
        advance(page, step_ms)
    raise AssertionError(f"the player never reached {text!r}: {page.inner_text('#phase')!r}")


def answer(page: Any, intensity: int | None, during: int, after: int) -> None:
    if intensity is not None and page.locator("#intensity").count():
        page.check(f"#intensity-{intensity}")
    page.check(f"#pain_during-{during}")
    page.check(f"#pain_after-{after}")


def test_patient_installs_runs_a_session_offline_resumes_after_reload_and_syncs_once(
    browsing: Any, server: Server
) -> None:
    """Issue 16's phone flow: the app is installable (manifest, service worker) and keeps this
    week's pages; with the network off it opens, runs a whole session (a timed hold inside a rep
    exercise, a rest timer, pause, a skip with a reason, every rating chosen by hand), survives a
    reload in the middle, and back online the log reaches the server exactly once."""
    me = browsing("patient", phone=True)
    page = me.page
    page.add_init_script(TEST_CLOCK)
    me.login(server.accounts.patient_email, server.accounts.patient_password)
    person = server.accounts.person_id
    assert me.path() == f"/patients/{person}/today"
    me.check("today", scan="patient")
    no_sideways_scroll(page)
    start = page.locator("#start-session").bounding_box()
    assert start is not None and start["y"] + start["height"] <= 844, "Start is below the fold"
    # the menu: four items and "More" on one line at 390 px; the rest opens from "More"
    menu = page.locator('header nav[aria-label="Main"] > ul')
    items = menu.locator(":scope > li").all()
    assert len(items) == 5 and len({round(li.bounding_box()["y"]) for li in items}) == 1
    more = page.locator("header nav .more")
    assert not more.locator('a[href$="/reminders"]').is_visible()
    more.locator("summary").click()
    assert more.locator('a[href$="/reminders"]').is_visible()
    me.check("today-more-menu", scan="patient")
    page.set_viewport_size({"width": 1280, "height": 900})
    me.check("today-more-menu-desktop", scan="patient")
    page.set_viewport_size({"width": 390, "height": 844})
    more.locator("summary").click()
    assert not more.locator('a[href$="/reminders"]').is_visible()

    # installable: a manifest, a registered service worker that kept this week's pages
    assert page.get_attribute('link[rel="manifest"]', "href") == "/manifest.webmanifest"
    manifest = page.request.get("/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    pngs = {i["sizes"]: i["src"] for i in manifest["icons"] if i["type"] == "image/png"}
    assert {"192x192", "512x512"} <= set(pngs)  # Chrome's install criteria
    for src in pngs.values():
        icon = page.request.get(src)
        assert icon.ok and icon.headers["content-type"] == "image/png", src
    page.wait_for_function("() => document.documentElement.dataset.offlineReady === '1'")
    assert page.evaluate(
        "async () => !!(await navigator.serviceWorker.getRegistration('/'))?.active"
    )
    blocks = page.evaluate("() => JSON.parse(document.getElementById('session-data').textContent)")
    blocks = blocks["blocks"]
    held = next(i for i, b in enumerate(blocks) if b["rep_hold_s"] and b["per_side"])
    skipped = next(i for i, b in enumerate(blocks) if i > held and b["kind"] == "reps")

    # the network goes off; the app still opens (from the service worker's copy)
    page.context.set_offline(True)
    page.reload()
    assert page.inner_text("h1") == "Today's session"
    me.check("today-offline", scan="patient")
    page.check("#speak-cues")
    page.click("#start-session")
    me.check("player-card", scan="patient")

    for n, b in enumerate(blocks):
        heading = page.inner_text("#player h2")
        assert heading.startswith(f"Block {n + 1} of {len(blocks)}: ")
        if n == held:
            page.click("#start-block")
            wait_phase(page, "rep 1 of")
            assert "hold" in page.inner_text("#phase")
            assert page.inner_text("#timer") == f"0:{b['rep_hold_s']:02d}"
            advance(page, 1_000)
            me.check("player-rep-hold", scan="patient")
            page.click("#pause")
            frozen = page.inner_text("#timer")
            advance(page, 20_000)
            assert page.inner_text("#timer") == frozen and "Paused" in page.inner_text("#phase")
            page.click("#pause")  # resume
            beeps = page.evaluate("window.lumboBeeps")
            wait_phase(page, "rep 2 of")
            assert page.evaluate("window.lumboBeeps") == beeps + 1  # a beep ends each hold
            # a rest timer between the sides, which can be cut short
            wait_phase(page, "Rest, then change to the other side")
            assert page.inner_text("#timer") == f"0:{b['side_rest_s']:02d}"
            assert page.is_visible("#skip-rest")
            me.check("player-rest", scan="patient")
            advance(page, 5_000)
            # a reload in the middle (offline): the player offers to continue where it was
            page.reload()
            me.check("player-resume-offer", scan="patient")
            assert f"block {held + 1} of" in page.inner_text("#resume-session")
            page.click("#resume-session")
            assert "You were here: Rest" in page.inner_text("#phase")
            page.click("#start-block")
            left = page.inner_text("#timer")
            assert left in ("0:10", "0:11"), left  # the rest continues, it does not restart
            wait_phase(page, "right side: get ready")
        if n == skipped:
            page.click("#skip-block")
            page.click("#skip-confirm")
            assert "Choose a reason" in page.inner_text("#skip-error")
            page.check("#skip-0")
            me.check("player-skip", scan="patient")
            page.click("#skip-confirm")
        run_block(page)
        if n == 0:
            # nothing is chosen for the person: saving without answers asks for them
            assert page.locator("#block-answers input[type=radio]:checked").count() == 0
            page.click("#save-block")
            assert "nothing is filled in for you" in page.inner_text("#answers-error")
            me.check("player-questions-unanswered", scan="patient")
            page.check("#intensity-8")
            assert page.is_visible("#overstretch")
            assert "Overstretch warning" in page.inner_text("#overstretch")
            me.check("player-overstretch", scan="patient")
            answer(page, None, 2, 1)
        else:
            answer(page, 4, 2, 1)
        page.click("#save-block")
    assert not page.is_checked("#ws_new_weakness")
    page.click("#save-session")
    page.wait_for_function(
        "() => document.querySelector('#sync-state').textContent.includes('Saved on this device')"
    )
    me.check("player-summary-offline", scan="patient")
    no_sideways_scroll(page)
    assert page.evaluate("window.lumboSpoken.length") > len(blocks)  # spoken cues were on
    queued = page.evaluate("() => JSON.parse(localStorage.getItem(window.lumboOutbox.key))")
    assert len(queued) == 1
    log = queued[0]["body"]
    assert log["week"] == 1 and log["session_index"] == 1 and len(log["blocks"]) == len(blocks)
    assert log["blocks"][0]["intensity"] == 8
    assert log["blocks"][held]["hold_s"] == blocks[held]["hold_s"]
    assert "Skipped" in log["notes"] and "it hurt" in log["notes"]
    assert log["warning_signs"] == []

    page.context.set_offline(False)  # the browser's "online" event sends the queued log
    page.wait_for_function(
        "() => document.querySelector('#sync-state').textContent === 'Session saved.'"
    )
    me.check("player-summary-synced", scan="patient")
    stored = page.request.get(f"/api/patients/{person}/sessions").json()
    assert [s["session_id"] for s in stored].count(log["session_id"]) == 1
    replay = page.request.post(
        f"/api/patients/{person}/sessions", data=log, headers={"X-CSRF-Token": me.csrf()}
    )
    assert replay.status == 200 and replay.json()["created"] is False

    # offline again: the worker's copy of Today still names session 1 as due, and the player moves
    # on to the week's next session, which that page holds too
    upcoming = page.evaluate(
        "() => JSON.parse(document.getElementById('session-data').textContent).upcoming"
    )
    following = upcoming["sessions"][0]
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#start-session")
    assert page.inner_text("#player h2").startswith(f"Session {following['session_index']}: ")
    assert following["session_index"] != 1
    me.check("today-next-session-offline", scan="patient")
    page.click("#start-session")
    first = following["blocks"][0]["name"]
    assert page.inner_text("#player h2") == f"Block 1 of {len(following['blocks'])}: {first}"
    page.context.set_offline(False)
    stored = page.request.get(f"/api/patients/{person}/sessions").json()
    assert [s["session_id"] for s in stored].count(log["session_id"]) == 1

    me.goto(f"/patients/{person}/checkin")
    me.check("checkin", scan="patient")
    assert page.locator("#checkin-form input[type=radio]:checked").count() == 0
    page.check("#pain-3")
    page.check("#stiffness-4")
    page.click("#checkin-form button[type=submit]")
    page.wait_for_load_state("load")
    me.check("checkin-saved", scan="patient")
    assert "check-in is saved" in page.inner_text("#checkin-done")

    me.goto(f"/techniques/{blocks[held]['technique']}")
    me.check("technique", scan="patient")
    me.goto(f"/patients/{person}/plan")  # not in the patient's menu, but reachable
    me.check("plan", scan="patient")
    assert "needs control rather than stretching" in page.inner_text("main")
    whys = page.locator("p.why").all_inner_texts()  # each block's why in the patient's words
    assert whys and any("Because your" in w for w in whys), whys

    me.goto(f"/patients/{person}/progress")
    me.check("progress", scan="patient")
    no_sideways_scroll(page)
    assert page.locator("svg .cell-done").count() == 1
    assert page.locator('svg circle.pt[data-series="pain next morning"]').count() == 1

    dr = browsing("clinician")
    dr.login(server.accounts.clinician_email, server.accounts.clinician_password)
    dr.check("patients-with-session")
    row = dr.page.locator(f'#patients tr[data-person="{person}"]')
    assert log["performed_on"] in row.locator(".last-session").inner_text()
    assert "1 logged" in row.locator(".last-session").inner_text()
    assert row.locator(".adherence").inner_text() == "25%"
    assert "red response" in row.inner_text()


def test_signing_out_sends_the_queue_first_or_refuses_while_entries_are_unsent(
    browsing: Any, server: Server
) -> None:
    """Shared devices: with an unsent session log, sign-out refuses and says why; once sent, it
    signs out and leaves no queued entry on the device."""
    me = browsing("patient-signout", phone=True)
    page = me.page
    me.login(server.accounts.patient_email, server.accounts.patient_password)
    person = server.accounts.person_id
    me.check("today-before-signout")
    key = page.evaluate("() => window.lumboOutbox.key")
    account = page.get_attribute('meta[name="lumbo-account"]', "content")
    assert key == OUTBOX + account
    page.context.set_offline(True)
    page.evaluate(
        """([url]) => window.lumboOutbox.enqueue('signout-test-1', url,
            {session_id: 'signout-test-1', week: 1, session_index: 1,
             performed_on: '2026-12-01', blocks: []})""",
        [f"/api/patients/{person}/sessions"],
    )
    page.click("form.signout button")
    page.wait_for_selector("#signout-refused")
    assert "not sent yet" in page.inner_text("#signout-refused")
    assert me.path() == f"/patients/{person}/today"  # still signed in
    me.check("signout-refused")
    page.context.set_offline(False)
    page.click("form.signout button")
    page.wait_for_url("**/login")
    me.check("signed-out")
    left = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('lumbo.outbox'))"
    )
    assert left == []


def test_a_warning_sign_in_the_player_stops_the_plan(browsing: Any, server: Server) -> None:
    """A patient of their own (the demo patient's plan must keep going for the other tests)
    ticks "spread further down your leg" on a block and new leg weakness at the end: the
    session is saved with both, the player says what to do now and today offers no session."""
    from lumbo.cli.demo import example_intake_text
    from lumbo.services import journey
    from lumbo.services.accounts import create_user

    ctx = server.app.state.lumbo
    person = journey.init_person(ctx.store.uow(), example_intake_text()).person.id
    create_user(
        ctx.store, ctx.settings, email="stop@x.test", password="stop horse battery staple",
        role="patient", person_id=person,
    )  # fmt: skip
    me = browsing("patient-stop", phone=True)
    page = me.page
    page.add_init_script(TEST_CLOCK)
    me.login("stop@x.test", "stop horse battery staple")
    blocks = page.locator("#player ol li").count()
    page.click("#start-session")
    for n in range(blocks):
        run_block(page)
        if page.locator("#intensity").count():
            page.check("#intensity-3")
        page.check("#pain_during-1")
        page.check("#pain_after-1")
        if n == 0:
            page.check("#symptoms_spread_down_leg")
            assert page.is_visible("#overstretch")
            me.check("player-spread-down-leg")
        page.click("#save-block")
    me.check("player-warning-signs")
    page.check("#ws_new_weakness")
    page.click("#save-session")
    page.wait_for_function(
        "() => document.querySelector('#sync-state').textContent === 'Session saved.'"
    )
    assert "same-day emergency care" in page.inner_text("#stop-now")
    me.check("player-stop-now")
    logs = page.request.get(f"/api/patients/{person}/sessions").json()
    assert logs[-1]["warning_signs"] == ["new_weakness"]
    assert logs[-1]["blocks"][0]["symptoms_spread_down_leg"] is True

    me.goto(f"/patients/{person}/today")
    me.check("today-stopped")
    no_sideways_scroll(page)
    banner = page.inner_text("#stop-banner")
    assert "same-day emergency care" in banner and "new weakness in a leg" in banner
    assert page.locator("#player").count() == 0


def test_emergency_screen_says_what_to_do_now_and_signs_out(browsing: Any, server: Server) -> None:
    """A patient whose intake reports numbness between the legs sees no plan: the screen says to
    get same-day emergency care and why, in plain words (no status code, no citation, not "this
    person"), and signing out from it works."""
    import json

    from lumbo.cli.demo import example_intake_text
    from lumbo.services import journey
    from lumbo.services.accounts import create_user

    intake = json.loads(example_intake_text())
    intake["red_flags"]["saddle_anaesthesia"] = True
    intake["person"]["id"] = "emergency-case"
    ctx = server.app.state.lumbo
    person = journey.init_person(ctx.store.uow(), json.dumps(intake)).person.id
    create_user(
        ctx.store, ctx.settings, email="emergency@x.test", password="emergency horse battery",
        role="patient", person_id=person,
    )  # fmt: skip
    me = browsing("patient-emergency", phone=True)
    page = me.page
    me.login("emergency@x.test", "emergency horse battery")
    assert me.path() == f"/patients/{person}/today"
    me.check("emergency", scan="patient")
    no_sideways_scroll(page)
    screen = page.inner_text("#referral-screen")
    assert "same-day emergency care" in screen
    assert "numbness between your legs" in page.inner_text("#referral-reasons")
    assert "this person" not in page.inner_text("body")
    assert page.locator("#player").count() == 0
    page.click("#referral-signout button")
    page.wait_for_url("**/login")
    me.check("signed-out-from-emergency")
    assert page.request.get(f"/api/patients/{person}/today").status == 401
