"""The worker sends the patients' e-mail reminders itself (issue 16): a huey periodic task, on
SQLite and PostgreSQL, through a local SMTP server. Two workers at once send a reminder once: the
day is claimed in the database (one conditional write) before the mail goes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lumbo.jobs.queue import REMINDERS_TASK, JobQueue
from lumbo.jobs.settings import QueueSettings
from lumbo.services import reminders
from lumbo.services.mail import MailSettings
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import World, build_world


def _queue(tmp_path: Path, name: str, database_url: str, mail: MailSettings | None) -> JobQueue:
    settings = QueueSettings(
        tmp_path / name, database_url, mail=mail, app_url="https://lumbo.example"
    )
    return JobQueue(settings)


def _due_now(w: World, person: str, now: datetime) -> None:
    """E-mail reminders on ``now``'s weekday from midnight: due at ``now`` (UTC, the default)."""
    reminders.choose(w.ctx.store.uow(), person, [now.weekday()], "00:00", True)


def test_two_workers_send_each_reminder_once(
    tmp_path: Path, database_url: str, mailbox: Any
) -> None:
    smtp, got = mailbox
    mail = MailSettings(host="127.0.0.1", port=smtp.port, sender="lumbo@x.test", tls="none")
    app = create_app(make_settings(tmp_path / "d", database_url, mail=mail))
    workers = [_queue(tmp_path, f"w{n}", database_url, mail) for n in (1, 2)]
    try:
        w = build_world(app)
        # The periodic task is registered with huey and runs through huey (now, in UTC).
        now = datetime.now(UTC)
        _due_now(w, w.person_a, now)
        periodic = workers[0].huey.read_periodic(now.replace(minute=0, second=0))
        task = next(t for t in periodic if t.name == REMINDERS_TASK)
        assert workers[0].huey.execute(task) == [w.person_a]
        assert [m["To"] for m in got] == ["pa@x.test"]
        assert "https://lumbo.example/" in got[0].get_content()
        assert workers[1].huey.execute(task) == []  # the other worker, the same minute: nothing
        assert len(got) == 1

        # Two workers at the same moment, for a second patient: one of them sends it.
        _due_now(w, w.person_b, now)
        start = threading.Barrier(2)
        results: list[list[str]] = []

        def run(q: JobQueue) -> None:
            start.wait()
            results.append(q.send_reminders(now))

        threads = [threading.Thread(target=run, args=(q,)) for q in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(map(len, results)) == [0, 1] and [p for r in results for p in r] == [
            w.person_b
        ]
        assert sorted(m["To"] for m in got) == ["pa@x.test", "pb@x.test"]
        # later the same day, nothing more; the command line sends nothing either
        assert workers[0].send_reminders(now + timedelta(minutes=5)) == []
        assert reminders.send_all_due(w.ctx.store.uow, _Fail(), now, "x") == []
        assert len(got) == 2
    finally:
        for q in workers:
            q.close()
        app.state.lumbo.store.close()


class _Fail:
    def send(self, mail: Any) -> None:
        raise AssertionError("nothing is due: no mail is sent")


def test_without_smtp_the_task_sends_nothing(tmp_path: Path, database_url: str) -> None:
    app = create_app(make_settings(tmp_path / "d", database_url))
    queue = _queue(tmp_path, "w", database_url, None)
    try:
        w = build_world(app)
        now = datetime.now(UTC)
        _due_now(w, w.person_a, now)
        assert queue.send_reminders(now) == []
        assert reminders.current(w.ctx.store.uow(), w.person_a).reminded_on is None
    finally:
        queue.close()
        app.state.lumbo.store.close()


def test_the_claim_is_one_conditional_write(world: World) -> None:
    uow = world.ctx.store.uow
    person = world.person_a
    with uow() as u:
        assert u.journeys.claim_reminder(person, "2026-12-07") is False  # no settings row yet
    reminders.choose(uow(), person, [0], "07:30", True)
    with uow() as u:
        assert u.journeys.claim_reminder(person, "2026-12-07") is True
        u.commit()
    with uow() as u:
        assert u.journeys.claim_reminder(person, "2026-12-07") is False
        assert u.journeys.claim_reminder(person, "2026-12-08") is True  # the next day
        u.journeys.release_reminder(person, "2026-12-08", "2026-12-07")
        u.commit()
    assert reminders.current(uow(), person).reminded_on == "2026-12-07"


def test_the_patient_and_the_admin_choose_time_zones_on_their_pages(world: World) -> None:
    """The clinic's zone (admin, /settings) is every patient's default; a patient may choose their
    own on the reminders page; a bad name is a 422 naming it, nothing written."""
    w = world
    page = w.patient_a.get(f"/patients/{w.person_a}/reminders")
    assert "Your clinic's (UTC)" in page.text and 'value="America/New_York"' in page.text
    assert ">America: New York<" in page.text  # the name in words, no underscore
    bad = w.admin.post("/settings", data={"auto_approve": "on", "time_zone": "Mars/Base"})
    assert bad.status_code == 422 and "time zone" in bad.text.lower()
    assert w.admin.post("/settings", data={"auto_approve": "on", "time_zone": "Europe/Paris"}
                        ).status_code == 303  # fmt: skip
    assert 'id="clinic-time-zone-state">Europe/Paris<' in w.clinician_a.get("/settings").text
    assert (
        "Your clinic's (Europe: Paris)" in w.patient_a.get(f"/patients/{w.person_a}/reminders").text
    )
    form = {"at": "07:30", "days": ["0", "3"], "time_zone": "Asia/Tokyo"}
    saved = w.patient_a.post(f"/patients/{w.person_a}/reminders", data=form)
    assert saved.status_code == 200 and "saved" in saved.text
    assert reminders.current(w.ctx.store.uow(), w.person_a).time_zone == "Asia/Tokyo"
    assert 'value="Asia/Tokyo" selected' in saved.text
    refused = w.patient_a.post(
        f"/patients/{w.person_a}/reminders", data={**form, "time_zone": "Tokyo"}
    )
    assert refused.status_code == 422 and "time zone name" in refused.text
    assert reminders.current(w.ctx.store.uow(), w.person_a).time_zone == "Asia/Tokyo"
