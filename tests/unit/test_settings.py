"""One rule for where lumbo keeps its data: every entry point reads the same database."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.jobs.settings import QueueSettings
from lumbo.settings import Settings
from tests.conftest import EXAMPLE_INTAKE


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LUMBO_DATA_DIR": "{tmp}/clinic"}, "sqlite:///{tmp}/clinic/lumbo.db"),
        ({"LUMBO_DATA_DIR": " {tmp}/clinic "}, "sqlite:///{tmp}/clinic/lumbo.db"),
        (
            {"LUMBO_DATA_DIR": "{tmp}/clinic", "LUMBO_DATABASE_URL": "sqlite:///{tmp}/other.db"},
            "sqlite:///{tmp}/other.db",
        ),
    ],
)
def test_the_cli_store_and_the_web_service_read_one_database(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    """``lumbo init``/``measure --record`` and ``lumbo serve``/``worker`` used to disagree when
    only LUMBO_DATA_DIR was set (the CLI's StoreSettings.from_env ignored it): now there is one
    model, and the store's and the queue's parameters are built from it."""
    environ = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    cli = Settings.from_env(environ, signs=False)  # lumbo init / measure --record
    web = Settings.from_env({**environ, "LUMBO_SECRET_KEY": "k" * 40})  # lumbo serve
    assert cli.store.database_url == expected.format(tmp=tmp_path)
    assert web.database_url == web.store.database_url == cli.store.database_url
    assert QueueSettings.of(web).database_url == cli.store.database_url  # the worker
    assert not (tmp_path / "clinic" / "secret_key").exists()  # signs=False creates no key


def test_the_store_and_queue_sections_come_from_the_one_model(tmp_path: Path) -> None:
    env = {
        "LUMBO_DATA_DIR": str(tmp_path),
        "LUMBO_SECRET_KEY": "k" * 40,
        "LUMBO_DB_POOL_SIZE": "3",
        "LUMBO_DB_POOL_OVERFLOW": "4",
        "LUMBO_QUEUE_NAME": "clinic-a",
        "LUMBO_JOB_STALE_S": "60",
    }
    settings = Settings.from_env(env)
    assert (settings.store.pool_size, settings.store.pool_overflow) == (3, 4)
    queue = QueueSettings.of(settings)
    assert (queue.queue_name, queue.stale_after_s, queue.heartbeat_s) == ("clinic-a", 60, 15)
    assert queue.data_dir == tmp_path


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("LUMBO_DB_POOL_SIZE", "many"),
        ("LUMBO_DB_POOL_OVERFLOW", "-1"),
        ("LUMBO_DATABASE_URL", "mysql://u@h/db"),
        ("LUMBO_PUBLIC_URL", "lumbo.example.org"),
        ("LUMBO_PUBLIC_URL", "ftp://lumbo.example.org"),
        ("LUMBO_PUBLIC_URL", "https://lumbo example.org"),
    ],
)
def test_bad_store_variables_name_the_variable(tmp_path: Path, name: str, bad: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Settings.from_env({"LUMBO_DATA_DIR": str(tmp_path), name: bad}, signs=False)
    assert err.value.problems[0].path == name


def test_lumbo_init_and_lumbo_serve_use_the_same_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behaviour, through the entry points: ``lumbo init`` writes the person into the database
    that ``lumbo serve`` (its settings, its store) then reads, with only LUMBO_DATA_DIR set."""
    from lumbo.cli import main
    from lumbo.services import journey
    from lumbo.store.db import open_store

    monkeypatch.delenv("LUMBO_DATABASE_URL", raising=False)
    monkeypatch.setenv("LUMBO_DATA_DIR", str(tmp_path / "clinic"))
    assert main(["init", str(EXAMPLE_INTAKE)]) == 0
    served: list[Settings] = []

    def fake_run(app: object, **_: object) -> None:  # what `lumbo serve` would serve
        served.append(app.state.lumbo.settings)  # type: ignore[attr-defined]
        app.state.lumbo.store.close()  # type: ignore[attr-defined]

    monkeypatch.setattr("uvicorn.run", fake_run)
    assert main(["serve"]) == 0
    assert served, "lumbo serve did not build its app"
    assert served[0].database_url == f"sqlite:///{tmp_path / 'clinic' / 'lumbo.db'}"
    store = open_store(served[0].store)
    try:
        assert journey.find_person(store.uow(), None).id  # the person lumbo init enrolled
    finally:
        store.close()


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, True), ("0", False), ("1", True), ("no", False)]
)
def test_the_access_log_is_on_unless_turned_off(
    tmp_path: Path, raw: str | None, expected: bool
) -> None:
    env = {"LUMBO_DATA_DIR": str(tmp_path)} | ({} if raw is None else {"LUMBO_ACCESS_LOG": raw})
    assert Settings.from_env(env, signs=False).access_log is expected


def test_a_bad_access_log_flag_names_the_variable(tmp_path: Path) -> None:
    env = {"LUMBO_DATA_DIR": str(tmp_path), "LUMBO_ACCESS_LOG": "sometimes"}
    with pytest.raises(InvalidInput) as err:
        Settings.from_env(env, signs=False)
    assert err.value.problems[0].path == "LUMBO_ACCESS_LOG"


@pytest.mark.parametrize(
    ("env", "expect"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"LUMBO_HOST": "0.0.0.0", "LUMBO_PORT": "9000"}, "http://0.0.0.0:9000"),
        ({"LUMBO_PUBLIC_URL": "https://lumbo.example.org/"}, "https://lumbo.example.org"),
        ({"LUMBO_PUBLIC_URL": "https://x.org/clinic"}, "https://x.org/clinic"),
    ],
)
def test_the_worker_links_to_the_public_url(
    tmp_path: Path, env: dict[str, str], expect: str
) -> None:
    """Reminder e-mails the worker sends link to LUMBO_PUBLIC_URL (no request to take it from)."""
    settings = Settings.from_env({"LUMBO_DATA_DIR": str(tmp_path), **env}, signs=False)
    assert settings.app_url == expect
    assert QueueSettings.of(settings).app_url == expect


@pytest.mark.parametrize(
    ("env", "signup"),
    [
        ({}, True),  # the embedded default (make run): a person at home may sign up
        ({"LUMBO_DATABASE_URL": "sqlite:///{tmp}/other.db"}, True),
        ({"LUMBO_DATABASE_URL": "postgresql+psycopg://db.clinic/lumbo"}, False),  # a clinic
        ({"LUMBO_DATABASE_URL": "postgresql+psycopg://db.clinic/lumbo", "LUMBO_SIGNUP": "1"}, True),
        ({"LUMBO_SIGNUP": "0"}, False),
        ({"LUMBO_SIGNUP": "no"}, False),
    ],
)
def test_sign_up_is_on_at_home_and_off_in_a_clinic_unless_said(
    tmp_path: Path, env: dict[str, str], signup: bool
) -> None:
    environ = {"LUMBO_DATA_DIR": str(tmp_path), "LUMBO_SECRET_KEY": "k" * 40}
    environ |= {k: v.format(tmp=tmp_path) for k, v in env.items()}
    assert Settings.from_env(environ).signup is signup


def test_a_bad_sign_up_value_names_the_variable(tmp_path: Path) -> None:
    environ = {
        "LUMBO_DATA_DIR": str(tmp_path),
        "LUMBO_SECRET_KEY": "k" * 40,
        "LUMBO_SIGNUP": "maybe",
    }
    with pytest.raises(InvalidInput, match="LUMBO_SIGNUP"):
        Settings.from_env(environ)
