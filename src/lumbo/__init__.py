"""lumbo: restores lower-back mobility with precision.

The public API is listed in ``__all__``; everything else is internal and may change.
"""

from __future__ import annotations

from lumbo.domain.errors import (
    Conflict,
    InvalidInput,
    KnowledgeBaseError,
    LumboError,
    NotFound,
    Problem,
    ReferralRequired,
)
from lumbo.domain.intake import Intake, parse_intake, parse_intake_json

__version__ = "0.1.0"

__all__ = [
    "Conflict",
    "Intake",
    "InvalidInput",
    "KnowledgeBaseError",
    "LumboError",
    "NotFound",
    "Problem",
    "ReferralRequired",
    "__version__",
    "parse_intake",
    "parse_intake_json",
]
