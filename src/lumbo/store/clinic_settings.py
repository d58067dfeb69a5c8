"""Clinic-wide settings (table ``clinic_settings``, migration 0007), over an open session.

Known settings and their defaults are declared here; a missing row means the default.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lumbo.store.tables import ClinicSettingRow, utcnow

AUTO_APPROVE = "auto_approve_adjustments"
TIME_ZONE = "time_zone"  # the clinic's IANA time zone: patients' reminders unless they choose one
DEFAULTS: dict[str, Any] = {AUTO_APPROVE: True, TIME_ZONE: "UTC"}


def get_setting(session: Session, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(ClinicSettingRow, key)
    return DEFAULTS[key] if row is None else row.value


def set_setting(session: Session, key: str, value: Any, updated_by: str | None) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(ClinicSettingRow, key)
    if row is None:
        session.add(ClinicSettingRow(key=key, value=value, updated_by=updated_by))
    else:
        row.value = value
        row.updated_by = updated_by
        row.updated_at = utcnow()
    session.flush()


def all_settings(session: Session) -> dict[str, Any]:
    stored = {r.key: r.value for r in session.scalars(select(ClinicSettingRow))}
    return {k: stored.get(k, v) for k, v in DEFAULTS.items()}
