"""Health data on disk is private (issue 12, point 3): a real ``lumbo serve`` makes its data
directory 0700 and every file in it (database, WAL, queue, uploads, secret key) 0600, including
files an older version left readable by others."""

from __future__ import annotations

import os
import stat
from contextlib import closing
from pathlib import Path

import pytest

from tests.integration.jobs.procs import Api, Server, base_env, create_clinician, intake

pytestmark = pytest.mark.slow

# An MP4 signature is all the upload checks before the job (which is never run here) looks at it.
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_the_data_directory_and_every_file_in_it_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        url = f"sqlite:///{data / 'lumbo.db'}"
        create_clinician(data, url)  # as an older version would: 0644 database in a 0755 folder
        (data / "lumbo.db").chmod(0o644)
    finally:
        os.umask(old)
    server = Server(base_env(data, url), tmp_path / "serve.log")
    try:
        server.wait_ready()
        with closing(Api(server.url)) as api:
            person = api.post("/api/patients", json=intake("perm-1")).json()["person_id"]
            got = api.post(
                f"/api/patients/{person}/videos",
                files={"file": ("clip.mp4", FAKE_MP4, "video/mp4")},
                data={"movement": "trunk_flexion"},
            )
            assert got.status_code == 202, got.text
    finally:
        server.stop()
    modes = _modes(data)
    assert any(name.startswith("uploads/") and "." in name for name in modes), modes
    assert "lumbo.db" in modes
    for name, mode in modes.items():
        is_dir = (data / name).is_dir()
        assert mode == (0o700 if is_dir else 0o600), (name, oct(mode))
