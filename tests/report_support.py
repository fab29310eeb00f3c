"""Shared fixtures for the report tests (HTML, Markdown, PDF).

While other work is still adding rules, the bundled framework may not load
(a principle without rules). ``framework_spec`` then builds a copy in a
temporary folder with one placeholder rule per empty principle, so the
report tests exercise the real rules that exist.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from auditkit.engine import audit
from auditkit.errors import InputError
from auditkit.model.load import load_deployment
from auditkit.model.result import AuditResult
from auditkit.rules.loader import DEFAULT_FRAMEWORK, builtin_root, load_framework

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"
EXAMPLES = ROOT / "examples"
SMALL_FRAMEWORK = str(FIXTURES / "framework")


def framework_spec(tmp: Path) -> str:
    """The default framework's id if it loads, else a patched copy's folder."""
    try:
        load_framework(DEFAULT_FRAMEWORK)
        return DEFAULT_FRAMEWORK
    except InputError:
        pass
    target = tmp / DEFAULT_FRAMEWORK
    shutil.copytree(builtin_root() / DEFAULT_FRAMEWORK, target)
    manifest = yaml.safe_load((target / "framework.yaml").read_text(encoding="utf-8"))
    have = {yaml.safe_load(p.read_text(encoding="utf-8"))["principle"] for p in (target / "rules").glob("*.yaml")}
    for principle in manifest["principles"]:
        if principle["id"] not in have:
            _placeholder_rule(target / "rules", principle["id"])
    return str(target)


def _placeholder_rule(folder: Path, principle: str) -> None:
    rule = {
        "id": f"{principle}-99", "title": "Placeholder rule for report tests", "principle": principle,
        "severity": "low", "weight": 1, "rationale": "A stand-in rule so that every principle has one while the real rules are being written.",
        "failure_reason": "The use policy is not published.", "met_when": {"fact": "transparency.policy_published",
                                                                           "is": True},
        "remedy": "The operator shall publish its use policy.",
        "references": [{"instrument": "Test"}],
        "cases": [{"name": "policy published", "facts": {"transparency.policy_published": True}, "expect": "met"},
                  {"name": "policy kept private", "facts": {"transparency.policy_published": False}, "expect": "not_met"}],
    }
    (folder / f"{principle}-99-placeholder.yaml").write_text(yaml.safe_dump(rule), encoding="utf-8")


def audit_file(path: Path, spec: str) -> tuple[AuditResult, bytes]:
    """A fresh audit of one deployment file, and the file's bytes."""
    loaded = load_deployment(path, display=str(path))
    return audit(loaded, [load_framework(spec)]), loaded.raw


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
        "sources": [{"id": "evil-1", "publisher": f"{HOSTILE_CSS} Publisher", "title": f"Title {HOSTILE_IMG}",
                     "date": "2020-01", "url": "https://example.org/a?b=<c>", "locator": "p. <5>",
                     "note": LONG_WORD}],
        "legality": {"published": {"value": False, "sources": ["evil-1"], "note": f"{HOSTILE_IMG} {filler}"}},
        "scope": {"scanning": {"value": "untargeted", "sources": ["evil-1"], "note": LONG_WORD}},
        "retention": {"max_days": "undisclosed"},
    }
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
