"""Properties of the whole pipeline over generated deployments, run through the real CLI.

Valid documents are drawn from the fact catalogue (random subsets of facts,
each a sourced value, unknown or undisclosed); invalid ones are valid ones
with junk put in at random places. Whatever the input: never an internal
error (exit 3), and for valid input a complete, self-consistent,
byte-for-byte reproducible audit.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.cli import main
from auditkit.errors import InputError
from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import SOURCE_KIND_MEANINGS
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

MINI = str(Path(__file__).parent / "fixtures" / "frameworks" / "mini")
LINE = re.compile(r"^[^:]+(:\d+:\d+)?: ([^ :]+: )?\S.*$")
SETTINGS = settings(max_examples=120, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def framework() -> str:
    """The default framework, or the mini fixture while the default is still being written."""
    try:
        load_framework(DEFAULT_FRAMEWORK)
    except InputError:
        return MINI
    return DEFAULT_FRAMEWORK


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@cache
def _folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="auditkit-properties-")


def run_on(text: str, suffix: str, *args: str) -> tuple[int, str, str]:
    """Run the CLI on ``text`` saved as one fixed file name, so that messages can be compared across runs."""
    path = Path(_folder().name) / f"deployment{suffix}"
    path.write_text(text, encoding="utf-8")
    return cli(*[str(path) if a == "FILE" else a for a in args])


# --- strategies ---------------------------------------------------------------------------------

PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                   blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
                     min_size=1, max_size=60)
SOURCE_IDS = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True), min_size=1, max_size=4, unique=True)


def known_value(info: FactInfo) -> st.SearchStrategy[Any]:
    if info.kind == "yesno":
        return st.sampled_from([True, False, "yes", "no", "Yes", "NO"])
    if info.kind == "count":
        n = st.integers(min_value=0, max_value=10**7)
        return n | st.fixed_dictionaries({"at_least": n}) | st.fixed_dictionaries({"at_most": n}) \
            | st.fixed_dictionaries({"about": n}) \
            | st.tuples(n, n).map(lambda pair: {"at_least": min(pair), "at_most": max(pair)})
    if info.kind == "duration":
        n = st.integers(min_value=0, max_value=10**5)
        return st.sampled_from(["indefinite", "immediately"]) | st.fixed_dictionaries({"days": n}) \
            | st.fixed_dictionaries({"hours": n})
    return st.sampled_from([key for key, _ in info.choices])


@st.composite
def fact(draw: st.DrawFn, info: FactInfo, ids: list[str]) -> Any:
    form = draw(st.sampled_from(["value", "value", "unknown", "undisclosed", "long-unknown", "not_applicable",
                                 "law-practice"]))
    if form in ("unknown", "undisclosed"):
        return form
    if form == "long-unknown":
        return {"value": draw(st.sampled_from(["unknown", "undisclosed"]))}
    if form == "not_applicable":
        return {"value": "not_applicable", "reason": draw(PLAIN_TEXT)}
    if form == "law-practice":
        sides = draw(st.sampled_from([("law",), ("practice",), ("law", "practice")]))
        return {side: draw(statement(info, ids)) for side in sides}
    out = draw(statement(info, ids))
    if draw(st.booleans()):
        out["note"] = draw(PLAIN_TEXT)
    return out


@st.composite
def statement(draw: st.DrawFn, info: FactInfo, ids: list[str]) -> dict[str, Any]:
    """A known answer with its sources: plain ids or pinpoints, and sometimes a standing."""
    cited = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    out: dict[str, Any] = {"value": draw(known_value(info)),
                           "sources": [{"id": c, "at": f"para {n}"} if n else c
                                       for c, n in zip(cited, draw(st.lists(st.integers(0, 99), min_size=3,
                                                                            max_size=3)))]}
    standing = draw(st.sampled_from([None, None, "established", "reported", "alleged", "disputed"]))
    if standing is not None:
        out["standing"] = standing
    if standing == "disputed":
        out["contested_by"] = [cited[0]]
    return out


@st.composite
def valid_document(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(SOURCE_IDS)
    doc: dict[str, Any] = {
        "format_version": 2,
        "deployment": {"name": draw(PLAIN_TEXT), "hypothetical": draw(st.booleans())},
        "sources": [{"id": i, "publisher": draw(PLAIN_TEXT), "title": draw(PLAIN_TEXT),
                     "kind": draw(st.sampled_from(list(SOURCE_KIND_MEANINGS))),
                     "url": f"https://example.org/{i}",
                     "date": draw(st.sampled_from(["2019", "2020-05", "2021-12-31", "undated"]))} for i in ids],
    }
    chosen = draw(st.lists(st.sampled_from(sorted(catalogue())), unique=True, max_size=len(catalogue())))
    for path in chosen:
        section, name = path.split(".")
        doc.setdefault(section, {})[name] = draw(fact(catalogue()[path], ids))
    return doc


JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | PLAIN_TEXT
                    | st.sampled_from(["", "unknown", "yes", "no", "on", "~", "-1", "1e9", "2020-01-01"]),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PLAIN_TEXT, inner, max_size=3),
                    max_leaves=6)


def _places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place (path) in a document where a value sits."""
    places = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            places += _places(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            places += _places(value, (*path, i))
    return places


@st.composite
def invalid_document(draw: st.DrawFn) -> Any:
    doc: Any = draw(valid_document())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = _places(doc)
        place = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "add-key", "delete"]))
        if not place:
            doc = draw(JUNK) if action == "replace" else doc
            continue
        parent = doc
        for part in place[:-1]:
            parent = parent[part]
        if action == "replace":
            parent[place[-1]] = draw(JUNK)
        elif action == "add-key" and isinstance(parent[place[-1]], dict):
            parent[place[-1]][draw(PLAIN_TEXT)] = draw(JUNK)
        elif action == "delete":
            del parent[place[-1]]
    return doc


