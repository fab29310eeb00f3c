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
from bounds_support import assert_within
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.cli import main
from auditkit.errors import InputError
from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import SOURCE_KIND_MEANINGS
from auditkit.model.kinds import Count, Period, YesNo
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

MINI = str(Path(__file__).parent / "fixtures" / "frameworks" / "mini")
LINE = re.compile(r"^[^:]+(:\d+:\d+)?: ([^ :]+: )?\S.*$")
SETTINGS = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


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

PLAIN_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ),
    min_size=1,
    max_size=60,
)
SOURCE_IDS = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True), min_size=1, max_size=4, unique=True)


def known_value(info: FactInfo, exact: bool = False) -> st.SearchStrategy[Any]:
    if issubclass(info.kind, YesNo):
        return st.sampled_from([True, False, "yes", "no", "Yes", "NO"])
    if issubclass(info.kind, Count) and exact:
        return st.integers(min_value=0, max_value=10**7)
    if issubclass(info.kind, Count):
        n = st.integers(min_value=0, max_value=10**7)
        return (
            n
            | st.fixed_dictionaries({"at_least": n})
            | st.fixed_dictionaries({"at_most": n})
            | st.fixed_dictionaries({"about": n})
            | st.tuples(n, n).map(lambda pair: {"at_least": min(pair), "at_most": max(pair)})
        )
    if issubclass(info.kind, Period):
        n = st.integers(min_value=0, max_value=10**5)
        return (
            st.sampled_from(["indefinite", "immediately"])
            | st.fixed_dictionaries({"days": n})
            | st.fixed_dictionaries({"hours": n})
        )
    return st.sampled_from([key for key, _ in info.choices])


@st.composite
def fact(draw: st.DrawFn, info: FactInfo, ids: list[str], simple: bool = False) -> Any:
    forms = ["value", "value", "unknown", "undisclosed", "long-unknown"]
    form = draw(st.sampled_from(forms if simple else [*forms, "not_applicable", "law-practice"]))
    if simple and form == "value":  # an exact answer on sources that establish it: one value, decided
        return {"value": draw(known_value(info, exact=True)), "sources": [ids[0]]}
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
    out: dict[str, Any] = {
        "value": draw(known_value(info)),
        "sources": [
            {"id": c, "at": f"para {n}"} if n else c
            for c, n in zip(cited, draw(st.lists(st.integers(0, 99), min_size=3, max_size=3)), strict=False)  # up to 3
        ],
    }
    standing = draw(st.sampled_from([None, None, "established", "reported", "alleged", "disputed"]))
    if standing is not None:
        out["standing"] = standing
    if standing == "disputed":
        out["contested_by"] = [cited[0]]
    return out


@st.composite
def valid_document(draw: st.DrawFn, simple: bool = False) -> dict[str, Any]:
    """A valid format-2 document.

    With ``simple``, only answers that decide as format 1's did (exact values on sources that establish them;
    no bounds, standings, not_applicable or law/practice pairs), for the range properties below, which compare
    what answering an open fact can do.
    """
    ids = draw(SOURCE_IDS)
    doc: dict[str, Any] = {
        "format_version": 2,
        "deployment": {"name": draw(PLAIN_TEXT), "hypothetical": draw(st.booleans())},
        "sources": [
            {
                "id": i,
                "publisher": draw(PLAIN_TEXT),
                "title": draw(PLAIN_TEXT),
                "kind": "law" if simple else draw(st.sampled_from(list(SOURCE_KIND_MEANINGS))),
                "url": f"https://example.org/{i}",
                "date": draw(st.sampled_from(["2019", "2020-05", "2021-12-31", "undated"])),
            }
            for i in ids
        ],
    }
    chosen = draw(st.lists(st.sampled_from(sorted(catalogue())), unique=True, max_size=len(catalogue())))
    for path in chosen:
        section, name = path.split(".")
        doc.setdefault(section, {})[name] = draw(fact(catalogue()[path], ids, simple))
    return doc


JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | PLAIN_TEXT
    | st.sampled_from(["", "unknown", "yes", "no", "on", "~", "-1", "1e9", "2020-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PLAIN_TEXT, inner, max_size=3),
    max_leaves=6,
)


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
    """Score ranges in order; each principle's verdict agrees with its range and its rules' possible statuses."""
    scoring = result["scoring"]
    if result["score"] is not None:
        assert 0 <= result["score"]["low"] <= result["score"]["high"] <= 100
    crossed = []
    for principle in result["principles"]:
        findings = [
            f
            for f in result["findings"]
            if (f["framework"], f["principle"]) == (principle["framework"], principle["id"])
        ]
        assert findings and sum(principle["counts"].values()) == len(findings)
        crossed += _check_principle(result, principle, findings)
    assert result["red_lines_crossed"] == crossed
    grades = [*scoring["grades"], "F"]
    if result["score"] is None:
        assert result["grade"] == {"low": "incomplete", "high": "incomplete"}
    else:
        assert grades.index(result["grade"]["high"]) <= grades.index(result["grade"]["low"])
    if crossed and result["score"] is not None:
        assert result["grade"] == {"low": scoring["red_line_grade"], "high": scoring["red_line_grade"]}
    narrows = [g["narrows"] for g in result["information_gaps"]]
    assert narrows == sorted(narrows, reverse=True)


def _check_principle(result: dict[str, Any], principle: dict[str, Any], findings: list[dict[str, Any]]) -> list[str]:
    """One principle's checks for check_consistent; the red lines it crosses."""
    met_at, partial_at = result["scoring"]["met_at"], result["scoring"]["partially_met_at"]
    statuses = [f["status"] for f in findings]
    score, verdict = principle["score"], principle["verdict"]
    assert score is None or 0 <= score["low"] <= score["high"] <= 100
    assert 0 <= principle["coverage"] <= 1
    for f in findings:
        assert f["possible"][0] == f["best"] and f["possible"][-1] == f["worst"]
        assert (f["possible"] == [f["status"]]) is (f["status"] != "unknown")
    red = [f["rule"] for f in findings if f["red_line"] and f["status"] == "not_met"]
    breach = any(f["decisive"] and f["status"] == "not_met" for f in findings)
    could_breach = any(f["decisive"] and f["worst"] == "not_met" for f in findings)
    if all(f["possible"] == ["not_applicable"] for f in findings):
        assert verdict == "not_applicable" and score is None
        return red
    assert score is not None and verdict != "not_applicable"
    low, high = score["low"], score["high"]
    if red or breach:
        assert verdict == "not_met"
    elif verdict == "met":
        assert low >= met_at and not could_breach
    elif verdict == "partially_met":
        assert partial_at <= low and high < met_at and not could_breach
    elif verdict == "not_met":
        assert high < partial_at
    elif verdict == "falls_short":
        assert high < met_at and (low < partial_at or could_breach) and high >= partial_at
    else:
        assert verdict == "insufficient_information"
        assert principle["applies"] is None or (high >= met_at and (low < met_at or could_breach))
    if verdict in ("falls_short", "insufficient_information"):
        assert {s["fact"] for s in principle["to_settle"]} <= {g["fact"] for g in result["information_gaps"]}
    else:
        assert principle["to_settle"] == []
    if all(s == "met" for s in statuses):
        assert score == {"low": 100, "high": 100} and verdict == "met"
    return red


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


# --- bounds: what the unknown facts could still change ------------------------------------------------
#
# These are what "an operator cannot score better by publishing less" means: whatever an unknown fact turns
# out to be, the audit stays inside the range given without it. Answering a fact never widens a range and
# never contradicts a verdict; taking a fact away never narrows a range.


def audit_doc(doc: dict[str, Any]) -> Any:
    from auditkit.engine import audit
    from auditkit.model.load import parse_deployment

    loaded = parse_deployment(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode(), "doc.yaml")
    return audit(loaded, [load_framework(framework())])


def open_facts(doc: dict[str, Any]) -> list[str]:
    """Facts the document leaves open: left out, or unknown (short or long form)."""
    out = []
    for path in sorted(catalogue()):
        section, name = path.split(".")
        value = doc.get(section, {}).get(name)
        if value is None or value == "unknown" or value == {"value": "unknown"}:
            out.append(path)
    return out


@st.composite
def completion(draw: st.DrawFn, everything: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """A document and the same document with some (or all) of its open facts answered."""
    doc = draw(valid_document(simple=True))
    done = json.loads(json.dumps(doc))
    ids = [s["id"] for s in doc["sources"]]
    paths = open_facts(doc)
    chosen = paths if everything else draw(st.lists(st.sampled_from(paths), unique=True)) if paths else []
    for path in chosen:
        section, name = path.split(".")
        answer = st.just("undisclosed") if not everything else st.nothing()
        value = draw(
            st.one_of(
                known_value(catalogue()[path], exact=True).map(lambda v: {"value": v, "sources": ids[:1]}), answer
            )
        )
        done.setdefault(section, {})[name] = value
    return doc, done


@SETTINGS
@given(completion())
def test_answering_facts_never_widens_a_range_nor_contradicts_a_verdict(pair: tuple[dict[str, Any], ...]) -> None:
    before, after = audit_doc(pair[0]), audit_doc(pair[1])
    assert_within(after, before)


@SETTINGS
@given(completion(everything=True))
def test_a_completed_audit_lies_inside_the_range_of_the_incomplete_one(pair: tuple[dict[str, Any], ...]) -> None:
    before, after = audit_doc(pair[0]), audit_doc(pair[1])
    assert_within(after, before)
    # Every open fact answered: only facts the operator keeps secret can still leave a rule open.
    secret = {
        path
        for path in catalogue()
        if pair[1].get(path.split(".")[0], {}).get(path.split(".")[1]) in ("undisclosed", {"value": "undisclosed"})
    }
    for finding in after.findings:
        if finding.status.value == "unknown":
            assert set(finding.missing) <= secret, finding.rule


@SETTINGS
@given(valid_document(simple=True), st.data())
def test_taking_facts_away_never_narrows_a_range(doc: dict[str, Any], data: st.DataObject) -> None:
    known = [p for p in sorted(catalogue()) if p not in open_facts(doc)]
    dropped = data.draw(st.lists(st.sampled_from(known), unique=True, min_size=1)) if known else []
    fewer = json.loads(json.dumps(doc))
    for path in dropped:
        section, name = path.split(".")
        if data.draw(st.booleans()):
            del fewer[section][name]
        else:
            fewer[section][name] = "unknown"
    assert_within(audit_doc(doc), audit_doc(fewer))
