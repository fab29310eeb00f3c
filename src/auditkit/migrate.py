"""``auditkit migrate``: rewrite format-1 deployment files as format 2, keeping comments and order.

Format 2 is a superset of format 1 (docs/format.md), so a migrated file says
exactly what it said before: the rewrite changes the version and adds a
comment on what format 2 lets the author add. The rewrite goes through
ruamel.yaml's round-trip mode, which keeps comments, key order, quoting and
block scalars; loading for an audit stays on the project's own safe loader.
Before anything is written, every migrated text is read back with that
loader and must describe the same deployment; nothing is written unless
every file passes, and each file is replaced atomically.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.errors import InputError, Problem
from auditkit.model.deployment import FORMAT_VERSION
from auditkit.model.load import LoadedDeployment, load_deployment, parse_deployment

if TYPE_CHECKING:
    from ruamel.yaml import YAML

NOTE = (
    "migrated from format 1 by 'auditkit migrate': give each source a kind "
    "(law, court, press, ...) and, where it differs, each fact a standing"
)


def decoded(raw: bytes) -> str:
    """The text of bytes the project's loader accepted: UTF-8 (a byte-order mark or not) or UTF-16 with one."""
    return raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")


def round_trip_yaml() -> YAML:
    """ruamel.yaml in round-trip mode, set up to keep an author's text: also used by the web questionnaire.

    Round-trip mode builds only plain mappings, lists and scalars (with their comments), never objects
    from tags; give it only text that has passed the project's safe loader, which refuses every foreign tag.
    """
    from ruamel.yaml import YAML

    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.width = 4096  # never re-wrap the author's lines
    round_trip.indent(mapping=2, sequence=4, offset=2)  # the layout 'auditkit init' writes
    return round_trip


def migrated_text(raw: bytes) -> str:
    """The format-2 text of a format-1 document (YAML, or JSON when it starts with '{')."""
    text = decoded(raw)  # written as UTF-8
    if text.lstrip().startswith("{"):
        plain = json.loads(text)
        plain["format_version"] = FORMAT_VERSION
        return json.dumps(plain, indent=2, ensure_ascii=False) + "\n"
    round_trip = round_trip_yaml()
    data: Any = round_trip.load(text)
    data["format_version"] = FORMAT_VERSION
    comments = data.ca.items.get("format_version")
    token = comments[2] if comments and len(comments) > 2 else None
    if token is None:
        data.yaml_add_eol_comment(NOTE, "format_version", column=len("format_version: 2  "))
    elif not token.value.strip():  # only the blank lines that follow: put the note before them
        token.value = f" # {NOTE}" + token.value
    out = io.StringIO()
    round_trip.dump(data, out)
    return out.getvalue()


def _same(before: LoadedDeployment, after: LoadedDeployment) -> bool:
    old = before.deployment.model_dump(exclude={"format_version"})
    new = after.deployment.model_dump(exclude={"format_version"})
    return bool(old == new)


def migrate_files(paths: list[Path]) -> list[str]:
    """Migrate every file in place, or none; return one line per file saying what was done."""
    from auditkit.outputs import write_atomic

    plans: list[tuple[Path, bytes]] = []
    lines: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            before = load_deployment(path, display=str(path))
        except InputError as exc:
            problems += exc.problems
            continue
        if before.deployment.format_version == FORMAT_VERSION:
            lines.append(f"{path}: already format_version {FORMAT_VERSION}; left as it is")
            continue
        text = migrated_text(before.raw)
        after = parse_deployment(text.encode("utf-8"), str(path))
        if not _same(before, after):
            problems.append(
                Problem(
                    file=str(path),
                    message="the migrated text would not describe the same "
                    "deployment, so the file was left as it is; please report this with the file",
                )
            )
            continue
        plans.append((path, text.encode("utf-8")))
        lines.append(f"{path}: migrated to format_version {FORMAT_VERSION}")
    if problems:
        raise InputError(problems)
    for path, data in plans:
        write_atomic(path, data)
    return lines
