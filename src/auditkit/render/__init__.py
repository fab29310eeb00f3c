"""Renderers: one module per format, each with ``render(result, options) -> bytes``.

Modules are imported only when their format is asked for, so that the
terminal formats never pay for WeasyPrint's import.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, assert_never

from auditkit.model.result import AuditResult


class Format(StrEnum):
    """The report formats 'auditkit audit --format' writes; the value is the option's word."""

    TEXT = "text"
    JSON = "json"
    MD = "md"
    HTML = "html"
    PDF = "pdf"


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """What a renderer needs besides the result. Nothing here reads the clock."""

    input_bytes: bytes = b""
    page_size: str = "A4"
    color: bool = False
    brief: bool = False  # the two-page brief instead of the full report (PDF, HTML and Markdown)


class Renderer(Protocol):
    """A format's ``render``: the whole output file as bytes, written nowhere."""

    def __call__(self, result: AuditResult, options: RenderOptions) -> bytes:
        """The output file for ``result``, the same bytes for the same result and options."""


def module_name(fmt: Format) -> str:
    """The module that renders ``fmt``, imported only when that format is asked for."""
    if fmt is Format.TEXT:
        return "auditkit.render.text"
    if fmt is Format.JSON:
        return "auditkit.render.jsonout"
    if fmt is Format.MD:
        return "auditkit.render.markdown"
    if fmt is Format.HTML:
        return "auditkit.render.html"
    if fmt is Format.PDF:
        return "auditkit.render.pdf"
    assert_never(fmt)


def renderer(fmt: Format) -> Renderer:
    """The render function for a format."""
    module = importlib.import_module(module_name(fmt))
    render: Renderer = module.render
    return render


def is_binary(fmt: Format) -> bool:
    """True for the formats that cannot be printed to a terminal (PDF)."""
    return fmt is Format.PDF
