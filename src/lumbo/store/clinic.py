"""The clinic's own records behind one repository on the unit of work: clinic-wide settings, plan
templates and referral clearances (migration 0007). The SQL version reads and writes the tables
through ``clinic_settings``, ``plan_templates`` and ``clearances``; ``store.memory`` has the fake.
"""

from __future__ import annotations

import abc
from typing import Any

from sqlalchemy.orm import Session

from lumbo.store import clearances as _clearances
from lumbo.store import clinic_settings as _settings
from lumbo.store import plan_templates as _templates
from lumbo.store.clearances import Clearance
from lumbo.store.plan_templates import PlanTemplate


class ClinicRepository(abc.ABC):
    @abc.abstractmethod
    def all_settings(self) -> dict[str, Any]:
        """Every known setting, a stored value or its default."""

    @abc.abstractmethod
    def set_setting(self, key: str, value: Any, updated_by: str | None) -> None:
        """Store one known setting (KeyError for an unknown key)."""

    @abc.abstractmethod
    def add_template(self, template: PlanTemplate) -> None: ...

    @abc.abstractmethod
    def templates_of(self, owner_id: str) -> list[PlanTemplate]:
        """The owner's templates by name, then age."""

    @abc.abstractmethod
    def get_template(self, template_id: str) -> PlanTemplate | None: ...

    @abc.abstractmethod
    def add_clearance(self, clearance: Clearance) -> None: ...

    @abc.abstractmethod
    def clearances(self, person_id: str) -> list[Clearance]:
        """The person's referral clearances, oldest first."""


class SqlAlchemyClinicRepository(ClinicRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def all_settings(self) -> dict[str, Any]:
        return _settings.all_settings(self.session)

    def set_setting(self, key: str, value: Any, updated_by: str | None) -> None:
        _settings.set_setting(self.session, key, value, updated_by)

    def add_template(self, template: PlanTemplate) -> None:
        _templates.add_template(self.session, template)

    def templates_of(self, owner_id: str) -> list[PlanTemplate]:
        return _templates.templates_of(self.session, owner_id)

    def get_template(self, template_id: str) -> PlanTemplate | None:
        return _templates.get_template(self.session, template_id)

    def add_clearance(self, clearance: Clearance) -> None:
        _clearances.add_clearance(self.session, clearance)

    def clearances(self, person_id: str) -> list[Clearance]:
        return _clearances.clearances(self.session, person_id)
