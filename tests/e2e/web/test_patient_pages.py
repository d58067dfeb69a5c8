"""The patient, on a phone-sized screen, runs today's session with a test clock while offline
(countdown, hold timers with their beep, set counters, sliders, the overstretch warning), sees it
kept on the device, syncs it when back online (a replay stores nothing twice), checks in the next
morning; the clinician's patient list then shows the session and the red response."""

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


def test_patient_runs_a_session_offline_and_the_clinician_sees_it(
    browsing: Any, server: Server
) -> None:
    me = browsing("patient", phone=True)
    page = me.page
    page.add_init_script(TEST_CLOCK)
    me.login(server.accounts.patient_email, server.accounts.patient_password)
    person = server.accounts.person_id
    assert me.path() == f"/patients/{person}/today"
    me.check("today")
    no_sideways_scroll(page)
    blocks = page.locator("#player ol li").count()
    assert blocks >= 4

    page.context.set_offline(True)
    page.click("#start-session")
    me.check("player-card")
    timed_seen = reps_seen = False
    for n in range(blocks):
        heading = page.inner_text("#player h2")
        assert heading.startswith(f"Block {n + 1} of {blocks}: ")
        timed = page.locator("#start-block").count() > 0
        if page.locator("#rep-done").count() and not reps_seen:
            assert page.inner_text("#timer").startswith("rep 0 / ")
            page.click("#rep-done")
            assert page.inner_text("#timer").startswith("rep 1 / ")
            assert "Set 1 of" in page.inner_text("#phase")
            page.click("#set-done")
            if not page.locator("#block-answers").count():  # more sets: the count starts again
                assert page.inner_text("#timer").startswith("rep 0 / ")
            reps_seen = True
        if timed and not timed_seen:
            page.click("#start-block")
            assert page.inner_text("#timer") == "3"  # the 3-2-1 countdown
            assert "get ready" in page.inner_text("#phase")
            advance(page, 1_000)
            assert page.inner_text("#timer") == "2"
            beeps = page.evaluate("window.lumboBeeps")
            advance(page, 2_100)
            assert "get ready" not in page.inner_text("#phase")
            me.check("player-hold-timer")
        run_block(page)
        if timed and not timed_seen:
            assert page.evaluate("window.lumboBeeps") > beeps  # a beep at the end of the hold
            timed_seen = True
        if n == 0:
            me.check("player-questions")
            assert not page.is_visible("#overstretch")
            page.fill("#intensity", "8")
            assert page.is_visible("#overstretch")
            assert "Overstretch warning" in page.inner_text("#overstretch")
            me.check("player-overstretch")
        elif page.locator("#intensity").count():
            page.fill("#intensity", "4")
        page.fill("#pain_during", "2")
        page.fill("#pain_after", "1")
        page.click("#save-block")
    assert timed_seen and reps_seen
    # the warning-sign step: nothing ticked by default means none reported
    assert not page.is_checked("#ws_new_weakness")
    page.click("#save-session")

    # the summary says "Saving…" until the (offline) send attempt has failed and the log is queued
    page.wait_for_function(
        "() => document.querySelector('#sync-state').textContent.includes('Saved on this device')"
    )
    assert "Saved on this device" in page.inner_text("#sync-state")
    me.check("player-summary-offline")
    no_sideways_scroll(page)
    queued = page.evaluate("() => JSON.parse(localStorage.getItem(window.lumboOutbox.key))")
    assert len(queued) == 1
    log = queued[0]["body"]
    assert log["week"] == 1 and log["session_index"] == 1 and len(log["blocks"]) == blocks
    assert log["blocks"][0]["intensity"] == 8
    assert log["warning_signs"] == []
    assert not any(b["symptoms_spread_down_leg"] for b in log["blocks"])

    assert page.is_visible("#send-now")
    page.context.set_offline(False)  # the browser's "online" event sends the queued log
    page.wait_for_function(
        "() => document.querySelector('#sync-state').textContent === 'Session saved.'"
    )
    assert page.evaluate("() => JSON.parse(localStorage.getItem(window.lumboOutbox.key))") == []
    me.check("player-summary-synced")
    replay = page.request.post(
        f"/api/patients/{person}/sessions",
        data=log,
        headers={"X-CSRF-Token": me.csrf()},
    )
    assert replay.status == 200 and replay.json()["created"] is False

    me.goto(f"/patients/{person}/checkin")
    me.check("checkin")
    page.fill("#pain", "3")
    page.fill("#stiffness", "4")
    page.click("#checkin-form button[type=submit]")
    page.wait_for_load_state("load")
    me.check("checkin-saved")
    assert "check-in is saved" in page.inner_text("#checkin-done")

    me.goto(f"/patients/{person}/progress")
    me.check("progress")
    no_sideways_scroll(page)
    assert page.locator("svg .cell-done").count() == 1
    assert page.locator('svg circle.pt[data-series="pain next morning"]').count() == 1
    assert "yes" in page.inner_text("#sessions tbody")  # warning signs in the log

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
            page.fill("#intensity", "3")
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