def serialise(doc: Any, as_json: bool) -> tuple[str, str]:
    if as_json:
        return json.dumps(doc, ensure_ascii=False, indent=1), ".json"
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), ".yaml"


# --- properties ------------------------------------------------------------------------------------


def check_consistent(result: dict[str, Any]) -> None:
    """Scores in range; each principle's verdict agrees with its rules' statuses."""
    scoring = result["scoring"]
    assert result["score"] is None or 0 <= result["score"] <= 100
    crossed = []
    for principle in result["principles"]:
        findings = [f for f in result["findings"]
                    if (f["framework"], f["principle"]) == (principle["framework"], principle["id"])]
        statuses = [f["status"] for f in findings]
        assert findings and sum(principle["counts"].values()) == len(findings)
        score, verdict = principle["score"], principle["verdict"]
        assert score is None or 0 <= score <= 100
        assert 0 <= principle["coverage"] <= 1
        red = [f["rule"] for f in findings if f["red_line"] and f["status"] == "not_met"]
        crossed += red
        if all(s == "not_applicable" for s in statuses):
            assert verdict == "not_applicable" and score is None
        elif red:
            assert verdict == "not_met"
        elif verdict == "met":
            assert score is not None and score >= scoring["met_at"]
        elif verdict == "partially_met":
            assert score is not None and scoring["partially_met_at"] <= score < scoring["met_at"]
        elif verdict == "insufficient_information":
            assert score is None or principle["coverage"] < scoring["min_coverage"]
        else:
            assert verdict == "not_met" and score is not None and score < scoring["partially_met_at"]
        if all(s == "met" for s in statuses):
            assert score == 100 and verdict == "met"
        if any(s in ("met", "partial", "not_met") for s in statuses):
            assert score is not None
    assert result["red_lines_crossed"] == crossed
    if crossed and result["score"] is not None:
        assert result["grade"] == scoring["red_line_grade"]


@SETTINGS
@given(valid_document(), st.booleans())
def test_valid_documents_always_audit_consistently_and_reproducibly(doc: dict[str, Any], as_json: bool) -> None:
    text, suffix = serialise(doc, as_json)
    code, out, err = run_on(text, suffix, "audit", "FILE", "-f", framework(), "--format", "json")
    assert (code, err) == (0, ""), err
    check_consistent(json.loads(out))
    assert run_on(text, suffix, "audit", "FILE", "-f", framework(), "--format", "json") == (code, out, err)
    code, _, err = run_on(text, suffix, "audit", "FILE", "-f", framework(), "--format", "text", "--fail-under", "50")
    assert code in (0, 1) and err == ""


@SETTINGS
@given(invalid_document(), st.booleans())
def test_junk_anywhere_is_reported_never_crashes(doc: Any, as_json: bool) -> None:
    text, suffix = serialise(doc, as_json)
    code, out, err = run_on(text, suffix, "validate", "FILE")
    assert code in (0, 2), err
    if code == 0:
        code, out, err = run_on(text, suffix, "audit", "FILE", "-f", framework(), "--format", "json")
        assert code == 0 and all(": warning: " in line for line in err.splitlines()), err  # e.g. a kind removed
        check_consistent(json.loads(out))
        return
    assert out == "" and err
    for line in err.splitlines():
        assert LINE.match(line) and line.isprintable(), line
        assert "Input should" not in line and "Traceback" not in line, line
    assert run_on(text, suffix, "validate", "FILE") == (code, out, err)
