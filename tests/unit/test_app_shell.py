"""The service worker's shell cache is named after the shell files (issue 16): an upgraded lumbo
reaches installed phones instead of the old styles and scripts staying in the cache for good."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lumbo.web.pages.app_shell import SHELL_NAME, _worker_body, shell_version
from lumbo.web.pages.common import STATIC_DIR


@pytest.mark.parametrize(
    ("changed", "differs"),
    [
        ("questionnaire.js", True),
        ("lumbo.css", True),
        ("sw.js", True),
        ("wizard.js", False),  # not a shell file: the cache keeps no copy of it
    ],
)
def test_the_shell_version_follows_the_shell_files(
    tmp_path: Path, changed: str, differs: bool
) -> None:
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static)
    before = shell_version(static)
    with (static / changed).open("a", encoding="utf-8") as f:
        f.write("\n/* upgraded */\n")
    assert (shell_version(static) != before) is differs


def test_the_served_worker_names_its_cache_with_the_version() -> None:
    body = _worker_body().decode()
    assert SHELL_NAME not in body
    assert re.search(r'var SHELL = "lumbo-shell-[0-9a-f]{12}";', body)
    assert f"lumbo-shell-{shell_version(STATIC_DIR)}" in body
    assert 'n.indexOf("lumbo-shell-") === 0 && n !== SHELL' in body  # old shells deleted
