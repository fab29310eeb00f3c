"""The small commands: ``validate``, ``migrate``, ``init``, ``principles``, ``serve`` and ``schema``."""

from __future__ import annotations

from pathlib import Path

from auditkit.cli.inputs import load_all
from auditkit.cli.streams import Streams, one_line
from auditkit.errors import InputError, single
from auditkit.escape import file_label, terminal


def validate(streams: Streams, files: list[Path], strict: bool = False) -> None:
    """Check deployment files; print every problem as file:line:col: field: message.

    Warnings (a source with no web address or kind) are printed too.
    Exit 0 when every file is valid, 2 otherwise.
    With --strict, a warning counts as a problem.
    """
    load_all(streams, files, strict, notices=True)
    for path in files:
        streams.out.write(terminal(f"{file_label(path)}: valid") + "\n")


def migrate(streams: Streams, files: list[Path]) -> None:
    """Rewrite format-1 deployment files as format 2, in place, keeping comments and order.

    Each file must load as it is; a file already in format 2 is left alone.
    Nothing is written unless every file can be migrated.
    """
    from auditkit.migrate import migrate_files

    for line in migrate_files(files):
        streams.err.write(one_line(line) + "\n")


def init(streams: Streams, file: Path | None, force: bool) -> None:
    """Write a commented template deployment file (to FILE, or print it).

    Every question is there, grouped by principle, answered 'unknown'; the
    template validates as it is and audits to 'insufficient information'.
    """
    from auditkit.outputs import write_atomic
    from auditkit.template import template

    text = template()
    if file is None:
        streams.out.write(text)
        return
    if file.exists() and not force:
        raise single(str(file), "this file exists; choose another name or add --force to overwrite it")
    if not file.parent.resolve().is_dir():
        raise single(str(file), "the folder for this file does not exist; create it first")
    write_atomic(file, text.encode("utf-8"))
    streams.err.write(
        terminal(f"wrote {file_label(file)}; fill it in, then run: auditkit validate {file_label(file)}") + "\n"
    )


def principles(
    streams: Streams, rule_id: str | None, frameworks: list[str], check: bool, markdown: bool, facts: bool = False
) -> None:
    """List frameworks, principles and rules; with an ID, explain that principle (P3) or rule (P3-01).

    With --facts, list every fact a description can state: its question and the meaning of every answer.
    """
    if facts:
        from auditkit.explain import fact_listing

        streams.out.write(fact_listing())
        return
    from auditkit.explain import explain, listing
    from auditkit.explain import markdown as catalogue_markdown
    from auditkit.rules.lint import lint
    from auditkit.rules.loader import builtin_ids, load_framework

    loaded = [load_framework(spec) for spec in (frameworks or builtin_ids())]
    if check:
        failures = [line for fw in loaded for line in lint(fw)]
        for line in failures:  # they quote values from the pack
            streams.err.write(terminal(line) + "\n")
        if failures:
            raise InputError([])
        count = sum(len(fw.rules) for fw in loaded)
        streams.out.write(f"{count} rules in {len(loaded)} framework(s): all checks passed\n")
        return
    if markdown:
        streams.out.write(catalogue_markdown(loaded))
        return
    if rule_id is None:
        streams.out.write(listing(loaded))
        return
    streams.out.write(explain(loaded, rule_id))


def serve(streams: Streams, host: str, port: int | None, no_browser: bool) -> None:
    """Describe, audit and download a report in your web browser, without writing YAML.

    Starts the questionnaire on this computer, prints its address and opens it
    in the browser. Nothing is sent anywhere; descriptions are read from and
    saved to the folder it is started in, and nowhere else. Ctrl-C stops it.
    """
    from auditkit.web.server import serve as run_server

    run_server(streams.out, Path.cwd(), host, port, open_browser=not no_browser)


def schema(streams: Streams, kind: str) -> None:
    """Print a JSON Schema (draft 2020-12): deployment, ruleset (one rule file), framework or result."""
    import json

    from auditkit.schemas import schema_json

    streams.out.write(json.dumps(schema_json(kind), indent=2, sort_keys=True) + "\n")
