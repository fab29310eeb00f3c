"""What the commands share on the way out: which format to write, and where."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditkit.cli.streams import Streams
from auditkit.errors import single

FORMATS = ("text", "json", "md", "html", "pdf", "csv")
BRIEF_FORMATS = ("pdf", "html", "md")
COMPARE_FORMATS = ("text", "json", "md", "html", "pdf")
ANNEX_FORMATS = ("md", "html", "pdf", "docx", "text")
# The format an output file's extension stands for, when --format is not given (see infer_format).
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".csv": "csv",
    ".docx": "docx",
}


def infer_format(fmt: str | None, output: Path | None, formats: Sequence[str] = FORMATS, default: str = "text") -> str:
    """The output format: --format when given, else the output file's extension, else ``default``.

    A --format that contradicts a known extension ('--format text -o report.pdf') is refused, so that plain
    text is never written into a file every program will open as a PDF.
    """
    if output is None or output.is_dir():
        return fmt or default
    implied = EXTENSIONS.get(output.suffix.lower())
    if fmt is None:
        if implied is None:
            return default
        if implied not in formats:
            raise single(
                str(output),
                f"this command cannot write {implied} ({output.suffix} files); use one of: {', '.join(formats)}",
            )
        return implied
    if implied is not None and implied != fmt:
        raise single(
            str(output),
            f"--format {fmt} does not match the {output.suffix} extension; drop --format "
            f"to write {implied}, or name the file with .{'txt' if fmt == 'text' else fmt}",
        )
    return fmt


def document_output(fmt: str | None, output: Path | None, inputs: list[Path], formats: Sequence[str]) -> str:
    """The format of one document (comparison, plan, annex), checking ``output`` may be written."""
    from auditkit.outputs import check_target

    chosen = infer_format(fmt, output, formats)
    if chosen in ("pdf", "docx") and output is None:
        raise single("--output", f"a {chosen.upper()} file needs a name; add -o FILE.{chosen}")
    if output is not None:
        check_target(output, inputs)
    return chosen


def write(streams: Streams, output: Path | None, data: bytes) -> None:
    """Print ``data``, or write it to ``output`` all or nothing and say so."""
    from auditkit.outputs import write_atomic

    if output is None:
        streams.write_bytes(data)
        return
    write_atomic(output, data)
    streams.err.write(f"wrote {output}\n")
