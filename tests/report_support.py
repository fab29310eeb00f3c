"""Shared fixtures for the report tests (HTML, Markdown, PDF)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from auditkit.engine import audit
from auditkit.model.load import load_deployment
from auditkit.model.result import AuditResult
from auditkit.render import RenderOptions
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"
EXAMPLES = ROOT / "examples"
SMALL_FRAMEWORK = str(FIXTURES / "framework")
CASE = EXAMPLES / "moscow-safe-city-frt.yaml"  # the largest case study


def audit_file(path: Path, spec: str) -> tuple[AuditResult, bytes]:
    """A fresh audit of one deployment file, and the file's bytes."""
    loaded = load_deployment(path, display=str(path))
    return audit(loaded, [load_framework(spec)]), loaded.raw


def rendered_case(render: Callable[[AuditResult, RenderOptions], bytes]) -> tuple[AuditResult, str]:
    """The largest case study audited with the default rules, and its report from ``render`` as text."""
    result, raw = audit_file(CASE, DEFAULT_FRAMEWORK)
    return result, render(result, RenderOptions(input_bytes=raw)).decode("utf-8")


RTL_TEXT = "المراقبة الجماعية غير قانونية — מעקב המוני אסור"
EMOJI_TEXT = "cameras 📷🚨 everywhere 👁️"
HOSTILE_IMG = '<img src="file:///etc/passwd">'
HOSTILE_CSS = "</style><style>body{display:none}</style>"
LONG_WORD = "x" * 200


def hostile_deployment(folder: Path) -> Path:
    """A deployment whose free-text fields hold HTML, CSS, Markdown, a 200-character word and 10,000 characters."""
    filler = ("Surveillance | without limits " * 400)[:10_000]
    data = {
        "format_version": 1,
        "deployment": {
            "name": f"Hostile {HOSTILE_IMG} | programme **bold** # {LONG_WORD}"[:300],
            "jurisdiction": "Наблюдение <b>не</b> законно",
            "operator": HOSTILE_CSS,
            "technology": "<script>alert(1)</script> `code` [link](http://example.org)",
            "description": f"{HOSTILE_IMG} {LONG_WORD} {filler}\nsecond | line",
            "hypothetical": True,
            "auditor": "<i>Auditor</i> & Co",
        },
        "sources": [
            {
                "id": "evil-1",
                "publisher": f"{HOSTILE_CSS} Publisher",
                "title": f"Title {HOSTILE_IMG}",
                "date": "2020-01",
                "url": "https://example.org/a?b=c&d='onmouseover=alert(1)'",
                "locator": "p. <5>",
                "note": LONG_WORD,
            }
        ],
        "legality": {"published": {"value": False, "sources": ["evil-1"], "note": f"{HOSTILE_IMG} {filler}"}},
        "scope": {"scanning": {"value": "untargeted", "sources": ["evil-1"], "note": LONG_WORD}},
        "retention": {"max_days": "undisclosed"},
    }
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def scripts_deployment(folder: Path) -> Path:
    """A deployment written in right-to-left scripts and emoji, beside Latin text."""
    data = {
        "format_version": 1,
        "deployment": {
            "name": f"{RTL_TEXT} {EMOJI_TEXT}",
            "jurisdiction": RTL_TEXT,
            "period": EMOJI_TEXT,
            "description": f"{RTL_TEXT} {LONG_WORD} {EMOJI_TEXT} " * 20,
        },
        "sources": [{"id": "rtl-1", "publisher": RTL_TEXT, "title": EMOJI_TEXT, "date": "2021"}],
        "scope": {"scanning": {"value": "untargeted", "sources": ["rtl-1"], "note": RTL_TEXT}},
    }
    path = folder / "scripts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
