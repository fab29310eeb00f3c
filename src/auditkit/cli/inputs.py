"""What the commands share on the way in: loading descriptions and rule sets, warnings, progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditkit.cli.streams import Streams, one_line
from auditkit.errors import InputError
from auditkit.escape import file_label


def load_all(streams: Streams, files: list[Path], strict: bool = False, *, notices: bool = False) -> list[Any]:
    """Load every file; raise one InputError listing every problem. Warnings (and notices) go to stderr."""
    loaded, problems, _ = load_each(streams, files)
    if problems:
        raise InputError(problems)
    show_notices(streams, loaded, strict, notices=notices)
    return loaded


def show_notices(streams: Streams, loaded: list[Any], strict: bool, *, notices: bool = True) -> None:
    """Print each file's notice (format 1) and warnings; with ``strict``, warnings are problems (exit 2).

    Only 'validate' shows notices: a format-1 file audits (and plans, compares) as it always did, and
    'validate' says to migrate it.
    """
    warnings = [w for item in loaded for w in item.warnings]
    for item in loaded:
        for line in (*(item.notices if notices else ()), *([] if strict else item.warnings)):
            streams.err.write(one_line(str(line)) + "\n")
    if strict and warnings:
        raise InputError(warnings)


def load_each(
    streams: Streams, files: list[Path], tick: Callable[[], None] = lambda: None
) -> tuple[list[Any], list[Any], list[Path]]:
    """(valid deployments, every problem of the others, the files that were invalid), in input order."""
    with loading(streams.own_process):
        from auditkit.model.load import load_deployment

        loaded, problems, invalid = [], [], []
        for path in files:
            try:
                loaded.append(load_deployment(path, display=file_label(path)))
                _warn_placeholders(streams, loaded[-1])
            except InputError as exc:
                problems.extend(exc.problems)
                invalid.append(path)
            tick()
    return loaded, problems, invalid


def _warn_placeholders(streams: Streams, item: Any) -> None:
    """One warning line (file:line:col) for each of 'auditkit init's placeholder texts left in a file."""
    for line in placeholder_warnings(item):
        streams.err.write(line + "\n")


def placeholder_warnings(item: Any) -> list[str]:
    """The warning lines for 'auditkit init's placeholder texts left in a loaded file, with their places."""
    from auditkit.template import placeholders

    found = placeholders(item.deployment)
    if not found:
        return []
    from auditkit.yamlio import parse_bytes

    doc = parse_bytes(item.raw, item.file)
    return [
        one_line(
            str(
                doc.problem(path, f"warning: still the template's placeholder '{text}'; replace it with the real value")
            )
        )
        for path, text in found
    ]


@contextmanager
def loading(own_process: bool) -> Iterator[None]:
    """In the console script, hold the garbage collector off while modules load and files are validated.

    That phase makes tens of thousands of objects (pydantic's validators, the
    models) that live until the process exits: the collector would walk them
    again and again for nothing, then once more at exit, a tenth of
    'auditkit validate' (benchmarks/, section 3). Afterwards they are frozen
    out of its sight and it runs again, for rendering, which does make
    garbage. In-process callers (tests, libraries) keep the collector as it is.
    """
    import gc

    if not own_process or not gc.isenabled():  # a library caller, or already inside this context
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@contextmanager
def progress(streams: Streams, total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on standard error for long batches; yields the function to call once per item done.

    It is shown only on a terminal (never in pipes, files or CI logs).
    """
    import os

    shown = total > 1 and streams.err.isatty() and os.environ.get("CI", "").lower() in ("", "0", "false")
    if not shown:
        yield lambda: None
        return
    from tqdm import tqdm  # type: ignore[import-untyped]

    with tqdm(total=total, desc=label, unit="file", file=streams.err, leave=False, dynamic_ncols=True) as bar:
        yield lambda: bar.update(1)


def load_frameworks(specs: list[str]) -> list[Any]:
    """The rule sets named by -f (ids or folders), or the default one."""
    from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

    return [load_framework(spec) for spec in (specs or [DEFAULT_FRAMEWORK])]


def audit_one(streams: Streams, path: Path, rule_sets: list[Any]) -> tuple[Any, Any]:
    """(loaded description, audit result) of one file; InputError with every problem when it is invalid."""
    from auditkit.engine import audit as run_audit

    loaded = load_all(streams, [path])[0]
    return loaded, run_audit(loaded, rule_sets)
