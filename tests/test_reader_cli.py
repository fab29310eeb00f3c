"""What a new reader meets first: a principle explained, a template filled by uncommenting, honest hints."""

from __future__ import annotations

import re
from pathlib import Path

from cli_support import cli

from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework
from auditkit.template import PLACEHOLDERS, template


def test_a_whole_principle_is_explained() -> None:
    code, out, err = cli("principles", "P3")
    assert (code, err) == (0, "")
    framework = load_framework(DEFAULT_FRAMEWORK)
    principle = next(p for p in framework.principles if p.id == "P3")
    flat = " ".join(out.split())
    assert out.startswith(f"P3: {principle.title}\n")
    assert " ".join(principle.demand.split()) in flat
    total = sum(rule.weight for rule in principle.rules)
    assert f"weight out of {total}" in flat
    for rule in principle.rules:
        assert f"{rule.id} {rule.title} (weight {rule.weight}, severity {rule.severity}" in flat
    red = [rule.id for rule in principle.rules if rule.red_line]
    assert red and f"Red lines: {', '.join(red)}." in flat
    assert flat.count("RED LINE") == len(red)
    # Any case works, as for rules; a rule id still explains the rule.
    assert cli("principles", "p3")[1] == out
    assert cli("principles", "P3-01")[1].startswith("P3-01: ")


def test_an_unknown_id_names_both_kinds() -> None:
    code, out, err = cli("principles", "P33")
    assert code == 2 and out == ""
    assert err == "P33: no principle or rule with this id; 'auditkit principles' lists them all\n"


def test_urls_in_principles_output_are_never_split() -> None:
    framework = load_framework(DEFAULT_FRAMEWORK)
    urls = {ref.url for rule in framework.rules for ref in rule.references if ref.url}
    assert urls
    seen = set()
    for rule in framework.rules:
        _, out, _ = cli("principles", rule.id)
        lines = out.splitlines()
        for url in {ref.url for ref in rule.references if ref.url}:
            assert any(f"<{url}>" in line for line in lines), (rule.id, url)
            seen.add(url)
    assert seen == urls


def test_the_template_fills_in_by_uncommenting(tmp_path: Path) -> None:
    text = template()
    assert "sources: []" not in text
    # Uncomment the source example, as a reader would, and cite it from one fact.
    block = re.search(r"^sources:\n((?:  # .*\n)+)", text, flags=re.MULTILINE)
    assert block, "the template has no commented source example under 'sources:'"
    filled = text.replace(block.group(1), re.sub(r"^  # ", "  ", block.group(1), flags=re.MULTILINE))
    filled = filled.replace("  published: unknown", "  published: {value: yes, sources: [example-2020]}", 1)
    for (_, field), placeholder in PLACEHOLDERS.items():
        filled = filled.replace(f'"{placeholder}"', f'"Real {field}"')
    path = tmp_path / "filled.yaml"
    path.write_text(filled, encoding="utf-8")
    code, out, err = cli("validate", str(path))
    assert code == 0, err
    # The example source's own placeholders are flagged; nothing else is.
    assert "sources[1].publisher: warning: still the template's placeholder 'Who published it'" in err
    assert "deployment." not in err
    code, out, err = cli("audit", str(path), "--format", "json")
    assert code == 0, err
    assert '"example-2020"' in out


def test_the_untouched_template_validates_with_a_warning_per_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    assert cli("init", str(path))[0] == 0
    code, out, err = cli("validate", str(path))
    assert (code, out) == (0, f"{path}: valid\n")
    lines = err.splitlines()
    assert len(lines) == len(PLACEHOLDERS)
    text = path.read_text(encoding="utf-8").splitlines()
    for line, ((_, field), placeholder) in zip(lines, PLACEHOLDERS.items(), strict=True):
        match = re.match(
            rf"{re.escape(str(path))}:(\d+):\d+: deployment\.{field}: warning: still the "
            rf"template's placeholder '{re.escape(placeholder)}'; replace it with the real value$",
            line,
        )
        assert match, line
        assert placeholder in text[int(match.group(1)) - 1]
    # audit says so too, and still audits.
    code, _, err = cli("audit", str(path))
    assert code == 0 and err.count("warning: still the template's placeholder") == len(PLACEHOLDERS)


def test_a_misspelt_source_field_is_a_spelling_slip_not_a_misplaced_fact(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(
        "format_version: 1\ndeployment:\n  name: X\nsources:\n  - id: a-2020\n"
        "    published: Someone\n    title: T\n    date: '2020'\n",
        encoding="utf-8",
    )
    code, _, err = cli("validate", str(path))
    assert code == 2
    assert "unknown field 'published' (did you mean 'publisher'?)" in err
    assert "legality" not in err
    # A fact written in the wrong section is still told where it belongs.
    path.write_text("format_version: 1\ndeployment:\n  name: X\nscope:\n  published: unknown\n", encoding="utf-8")
    assert "it is a question of the 'legality' section, so move it there" in cli("validate", str(path))[2]
