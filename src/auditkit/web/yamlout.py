"""A new description as a YAML file: what the questionnaire downloads, saves, checks and audits.

(A description opened from a YAML file is written by ``roundtrip`` instead: the author's own text with
only the edited values changed. This module writes new descriptions, JSON files opened, and any edit
the round trip could not write so that it reads back as what the form holds.)

The page's verdicts are the audit of exactly these bytes, so the file a user
downloads audits to what the page showed. Everything the user wrote is kept,
including answers that do not validate yet and keys the questionnaire does
not know (from an opened file), so nothing typed is lost; unanswered
questions are written ``unknown`` with the question beside them, as in
``auditkit init``'s template. Values are written by YAML's own emitter, which
quotes whatever YAML would otherwise read as something else.
"""

from __future__ import annotations

from typing import Any

import yaml

from auditkit.model.deployment import FORMAT_VERSION, SECTIONS
from auditkit.web.questions import sections

HEADER = """\
# An auditkit deployment description, written by the auditkit questionnaire
# ('auditkit serve'). Check it with 'auditkit validate FILE' and audit it
# with 'auditkit audit FILE'; unanswered questions are 'unknown'.
"""


# libyaml's emitter, as the reader is libyaml's: a tenth of the pure-Python emitter's time per answer.
_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(value: Any) -> str:
    text: str = yaml.dump(
        value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text


def _comment(text: str) -> str:
    return "".join(f"# {line}\n" for line in " ".join(text.split()).splitlines())


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))


def dump(data: dict[str, Any]) -> bytes:
    """The YAML text of ``data`` (a description as plain data), with the questions as comments."""
    parts = [HEADER, _dump({"format_version": data.get("format_version", FORMAT_VERSION)}), "\n"]
    parts.append(_dump({"deployment": data.get("deployment", {})}))
    parts.append("\n" + (_dump({"sources": data["sources"]}) if data.get("sources") else "sources: []\n"))
    titles = {s.key: s for s in sections()}
    for key in SECTIONS:
        facts = data.get(key)
        section = titles[key]
        parts.append("\n" + _comment(section.title))
        if facts is not None and not isinstance(facts, dict):
            parts.append(_dump({key: facts}))  # not a section at all: kept as written, validate says so
            continue
        facts = dict(facts or {})
        lines = [f"{key}:\n"]
        for q in section.questions:
            lines.append(_indent(_comment(q.info.question), 2))
            lines.append(_indent(_dump({q.name: facts.pop(q.name, "unknown")}), 2))
        for name, value in facts.items():  # keys the format does not have: kept, and validate names them
            lines.append(_indent(_dump({name: value}), 2))
        parts.append("".join(lines))
    rest = {k: v for k, v in data.items() if k not in ("format_version", "deployment", "sources", *SECTIONS)}
    if rest:
        parts.append("\n" + _dump(rest))
    return "".join(parts).encode("utf-8")
