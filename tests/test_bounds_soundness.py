"""Soundness of the bounded verdicts: a grade never rests on what nobody knows.

Take each bundled case study and format-2 fixture, hide or weaken some of its facts (leave a fact out,
write it unknown, turn an exact number into a range that contains it, lower its standing below the
evidence threshold, answer it not_applicable; on a fact stating law and practice, one side at a time),
audit the result, and then answer every fact it leaves open, in every way a description could: each
allowed answer, not_applicable included, and for a range each number inside it. Whatever the answers,
each rule's status must be one its finding said it "could be", and each principle's score and verdict,
the overall score and the grade must lie inside the bounds the audit reported. A description with
nothing open must have exact bounds.

The answers tried for a count or a period are the test's own reading of the rules: every number a rule
compares the fact with, one either side of it, zero, and a very large number (or kept indefinitely), so
that each stretch between two thresholds is tried; whole completions also try any number (inside its
bounds, for a count known within bounds). Facts the operator keeps secret (undisclosed) stay
secret in every completion: the bounds say what their values could do, not what disclosing them would.
"""

from __future__ import annotations

import copy
import itertools
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from bounds_support import assert_within
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit import engine
from auditkit.engine import OPEN_VERDICTS, audit
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Amount, Fact, Missing
from auditkit.model.kinds import Count, Period
from auditkit.model.load import parse_deployment
from auditkit.model.result import AuditResult, Status
from auditkit.rules.bounds import possible
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework
from auditkit.rules.logic import decide, lookup_for
from auditkit.rules.model import Framework, Operator, Rule
from auditkit.scoring import overall, principle_bounds

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTIONS = sorted(p.name for p in (ROOT / "examples").glob("*.yaml")) + sorted(
    f"format2/{p.name}" for p in (ROOT / "tests" / "fixtures" / "format2").glob("*.yaml")
)
EVIDENCE = ("established", "reported", "alleged")
SIDES = ("law", "practice")
REASON = "The question does not arise here (a completion tried by the soundness test)."
SETTINGS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A place a completion answers: a fact, or one side ('law' or 'practice') of a fact stating both.
Place = tuple[str, str | None]


@cache
def framework() -> Framework:
    return load_framework(DEFAULT_FRAMEWORK)


def _file(name: str) -> Path:
    return ROOT / "tests" / "fixtures" / name if name.startswith("format2/") else ROOT / "examples" / name


@cache
def _original(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_file(name).read_text(encoding="utf-8"))
    return data


def original(name: str) -> dict[str, Any]:
    """A fresh copy of a bundled description as plain data."""
    return copy.deepcopy(_original(name))


def load(doc: dict[str, Any]) -> Deployment:
    return parse_deployment(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode(), "doc.yaml").deployment


def audited(doc: dict[str, Any], evidence: str) -> tuple[Deployment, AuditResult]:
    loaded = parse_deployment(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode(), "doc.yaml")
    return loaded.deployment, audit(loaded, [framework()], evidence)


# --- the answers a completion may give ---------------------------------------------------------------


@cache
def read_facts() -> tuple[str, ...]:
    return tuple(sorted({p for rule in framework().rules for p in rule.facts}))


@cache
def numbers(path: str) -> tuple[int, ...]:
    """Numbers that try every stretch between the figures the rules compare this fact with (hours for a period)."""
    found = {0, 10**9}
    for leaf in (leaf for rule in framework().rules for leaf in rule.leaves if leaf.fact == path):
        if leaf.op in (Operator.AT_MOST, Operator.AT_LEAST):
            compared = [leaf.bound]
        else:
            compared = [v for v in leaf.values if isinstance(v, int) and not isinstance(v, bool)]
        found.update(m for n in compared for m in (n - 1, n, n + 1) if m >= 0)
    return tuple(sorted(found))


