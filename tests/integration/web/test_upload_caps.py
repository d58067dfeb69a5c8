"""Video upload caps (issue 12, point 6): duration, frame count and resolution from the video's
header (413 / 422 with the limit named), and uploads per account per hour (429), all settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import World, signed_in


def _video(path: Path, seconds: float, fps: int, size: tuple[int, int]) -> bytes:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    frame = np.zeros((size[1], size[0], 3), dtype=np.uint8)
    for i in range(int(seconds * fps)):
        frame[:] = i % 255
        writer.write(frame)
    writer.release()
    return path.read_bytes()


@pytest.fixture
def clip(tmp_path: Path) -> bytes:
    return _video(tmp_path / "clip.mp4", 3, 10, (64, 48))


def _upload(client: TestClient, person: str, content: bytes) -> Any:
    return client.post(
        f"/api/patients/{person}/videos",
        files={"file": ("clip.mp4", content, "video/mp4")},
        data={"movement": "trunk_flexion"},
    )


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({}, 202, ""),
        ({"max_video_seconds": 2}, 413, "at most 2 s"),
        ({"max_video_frames": 20}, 413, "at most 20"),
        ({"max_video_side": 32}, 422, "at most 32 pixels"),
    ],
)
def test_video_caps(
    world: World, tmp_path: Path, clip: bytes, changes: dict[str, int], status: int, words: str
) -> None:
    app = create_app(make_settings(tmp_path / "s", world.ctx.settings.database_url, **changes))
    try:
        client = signed_in(app, "a@x.test")
        before = world.row_counts()
        got = _upload(client, world.person_a, clip)
        assert got.status_code == status, got.text
        assert words in got.text
        if status != 202:
            assert world.row_counts() == before
            assert not list((tmp_path / "s" / "uploads").rglob("*.*"))
    finally:
        app.state.lumbo.store.close()


def test_uploads_per_hour(world: World, tmp_path: Path, clip: bytes) -> None:
    app = create_app(
        make_settings(tmp_path / "s", world.ctx.settings.database_url, uploads_per_hour=2)
    )
    try:
        client = signed_in(app, "a@x.test")
        assert [_upload(client, world.person_a, clip).status_code for _ in range(2)] == [202, 202]
        third = _upload(client, world.person_a, clip)
        assert third.status_code == 429 and int(third.headers["retry-after"]) > 0
        other = signed_in(app, "b@x.test")  # another account is not held back
        assert _upload(other, world.person_b, clip).status_code == 202
    finally:
        app.state.lumbo.store.close()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (1024, "larger than 1048576 bytes"),  # counted while saving (services.uploads)
        (200 * 1024, "larger than 1 MB, the most this page takes"),  # refused up front
    ],
)
def test_an_oversize_upload_from_the_page_gets_a_readable_page(
    world: World, tmp_path: Path, extra: int, words: str
) -> None:
    """Before, a body over the limit sent from the page got the API's raw JSON 413."""
    mib = 1024 * 1024
    settings = make_settings(tmp_path / "s", world.ctx.settings.database_url, max_upload_bytes=mib)
    app = create_app(settings)
    try:
        client = signed_in(app, "a@x.test")
        before = world.row_counts()
        got = client.post(
            f"/patients/{world.person_a}/videos",
            files={
                "file": (
                    "clip.mp4",
                    b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (mib + extra),
                    "video/mp4",
                )
            },
            data={"movement": "trunk_flexion", "csrf_token": client.csrf},
        )
        assert got.status_code == 413
        assert got.headers["content-type"].startswith("text/html")
        assert words in got.text and "{" not in got.text.split("<main", 1)[-1]
        assert world.row_counts() == before
        assert not list((tmp_path / "s" / "uploads").rglob("*.*"))
    finally:
        app.state.lumbo.store.close()
