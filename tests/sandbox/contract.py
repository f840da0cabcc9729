"""The official API documents, where to find them, the faults they have, and a schemathesis run of
an emulator against them.

The documents live outside the repository (``<repo>/../shared/reference/``, else the directory in
``$VIGIL_REFERENCE_DIR``). Each has faults of its own; every one is handled here in a patched copy
made at test time or in a per-operation setting, each with the reason, never by turning a check off
for the whole run:

* ``DOCUMENT_FAULTS`` lists them (the contract tests print it), ``patch_uptimerobot`` /
  ``patch_sentry`` apply them, ``operation_settings`` writes the per-operation exceptions into the
  schemathesis configuration file.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
UPTIMEROBOT_DOCUMENT = "uptimerobot-v3-openapi.json"
SENTRY_DOCUMENT = "sentry-api.yaml"
METHODS = ("get", "put", "post", "patch", "delete")
MISSING = (
    "{name} is not available: put the reference documents in <repo>/../shared/reference/ or set "
    "VIGIL_REFERENCE_DIR (.ci/run requires them, so CI never skips this)"
)


def reference_dir() -> Path | None:
    """``<repo>/../shared/reference`` when it exists, else ``$VIGIL_REFERENCE_DIR``, else None."""
    beside = ROOT.parent / "shared" / "reference"
    if beside.is_dir():
        return beside
    configured = os.environ.get("VIGIL_REFERENCE_DIR")
    if configured and Path(configured).is_dir():
        return Path(configured)
    return None


def load(name: str) -> dict[str, Any] | None:
    directory = reference_dir()
    if directory is None or not (directory / name).is_file():
        return None
    text = (directory / name).read_text()
    return dict(json.loads(text) if name.endswith(".json") else yaml.safe_load(text))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


# --- document faults ----------------------------------------------------------------------------
DOCUMENT_FAULTS: dict[str, list[str]] = {
    "uptimerobot": [
        "55 operations document only their success code, although every v3 operation answers 400 "
        "(a list of validation messages), 401 (bad key), 403 (plan or foreign resource), 404 and 429 "
        "(reference §2, §4.1): the patched copy adds those the operation lacks, with the error body",
        "six regex patterns carry JavaScript /…/ delimiters (cursor ×2, gaCode ×2, maintenance window "
        "time ×2): the patched copy drops the delimiters",
        "PSP customSettings.features are typed as the strings 'true'/'false' in responses; live "
        "accounts return booleans or those strings (reference §4.6): the patched copy accepts both",
        "PageCustomSettingsDto offers title-case layout/theme/density values the live API refuses "
        "(reference §4.6, lower case only): the patched copy lists the lower-case values",
        "GET /monitors' limit is documented without bounds; the API takes 1–200 (reference §4.1)",
        "ids and cursors (path and query) are typed number, but the API parses them as integers "
        "(NestJS ParseIntPipe: '7000004.0' is a 400): the patched copy types them integer",
        "CreatePersonalAlertContactDto types value as any string; an Email contact's value must be an "
        "e-mail address (the API's 'value must be an email'): positive data of that operation may "
        "be answered 400",
        "the integration create/update bodies are oneOf branches that overlap (Telegram's data is a "
        "subset of every other type's): a valid body matches several branches, so only `type` decides",
    ],
    "sentry": [
        "most operations document no 400 although every DRF serializer answers 400 with a field map: "
        "the patched copy adds a 400 to each operation that takes a body or query parameters",
    ],
}

_ERROR_BODY = {
    "type": "object",
    "properties": {
        "message": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "code": {"type": "string"},
        "statusCode": {"type": "number"},
        "error": {"type": "string"},
    },
    "required": ["message", "statusCode"],
}
_UR_ERRORS = {
    "400": "Validation failed: a list of messages",
    "401": "Missing or invalid API key (003-005)",
    "403": "Plan lacks the feature (000-003) or the resource is another account's (000-006)",
    "404": "Not found (000-004)",
    "429": "ThrottlerException: Too Many Requests",
}


_INTEGER_QUERY = {
    "cursor",
    "limit",
    "groupId",
    "monitorsNewGroupId",
    "monitor_id",
    "logLimit",
    "start",
    "end",
}


def _strip_delimiters(node: Any) -> None:
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if (
            isinstance(pattern, str)
            and len(pattern) > 2
            and pattern.startswith("/")
            and pattern.endswith("/")
        ):
            node["pattern"] = pattern[1:-1]
        for value in node.values():
            _strip_delimiters(value)
    elif isinstance(node, list):
        for value in node:
            _strip_delimiters(value)


def patch_uptimerobot(document: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(document)
    _strip_delimiters(patched)
    for method, _, op in operations(patched):
        responses = op.setdefault("responses", {})
        for status, description in _UR_ERRORS.items():
            if status in responses:
                continue
            if status == "429":
                content = {"text/plain": {"schema": {"type": "string"}}}
            else:
                content = {"application/json": {"schema": _ERROR_BODY}}
            responses[status] = {"description": description, "content": content}
        if method == "POST" and op.get("operationId") == "IntegrationsController_create":
            responses.setdefault("409", {"description": "Integration already exists"})
    schemas = patched["components"]["schemas"]
    features = schemas["PspDto"]["properties"]["customSettings"]["properties"]["features"]["properties"]
    for name, schema in features.items():
        features[name] = {
            "oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}],
            "nullable": True,
        }
        del schema
    page = schemas["PageCustomSettingsDto"]["properties"]
    page["layout"]["enum"] = ["logo_on_left", "logo_on_center"]
    page["theme"]["enum"] = ["light", "dark"]
    page["density"]["enum"] = ["normal", "compact"]
    for parameter in patched["paths"]["/monitors"]["get"]["parameters"]:
        if parameter["name"] == "limit":
            parameter["schema"].update({"minimum": 1, "maximum": 200})
    for _, _, op in operations(patched):
        for parameter in op.get("parameters", []):
            schema = parameter.get("schema", {})
            integral = parameter["in"] == "path" or parameter["name"] in _INTEGER_QUERY
            if integral and schema.get("type") == "number":
                schema["type"] = "integer"
    return patched


def patch_sentry(document: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(document)
    for _, _, op in operations(patched):
        responses = op.setdefault("responses", {})
        if "400" not in responses and (op.get("requestBody") or op.get("parameters")):
            responses["400"] = {
                "description": "Validation failed: a map of field → messages",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
    return patched


# --- running schemathesis ------------------------------------------------------------------------
@dataclass
class Operation:
    name: str
    failures: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)


@dataclass
class Run:
    cases: int
    operations: dict[str, Operation]
    output: str

    @property
    def failed(self) -> dict[str, Operation]:
        return {name: op for name, op in self.operations.items() if op.failures}


def _toml(value: Any) -> str:
    return json.dumps(value)


def write_config(path: Path, settings: list[dict[str, Any]]) -> None:
    """A schemathesis.toml of per-operation sections (the exceptions each document fault needs)."""
    lines: list[str] = []
    for section in settings:
        lines.append("[[operations]]")
        for key, value in section.items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    path.write_text("\n".join(lines))


def run(
    document: dict[str, Any],
    base_url: str,
    headers: dict[str, str],
    workdir: Path,
    *,
    max_examples: int,
    max_time: int,
    settings: list[dict[str, Any]] | None = None,
    seed: int = 14,
) -> Run:
    """``st run`` with every check and every phase (examples, coverage, fuzzing, stateful)."""
    workdir.mkdir(parents=True, exist_ok=True)
    schema = workdir / "openapi.json"
    schema.write_text(json.dumps(document))
    config = workdir / "schemathesis.toml"
    write_config(config, settings or [])
    junit = workdir / "junit.xml"
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(schema),
        "--url", base_url, "--checks", "all", "--max-examples", str(max_examples),
        "--max-time", str(max_time), "--workers", "2", "--seed", str(seed), "--no-color",
        "--suppress-health-check", "all", "--report", "junit", "--report-junit-path", str(junit),
        "--output-truncate", "false",
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=max_time + 120, check=False)
    output = done.stdout + done.stderr
    generated = re.search(r"(\d+) generated", output)
    found: dict[str, Operation] = {}
    if junit.exists():
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            name = case.get("name", "?")
            operation = found.setdefault(name, Operation(name))
            for failure in list(case.iter("failure")) + list(case.iter("error")):
                operation.failures[failure.get("message") or failure.tag] += 1
                operation.messages.append((failure.text or "")[:2000])
    return Run(int(generated.group(1)) if generated else 0, found, output)


def summary(result: Run) -> str:
    lines = [f"{result.cases} cases over {len(result.operations)} operations"]
    for name, op in sorted(result.operations.items()):
        if op.failures:
            lines.append(f"  {name}: " + ", ".join(f"{code}×{n}" for code, n in sorted(op.failures.items())))
    return "\n".join(lines)