def answers(path: str, source: str, within: Amount | None = None) -> list[dict[str, Any]]:
    """Every answer tried for one open place, as a file writes it: established values, and not_applicable.

    ``within``: a count known within bounds, answered only by numbers inside them.
    """
    kind = catalogue()[path].kind
    values: list[Any]
    if issubclass(kind, Count):
        values = list(numbers(path))
        if within is not None:
            low, high = within.low or 0, within.high if within.high is not None else 10**12
            values = sorted({v for v in values if low <= v <= high} | {low, high, (low + high) // 2})
    elif issubclass(kind, Period):
        values = [{"hours": h} for h in numbers(path) if h < 10**9] + ["indefinite"]
    else:
        finite = kind.finite_answers()
        assert finite is not None, path
        values = list(finite)
    out = [{"value": v, "sources": [source], "standing": "established"} for v in values]
    if within is None:
        out.append({"value": "not_applicable", "reason": REASON})
    return out


def open_places(deployment: Deployment, evidence: str, secret_too: bool = False) -> dict[Place, Amount | None]:
    """The places a description leaves open at this evidence threshold, each with its bounds if it has any.

    Open: left out, unknown, a number within bounds, or a statement below the threshold (which reads as
    unknown). Undisclosed only with ``secret_too``.
    """
    out: dict[Place, Amount | None] = {}
    for path in read_facts():
        fact = get_fact(deployment, path)
        if fact is None:
            out[(path, None)] = None
            continue
        for side, statement in [(s, getattr(fact, s)) for s in SIDES] if fact.split else [(None, fact)]:
            if statement is None:  # the other side is read for both
                continue
            value = statement.value
            if not deployment.meets(statement, evidence) or value is Missing.UNKNOWN:
                out[(path, side)] = None
            elif isinstance(value, Amount):
                out[(path, side)] = value
            elif value is Missing.UNDISCLOSED and secret_too:
                out[(path, side)] = None
    return out


def place_answers(
    deployment: Deployment, place: Place, within: Amount | None, apart: bool = False
) -> list[dict[str, Any]]:
    """The answers tried for one place.

    With ``apart``, a fact nobody answered is also answered with law and practice apart (every pair).
    """
    single = answers(place[0], deployment.sources[0].id, within)
    if not apart or place[1] is not None or within is not None:
        return single
    return single + [{"law": a, "practice": b} for a, b in itertools.product(single, single) if a != b]


def _sides_matter(deployment: Deployment, rule: Rule) -> bool:
    """Whether answering law and practice apart could matter to a rule.

    It could when the rule names a side, or reads a fact whose law and practice differ; otherwise each side
    is one answer for the whole rule, and the worse side is one of those answers.
    """
    if any(leaf.aspect for leaf in rule.leaves):
        return True
    facts = [get_fact(deployment, p) for p in rule.facts]
    return any(f is not None and f.side("law") is not f.side("practice") for f in facts)


# --- completing a description --------------------------------------------------------------------------


def completed(deployment: Deployment, chosen: dict[Place, dict[str, Any]]) -> Deployment:
    """The description with each chosen place answered (built directly, for the rule-by-rule check)."""
    facts: dict[str, Fact | None] = {}
    for (path, side), answer in chosen.items():
        kind = catalogue()[path].kind
        statement = kind.model_validate(answer)
        if side is None:
            facts[path] = statement
        else:
            base = facts.get(path) or get_fact(deployment, path)
            assert base is not None
            facts[path] = base.model_copy(update={side: statement})
    sections: dict[str, dict[str, Any]] = {}
    for path, fact in facts.items():
        section, name = path.split(".")
        sections.setdefault(section, {})[name] = fact
    return deployment.model_copy(
        update={s: getattr(deployment, s).model_copy(update=new) for s, new in sections.items()}
    )


def completed_doc(doc: dict[str, Any], chosen: dict[Place, dict[str, Any]]) -> dict[str, Any]:
    """The description as a file, with each chosen place answered (for the whole audit)."""
    out = copy.deepcopy(doc)
    for (path, side), answer in chosen.items():
        section, name = path.split(".")
        if side is None:
            out.setdefault(section, {})[name] = answer
        else:
            out[section][name][side] = answer
    return out


# --- hiding and weakening facts ------------------------------------------------------------------------


def _exact_count(path: str, statement: Any) -> int | None:
    if not issubclass(catalogue()[path].kind, Count) or not isinstance(statement, dict):
        return None
    value = statement.get("value")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@st.composite
def weakened_statement(draw: st.DrawFn, path: str, statement: Any, whole: bool) -> Any:
    """One statement hidden or weakened, or kept; ``whole`` when it is a fact rather than one side of one."""
    known = isinstance(statement, dict) and statement.get("sources")
    actions = ["keep", "keep", "unknown", "not_applicable"]
    if known:
        actions.append("alleged")
    exact = _exact_count(path, statement)
    if exact is not None:
        actions.append("range")
    action = draw(st.sampled_from(actions))
    if action == "keep":
        return statement
    if action == "unknown":
        return "unknown" if whole else {"value": "unknown"}
    if action == "not_applicable":
        return {"value": "not_applicable", "reason": REASON}
    if action == "alleged":
        return {**statement, "standing": "alleged"}
    assert exact is not None
    below, above = draw(st.integers(0, exact)), draw(st.integers(0, 10**6))
    form = draw(st.sampled_from(["at_least", "at_most", "range", "about"]))
    bounds = {
        "at_least": {"at_least": exact - below},
        "at_most": {"at_most": exact + above},
        "range": {"at_least": exact - below, "at_most": exact + above},
        "about": {"about": exact},
    }[form]
    return {**statement, "value": bounds}


@st.composite
def weakened(draw: st.DrawFn) -> tuple[str, dict[str, Any], str]:
    """A bundled description with some facts hidden or weakened, and an evidence threshold."""
    name = draw(st.sampled_from(DESCRIPTIONS))
    evidence = draw(st.sampled_from(EVIDENCE))
    doc = original(name)
    for path in read_facts():
        section, field = path.split(".")
        statement = doc.get(section, {}).get(field)
        if statement is None:
            continue
        if isinstance(statement, dict) and ("law" in statement or "practice" in statement):
            for side in SIDES:
                if side in statement:
                    statement[side] = draw(weakened_statement(path, statement[side], whole=False))
        elif draw(st.integers(0, 9)) == 0:
            del doc[section][field]
        else:
            doc[section][field] = draw(weakened_statement(path, statement, whole=True))
    return name, doc, evidence


# --- the properties ------------------------------------------------------------------------------------


def _secret(deployment: Deployment, paths: tuple[str, ...]) -> bool:
    """Whether one of these facts is kept secret (undisclosed) on some side: it may leave a rule open."""
    for path in paths:
        fact = get_fact(deployment, path)
        sides = [] if fact is None else [getattr(fact, s) for s in SIDES] if fact.split else [fact]
        if any(s is not None and s.value is Missing.UNDISCLOSED for s in sides):
            return True
    return False


def check_every_answer(name: str, doc: dict[str, Any], evidence: str) -> None:
    """Rule by rule, every combination of answers to the open facts it reads gives a status it could be."""
    deployment, result = audited(doc, evidence)
    places = open_places(deployment, evidence)
    by_rule = {(f.framework, f.rule): f for f in result.findings}
    for rule in framework().rules:
        finding = by_rule[(framework().id, rule.id)]
        mine = [p for p in places if p[0] in rule.facts]
        apart = _sides_matter(deployment, rule)
        tried = [place_answers(deployment, p, places[p], apart) for p in mine]
        for combo in itertools.product(*tried):
            status = decide(rule, completed(deployment, dict(zip(mine, combo, strict=True))), evidence)[0]
            if status is Status.UNKNOWN and _secret(deployment, rule.facts):
                continue  # an undisclosed fact stays secret; the whole-audit property checks its range
            answered = dict(zip(mine, combo, strict=True))
            assert status in finding.possible, (name, evidence, rule.id, answered, finding.possible)


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_each_bundled_description_as_written(name: str, evidence: str) -> None:
    check_every_answer(name, original(name), evidence)


@SETTINGS
@given(weakened())
def test_every_answer_to_a_rules_open_facts_gives_a_status_it_could_be(case: tuple[str, dict[str, Any], str]) -> None:
    """The same, with facts hidden or weakened first: not_applicable included, every combination."""
    check_every_answer(*case)


# (description, weakened document, the same with every open place answered, evidence threshold)
Completion = tuple[str, dict[str, Any], dict[str, Any], str]


@st.composite
def completion(draw: st.DrawFn, secret_too: bool = False) -> Completion:
    """A weakened description and the same with every open place answered."""
    name, doc, evidence = draw(weakened())
    deployment = load(doc)
    places = open_places(deployment, evidence, secret_too)
    chosen = {}
    for place, bounds in places.items():
        single = st.sampled_from(place_answers(deployment, place, bounds))
        if issubclass(catalogue()[place[0]].kind, Count) and draw(st.integers(0, 2)) == 0:  # any number inside
            low = 0 if bounds is None or bounds.low is None else bounds.low
            high = bounds.high if bounds is not None and bounds.high is not None else low + 10**7
            number = draw(st.integers(low, high))
            chosen[place] = {"value": number, "sources": [deployment.sources[0].id], "standing": "established"}
        elif place[1] is None and bounds is None and draw(st.integers(0, 3)) == 0:  # law and practice apart
            chosen[place] = {"law": draw(single), "practice": draw(single)}
        else:
            chosen[place] = draw(single)
    return name, doc, completed_doc(doc, chosen), evidence


@SETTINGS
@given(completion())
def test_a_completed_description_lies_inside_every_bound(case: Completion) -> None:
    """Each rule's status, each principle's score and verdict, the score and the grade: inside the bounds."""
    name, doc, done, evidence = case
    _, before = audited(doc, evidence)
    after_deployment, after = audited(done, evidence)
    assert_within(after, before)
    for n, w in zip(after.findings, before.findings, strict=True):
        if n.status is not Status.UNKNOWN:
            assert n.status in w.possible, (name, evidence, n.rule, w.possible, n.status)
        else:  # only a secret can leave a rule open once everything else is answered
            assert _secret(after_deployment, tuple(n.missing)), (name, n.rule, n.missing)


@SETTINGS
@given(completion(secret_too=True))
def test_a_fully_known_description_has_exact_bounds(case: Completion) -> None:
    name, _, done, evidence = case
    _, result = audited(done, evidence)
    for finding in result.findings:
        assert finding.status is not Status.UNKNOWN and finding.possible == [finding.status], (name, finding.rule)
    for principle in result.principles:
        assert principle.verdict not in OPEN_VERDICTS, (name, principle.id)
        assert principle.score is None or principle.score.low == principle.score.high, (name, principle.id)
    assert result.score is None or result.score.low == result.score.high
    assert result.grade.low == result.grade.high


# --- what settles a range, worked out the plain way --------------------------------------------------------
# The audit shares work between principles and answers (each set of possible statuses scored once, the overall
# score tried once per distinct combination of the principles' ends); this works every answer out on its own.


def plain_answers(deployment: Deployment, result: AuditResult, evidence: str) -> tuple[dict[str, Any], ...]:
    """Per principle: its bounds now, and per open fact its bounds with the fact answered as each of its states."""
    states, _ = engine._fact_states(deployment, [framework()], lookup_for(deployment, evidence))
    by_rule = {f.rule: f for f in result.findings}
    out = []
    for principle in framework().principles:
        views = [(r.weight, frozenset(by_rule[r.id].possible), r.red_line or r.decisive) for r in principle.rules]
        chances = [possible(r, states) if by_rule[r.id].status is Status.UNKNOWN else None for r in principle.rules]
        answered = {}
        for path, tried in states.items():
            answered[path] = [
                principle_bounds(
                    [
                        (w, chance.by_fact[path].get(state, can) if chance and path in chance.by_fact else can, b)
                        for (w, can, b), chance in zip(views, chances, strict=True)
                    ],
                    framework().scoring,
                )
                for state in tried
            ]
        out.append({"now": principle_bounds(views, framework().scoring), "answered": answered})
    return tuple(out)


def _width(low: float | None, high: float | None) -> float:
    return 0.0 if low is None or high is None else high - low


def check_settling(doc: dict[str, Any], evidence: str) -> None:
    """Each principle's facts to settle and each question for the operator narrow and settle as worked out plainly."""
    deployment, result = audited(doc, evidence)
    plain = plain_answers(deployment, result, evidence)
    for principle, p in zip(result.principles, plain, strict=True):
        width = _width(p["now"].low, p["now"].high)
        expected = [
            (
                s.fact,
                round(max(width - _width(b.low, b.high) for b in p["answered"][s.fact]), 1),
                any(b.verdict is not p["now"].verdict for b in p["answered"][s.fact]),
            )
            for s in principle.to_settle
        ]
        assert [(s.fact, s.narrows, s.changes_verdict) for s in principle.to_settle] == expected, principle.id
    total = overall([p["now"] for p in plain])
    width = 0.0 if total is None else total[1] - total[0]
    for gap in result.information_gaps:
        afters = [
            overall([p["answered"][gap.fact][k] for p in plain]) for k in range(len(plain[0]["answered"][gap.fact]))
        ]
        narrows = max((width - (0.0 if a is None else a[1] - a[0]) for a in afters), default=0.0)
        settles = [
            principle.id
            for principle, p in zip(result.principles, plain, strict=True)
            if any(b.verdict is not p["now"].verdict for b in p["answered"][gap.fact])
        ]
        assert (gap.narrows, gap.settles) == (round(narrows, 1), settles), gap.fact


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_settling_each_bundled_description_as_written(name: str, evidence: str) -> None:
    check_settling(original(name), evidence)


@SETTINGS
@given(weakened())
def test_settling_matches_the_plain_computation(case: tuple[str, dict[str, Any], str]) -> None:
    """The same with facts hidden, weakened, or stated with law and practice apart."""
    _, doc, evidence = case
    check_settling(doc, evidence)
