"""The movements lumbo measures on video: one enum, both spellings.

A member's value is the spelling of ``lumbo measure --movement`` and of its JSON result
(``"trunk-flexion"``); its name is the spelling of the web API, uploads and stored measurements
(``"trunk_flexion"``). Both are contracts, so both stay; :meth:`Movement.of` reads either, and the
view each movement is filmed from lives here too.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

View = Literal["side", "front"]


class Movement(StrEnum):
    trunk_flexion = "trunk-flexion"
    trunk_extension = "trunk-extension"
    lateral_flexion = "lateral-flexion"
    rotation = "rotation"

    @property
    def key(self) -> str:
        """The web/API/store spelling, e.g. ``trunk_flexion``."""
        return self.name

    @property
    def view(self) -> View:
        """The camera view the movement must be filmed from."""
        return "side" if self in (Movement.trunk_flexion, Movement.trunk_extension) else "front"

    @classmethod
    def of(cls, text: str) -> Movement | None:
        """The movement named ``text`` in either spelling (case and outer spaces ignored)."""
        name = text.strip().lower()
        return next((m for m in cls if name in (m.value, m.name)), None)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every value (``lumbo measure`` spelling), in order."""
        return tuple(m.value for m in cls)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every name (web/API/store spelling), in order."""
        return tuple(m.name for m in cls)
