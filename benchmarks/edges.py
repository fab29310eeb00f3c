"""Inputs at the documented limits (docs/limits.md): the largest a limit lets through, and one step past it.

Used by tests/test_limits.py (just under passes quickly, just over is refused
quickly) and by benchmarks/run.py (the worst cases, timed, PDF included).
Every builder is deterministic.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from auditkit import yamlio
from auditkit.rules import loader

MINI = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "frameworks" / "mini"
HEAD = "format_version: 1\ndeployment:\n  name: Edge case\n  audit_date: '2026-01-31'\n"
RULE = """\
id: {id}
title: Data is kept 30 days or less{long}
principle: M1
severity: high
weight: 2
rationale: {rationale}
failure_reason: Data is kept for more than 90 days.{long}
met_when: {met_when}
remedy: The operator shall delete data within 30 days of collection.{long}
references: [{{instrument: auditkit tests{long}, legal_order: civil_society}}]
origin: {{requirement: auditkit}}
cases:
  - {{name: short, facts: {{retention.max_days: 10}}, expect: met}}
  - {{name: long, facts: {{retention.max_days: 400}}, expect: not_met}}
"""
LEAF = "{fact: retention.max_days, at_most: 30}"
RATIONALE = "Short retention limits what can be misused later on, and what can leak."


# --- deployments --------------------------------------------------------------------------------------


def many_sources(count: int, *, cited_by_each: int = 0, note: int = 0) -> bytes:
    """``count`` declared sources with long titles, all cited by one fact (the report lists every one)."""
    lines = [HEAD, "sources:\n"]
    for i in range(count):
        extra = f", note: '{'n' * note}'" if note else ""
        lines.append(
            f"  - {{id: s{i}, publisher: Publisher {i}, title: Title number {i} of a long list, "
            f"date: '2020-01-01', url: 'https://example.org/{i}'{extra}}}\n"
        )
    cited = ", ".join(f"s{i}" for i in range(count if not cited_by_each else min(count, cited_by_each)))
    lines.append(f"retention:\n  max_days: {{value: 400, sources: [{cited}]}}\n")
    return "".join(lines).encode()


def long_notes(count: int = 7, length: int = yamlio.MAX_SCALAR_CHARS, *, single_word: bool = True) -> bytes:
    """``count`` facts, each with a note of ``length`` characters (one unbreakable word by default)."""
    word = "x" * length if single_word else ("word " * (length // 5))[:length]
    facts = [
        "retention.max_days: {value: 400",
        "retention.sunset_clause: {value: no",
        "legality.published: {value: yes",
        "scope.scanning: {value: untargeted",
        "security.encryption: {value: no",
        "fairness.human_review: {value: no",
        "transparency.policy_published: {value: no",
        "legality.names_technology: {value: no",
    ][:count]
    sections: dict[str, list[str]] = {}
    for fact in facts:
        path, rest = fact.split(": ", 1)
        section, name = path.split(".")
        sections.setdefault(section, []).append(f"  {name}: {rest}, sources: [s], note: '{word}'}}\n")
    body = "".join(f"{section}:\n" + "".join(lines) for section, lines in sections.items())
    return (HEAD + "sources:\n  - {id: s, publisher: P, title: T, date: '2020'}\n" + body).encode()


def undeclared_citations(declared: int, bad: int) -> bytes:
    """``declared`` sources and one fact citing ``bad`` ids that none of them has (the 'did you mean' worst case)."""
    lines = [HEAD, "sources:\n"]
    lines += [f"  - {{id: source-number-{i}, publisher: P, title: T, date: '2020'}}\n" for i in range(declared)]
    cited = ", ".join(f"source-numbr-{i}" for i in range(bad))
    lines.append(f"retention:\n  max_days: {{value: 400, sources: [{cited}]}}\n")
    return "".join(lines).encode()


def largest_deployment() -> bytes:
    """As many sources as the value limit lets through, each cited, with notes: the heaviest valid report."""
    per_source = 8  # keys and values of one source entry: the id, publisher, title, date, url, note and the map
    count = (yamlio.MAX_NODES - 200) // (per_source + 1)
    return many_sources(count, note=60)


# --- rule packs -------------------------------------------------------------------------------------------


def pack(
    root: Path, rules: int, *, conditions: int = 1, rationale: int = 0, wordy: int = 0, name: str = "edge-pack"
) -> Path:
    """The mini framework with ``rules`` rules for principle M1, each with ``conditions`` conditions.

    ``rationale`` and ``wordy`` lengthen the rationale, and the title, failure reason, remedy and reference,
    by that many characters (words of eight letters).
    """
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(MINI, folder)
    manifest = folder / "framework.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("id: mini", f"id: {name}"), encoding="utf-8")
    rules_dir = folder / "rules"
    leaves = LEAF if conditions <= 1 else "{all: [" + ", ".join([LEAF] * (conditions - 1)) + "]}"
    text = (RATIONALE + " " + "r" * rationale) if rationale else RATIONALE
    for i in range(rules - len(list(rules_dir.iterdir()))):
        long = (" " + ("abcdefgh " * (wordy // 9 + 1))[:wordy].strip()) if wordy else ""
        (rules_dir / f"X{i:04d}.yaml").write_text(
            RULE.format(id=f"X-{i:04d}", rationale=text, met_when=leaves, long=long), encoding="utf-8"
        )
    return folder


def pack_at_condition_limit(root: Path) -> Path:
    """As many conditions as a pack may hold, in rules at the per-rule limit."""
    per_rule = loader.MAX_RULE_CONDITIONS  # the mini framework's own four rules have fewer than 20 in all
    return pack(root, 4 + (loader.MAX_PACK_CONDITIONS - 20) // per_rule, conditions=per_rule, name="edge-conditions")


def pack_at_file_limit(root: Path) -> Path:
    return pack(root, loader.MAX_RULE_FILES, name="edge-files")
