"""Regenerate the committed reports of the bundled case studies: ``python tools/make_reports.py``.

For every ``examples/*.yaml`` it audits the file against the default
framework and writes ``reports/<name>.pdf`` and ``reports/<name>.html``
(see reports/README.md). The tests compare the committed files with a fresh
audit, so a change to a rule, an example or the template that is not
followed by this command fails the suite.

A development tool, not part of the installed package: it works on a source
checkout (examples/ and reports/ beside tools/), which an installed auditkit
does not have. tests/test_report_committed.py imports it, so that what the
test expects is made by the very functions that write the files.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from auditkit.engine import audit
from auditkit.model.load import load_deployment
from auditkit.model.result import AuditResult
from auditkit.render import RenderOptions
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    """One bundled case study, audited."""

    source: Path
    result: AuditResult
    raw: bytes

    @property
    def stem(self) -> str:
        """The case study's name, which its reports are named after."""
        return self.source.stem


def examples(folder: Path | None = None) -> list[Path]:
    """The bundled case-study files, sorted by name."""
    return sorted((folder or ROOT / "examples").glob("*.yaml"))


def audit_case(path: Path, framework: str = DEFAULT_FRAMEWORK) -> Case:
    """Audit one case study as ``auditkit audit FILE`` does."""
    loaded = load_deployment(path, display=path.name)
    return Case(source=path, result=audit(loaded, [load_framework(framework)]), raw=loaded.raw)


def html_bytes(case: Case) -> bytes:
    """The case's standalone HTML report."""
    from auditkit.render import html

    return html.render(case.result, RenderOptions(input_bytes=case.raw))


def pdf_bytes(case: Case) -> bytes:
    """The case's PDF report (A4)."""
    from auditkit.render import pdf

    return pdf.render(case.result, RenderOptions(input_bytes=case.raw))


def write_reports(target: Path, sources: list[Path]) -> list[Path]:
    """Write the PDF and HTML report of each source into ``target``; return the files written."""
    from auditkit.outputs import write_atomic

    written = []
    for path in sources:
        case = audit_case(path)
        for suffix, data in ((".html", html_bytes(case)), (".pdf", pdf_bytes(case))):
            out = target / (case.stem + suffix)
            write_atomic(out, data)
            written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate reports/ from examples/."""
    parser = argparse.ArgumentParser(prog="python tools/make_reports.py", description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=ROOT / "examples", help="folder of case studies")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="folder to write the reports to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in write_reports(args.out, examples(args.examples)):
        sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
