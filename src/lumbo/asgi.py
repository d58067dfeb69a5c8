"""The composition root of the web service: settings read once from the environment, the web app
(:mod:`lumbo.web`) wired to the task queue's dispatcher (:mod:`lumbo.jobs`), so that neither
imports the other. ``lumbo serve`` uses it; so does
``uvicorn --factory lumbo.asgi:app_from_env --workers 4``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from lumbo.settings import Settings


def build_app(settings: Settings) -> FastAPI:
    """The web app over ``settings``, its jobs dispatched to the task queue."""
    from lumbo.jobs.queue import dispatcher_for
    from lumbo.web.app import create_app

    return create_app(settings, dispatcher=dispatcher_for(settings))


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from the environment."""
    from lumbo.settings import Settings

    return build_app(Settings.from_env())
