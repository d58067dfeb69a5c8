"""The cycle collector is paused while a PDF is rendered, and always given back as it was found."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from lumbo.reports import documents
from lumbo.reports.documents import _gc_paused


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_paused_inside_and_restored_after(enabled_before: bool) -> None:
    (gc.enable if enabled_before else gc.disable)()
    with _gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled_before


@pytest.mark.parametrize("enabled_before", [True, False])
def test_restored_when_the_render_fails(enabled_before: bool) -> None:
    (gc.enable if enabled_before else gc.disable)()
    with pytest.raises(RuntimeError), _gc_paused():
        raise RuntimeError("layout failed")
    assert gc.isenabled() is enabled_before


def test_nested_pauses_resume_only_at_the_last_exit() -> None:
    gc.enable()
    with _gc_paused():
        with _gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer render is still running"
    assert gc.isenabled()


def test_overlapping_renders_in_threads_share_one_pause() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other_render() -> None:
        with _gc_paused():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=other_render)
    with _gc_paused():
        t.start()
        assert inside.wait(5)
    assert not gc.isenabled(), "the other thread's render is still running"
    release.set()
    t.join(5)
    assert gc.isenabled()


@pytest.mark.parametrize(("enabled_before", "collections"), [(True, [0]), (False, [])])
def test_the_last_render_out_collects_the_young_generation(
    monkeypatch: pytest.MonkeyPatch, enabled_before: bool, collections: list[int]
) -> None:
    """A render's garbage cycles are freed when it ends (and counted in its time), not left for
    the next automatic collection; nothing is collected when the collector was off."""
    real = gc.collect
    calls: list[int] = []

    def spy(generation: int = 2) -> int:
        calls.append(generation)
        return real(generation)

    monkeypatch.setattr(gc, "collect", spy)
    (gc.enable if enabled_before else gc.disable)()
    with _gc_paused():
        with _gc_paused():
            pass
        assert calls == []
    assert calls == collections


def test_to_pdf_leaves_the_collector_on() -> None:
    gc.enable()
    pdf = documents.to_pdf("<p>Hello</p>")
    assert pdf.startswith(b"%PDF")
    assert gc.isenabled()
