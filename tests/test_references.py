"""What a reader relies on in the rule set (issue 13).

Quoted pinpoints, references that fit the deployment's legal orders, figures that say whose they are, and
remedy clauses that use only defined terms and bind whatever the technology.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from auditkit.cli import main
from auditkit.engine import audit
from auditkit.errors import InputError
from auditkit.model.load import load_deployment
from auditkit.rules.lint import FIGURE, TERMS_OF_ART, lint
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORK = load_framework(DEFAULT_FRAMEWORK)
RULES = FRAMEWORK.rules
EXAMPLES = ROOT / "examples"
REGIONAL = ("council_of_europe", "eu")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def copy_framework(tmp_path: Path) -> Path:
    folder = tmp_path / "agora-copy"
    shutil.copytree(FRAMEWORK.folder, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Quotes: every pinpoint carries the words it rests on and where they were read.


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_pinpoint_has_a_short_quote_and_an_address(rule) -> None:  # type: ignore[no-untyped-def]
    for ref in rule.references:
        if ref.locator:
            assert ref.quote and ref.url, f"{rule.id}: {ref} has a pinpoint but no quote or url"
            assert 10 <= len(ref.quote) <= 320, f"{rule.id}: {ref} quote is {len(ref.quote)} characters"


def test_a_pinpoint_without_a_quote_is_refused_with_file_and_line(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    rule = folder / "rules" / "P7-01-retention-limited.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(
        re.sub(r"\n    quote: .*\n(    url: .*\n)(?=  - instrument: Regulation)", "\n\\1", text, count=1),
        encoding="utf-8",
    )
    code, _, err = cli("principles", "--check", "-f", str(folder))
    assert code == 2
    assert "P7-01-retention-limited.yaml:" in err
    assert "a reference with a 'locator' also needs a 'quote'" in err


def test_the_corrected_references_are_gone() -> None:
    """The references issue 13 found wrong are not cited again."""
    cited = {(rule.id, ref.instrument, ref.locator) for rule in RULES for ref in rule.references}
    by_rule = {rule.id: {(ref.instrument, ref.locator) for ref in rule.references} for rule in RULES}
    assert not any("152-FZ" in inst and loc and loc.startswith("Art. 19") for _, inst, loc in cited)
    assert not any("2016/680" in inst and loc == "Art. 17" for _, inst, loc in cited)
    assert not any("Glukhin" in inst and loc and "56" in loc for _, inst, loc in cited)
    assert ("Regulation (EU) 2016/679 (GDPR)", "Art. 5(1)(b)") not in by_rule["P6-04"]
    assert ("Regulation (EU) 2016/679 (GDPR)", "Art. 5(2)") not in by_rule["P7-04"]
    assert not any("Marper" in inst for inst, _ in by_rule["P7-01"])
    assert not any("Szab" in inst for rule_refs in by_rule.values() for inst, _ in rule_refs)
    p802 = [ref for rule in RULES if rule.id == "P8-02" for ref in rule.references if ref.locator == "Art. 5(1)(g)"]
    assert any("law enforcement" in (ref.quote or "") for ref in p802), "P8-02 must quote the AI Act's carve-out"


# Where each requirement comes from, and whose figures they are.


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_figure_says_whose_it_is(rule) -> None:  # type: ignore[no-untyped-def]
    figures = {m.group(0).lower() for m in FIGURE.finditer(rule.remedy)}
    assert figures <= {t.figure.lower() for t in rule.thresholds}, rule.id
    for threshold in rule.thresholds:
        if threshold.origin == "instrument":
            assert threshold.instrument in {ref.instrument for ref in rule.references}


def test_the_fixed_figures_named_in_issue_13_are_marked_as_auditkits() -> None:
    own = {(rule.id, t.figure) for rule in RULES for t in rule.thresholds if t.origin == "auditkit"}
    for expected in [
        ("P7-01", "30 days"),
        ("P7-01", "90 days"),
        ("P2-05", "30 days"),
        ("P3-04", "30 days"),
        ("P5-04", "seven days"),
        ("P4-03", "five years"),
        ("P3-06", "1,000 people"),
        ("P3-06", "10,000 people"),
    ]:
        assert expected in own


def test_a_figure_without_its_origin_fails_the_lint(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    edit(folder / "rules" / "P7-05-sunset-clause.yaml", '  - figure: "two years"\n    origin: auditkit\n', "")
    problems = lint(load_framework(str(folder)))
    assert any("P7-05" in p and "'two years'" in p and "no threshold" in p for p in problems), problems


def test_a_requirement_from_an_instrument_must_cite_it(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    edit(
        folder / "rules" / "P4-06-breach-notification.yaml",
        "instrument: Regulation (EU) 2016/679 (GDPR)\n  note",
        "instrument: Regulation (EU) 2016/999 (GDPR)\n  note",
    )
    with pytest.raises(InputError) as caught:
        load_framework(str(folder))
    assert "is not among this rule's references" in str(caught.value)


def test_reports_mark_auditkits_own_thresholds(tmp_path: Path) -> None:
    out = tmp_path / "frt.md"
    code, _, err = cli("audit", str(EXAMPLES / "moscow-safe-city-frt.yaml"), "--format", "md", "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "auditkit's threshold: 30 days (a policy choice, not a legal limit)" in text
    assert "threshold from Regulation (EU) 2016/679 (GDPR): 72 hours" in text


# Definitions: no clause uses an undefined term; clauses bind whatever the technology.


def test_the_definitions_clause_defines_every_term_of_art_the_clauses_use() -> None:
    defined = {form.lower() for term in FRAMEWORK.definitions for form in (term.term, *term.forms)}
    used = {
        term
        for term, pattern in TERMS_OF_ART.items()
        for rule in RULES
        if re.search(pattern, rule.remedy, re.IGNORECASE)
    }
    assert {"this Act", "operator", "system", "supervisory body"} <= used
    assert {term.lower() for term in used} <= defined
    assert FRAMEWORK.definitions_clause == "In this Act:"


def test_an_undefined_term_fails_the_lint(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    edit(folder / "framework.yaml", "    - term: supervisory body\n", "    - term: supervising body\n")
    problems = lint(load_framework(str(folder)))
    assert any("P9-05" in p and "'supervisory body'" in p and "does not define" in p for p in problems)
    assert any("'supervising body' is defined but no remedy clause uses it" in p for p in problems)


def test_clauses_bind_whatever_the_technology() -> None:
    """Issue 13: on a licence-plate reader the P3-01 clause spoke of biometric data and P2-01 of an app."""
    by_id = {rule.id: rule.remedy for rule in RULES}
    assert "biometric" not in by_id["P3-01"]
    assert "vehicle" in by_id["P3-01"]
    assert "application" not in by_id["P2-01"]
    biometric_only = {rule.id for rule in RULES if re.search(r"\bbiometric|\bfac(e|ial)\b", rule.remedy)}
    assert biometric_only <= {"P6-07", "P8-02"}, biometric_only


# References that fit the deployment.


def _shown(example: str, legal_orders: list[str] | None, tmp_path: Path) -> set[str]:
    doc = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))
    doc["deployment"].pop("legal_orders", None)
    if legal_orders is not None:
        doc["deployment"]["legal_orders"] = legal_orders
    path = tmp_path / example
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = audit(load_deployment(path), [FRAMEWORK])
    return {ref["legal_order"] for finding in result.findings for ref in finding.references}


def test_unknown_jurisdiction_shows_international_references_only(tmp_path: Path) -> None:
    assert _shown("moscow-safe-city-frt.yaml", None, tmp_path) == {"international", "civil_society"}


def test_no_national_reference_is_shown_outside_its_jurisdiction(tmp_path: Path) -> None:
    shown = _shown("moscow-safe-city-frt.yaml", ["eu", "national:DE"], tmp_path)
    assert "national:RU" not in shown
    assert "eu" in shown and "council_of_europe" not in shown
    bound = _shown("moscow-safe-city-frt.yaml", ["council_of_europe", "national:RU"], tmp_path)
    assert {"national:RU", "council_of_europe"} <= bound and "eu" not in bound


def test_the_report_on_a_non_russian_programme_cites_no_russian_law(tmp_path: Path) -> None:
    out = tmp_path / "hyp.md"
    code, _, err = cli("audit", str(EXAMPLES / "hypothetical-well-governed.yaml"), "--format", "md", "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "152-FZ" not in text and "Zakharov" not in text and "Glukhin" not in text
    assert "International Covenant on Civil and Political Rights" in text


def test_a_bad_legal_order_in_a_description_is_one_clear_line(tmp_path: Path) -> None:
    text = (EXAMPLES / "moscow-safe-city-frt.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(
        text.replace('legal_orders: [council_of_europe, "national:RU"]', "legal_orders: [russia]"), encoding="utf-8"
    )
    code, out, err = cli("audit", str(path), "--format", "md", "-o", str(tmp_path / "bad.md"))
    assert code != 0 and out == ""
    assert "bad.yaml:" in err and "'russia' is not a legal order" in err
    assert not (tmp_path / "bad.md").exists()


def test_every_reference_has_a_legal_order_and_regional_ones_are_tagged() -> None:
    orders = {ref.instrument: ref.legal_order for rule in RULES for ref in rule.references}
    assert orders['Russian Federal Law No. 152-FZ "On Personal Data" (2006)'] == "national:RU"
    assert orders["Regulation (EU) 2016/679 (GDPR)"] == "eu"
    assert orders["European Convention on Human Rights (1950)"] == "council_of_europe"
    assert orders["International Covenant on Civil and Political Rights (1966)"] == "international"
    assert orders["Agora, The Surveillance Pandemic (2020)"] == "civil_society"
    assert all(
        re.fullmatch(r"international|council_of_europe|eu|civil_society|national:[A-Z]{2}", o) for o in orders.values()
    )


def test_a_withdrawn_or_moved_rule_id_still_tells_the_reader_where_it_went() -> None:
    code, out, _ = cli("principles", "P9-09")
    assert code == 0 and out.startswith("P4-10: A complaints route exists")
    code, out, err = cli("principles", "P1-06")
    assert (code, out) == (2, "")
    assert err == (
        "P1-06: this rule was withdrawn in version 2.0 of agora-2020; its changelog (end of docs/rules.md) says why\n"
    )
