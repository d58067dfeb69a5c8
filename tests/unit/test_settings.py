"""One rule for where lumbo keeps its data: every entry point reads the same database."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumbo.jobs.settings import QueueSettings
from lumbo.settings import Settings
from lumbo.store.settings import StoreSettings


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
    """``lumbo init``/``measure --record`` (StoreSettings) and ``lumbo serve``/``worker``
    (Settings) used to disagree when only LUMBO_DATA_DIR was set: the CLI wrote to the user data
    directory while the web service read the data directory."""
    environ = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    store_url = StoreSettings.from_env(environ).database_url
    web = Settings.from_env({**environ, "LUMBO_SECRET_KEY": "k" * 40})
    assert store_url == expected.format(tmp=tmp_path)
    assert web.database_url == store_url
    assert web.store.database_url == store_url
    assert QueueSettings.from_env(environ).database_url == store_url  # the worker
