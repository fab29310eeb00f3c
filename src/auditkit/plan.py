"""Plan an amendment: the fact changes, drawn from the rules' own conditions, that lift an audit to a target.

A step makes one rule met: it names the rule, the facts it changes (the
fewest that satisfy the rule's condition) and the rule's remedy, which is the
amendment clause that would bring the change about. The search is greedy with
pruning (docs/plan.md): at each step it takes the repair that gains most per
fact changed, stops when the target is reached, then drops every step the
target does not need. The plan is proved by writing the changed description
and auditing it again through the ordinary loader and engine.

Facts about past events (a documented leak, a misuse that happened, a court
review that took place) and the operator's own claims cannot be changed by an
amendment; rules that need them changed are reported as blocking.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, assert_never

from auditkit import scoring, summary
from auditkit.attribution import DEFAULT_EVIDENCE
from auditkit.engine import possible_statuses
from auditkit.model.catalog import catalogue
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Amount, Duration, Missing
from auditkit.model.result import AuditResult, Status, Verdict
from auditkit.rules.logic import _SEVERITY, Lookup, evaluate, lookup_for, rule_status, settled
from auditkit.rules.model import AllOf, AnyOf, Condition, Framework, Leaf, Limit, Not, Operator, Rule, Scalar

if TYPE_CHECKING:
    from auditkit.document import Document

SOURCE_ID = "proposed-amendment"
# Facts no clause can change: what already happened, and what the operator itself claims.
FIXED_FACTS = {
    "security.known_leaks": "a fact about past events",
    "minimisation.used_beyond_purposes": "a fact about past events",
    "fairness.misidentifications_documented": "a fact about past events",
    "transparency.effective_court_review": "a fact about what courts have done",
    "deidentification.claimed": "the operator's own claim",
}
VERDICT_TARGETS = {"met": Verdict.MET, "partially_met": Verdict.PARTIALLY_MET, "partly": Verdict.PARTIALLY_MET}
MAX_CANDIDATES = 16  # repairs considered per rule (an 'all' of 'any's multiplies; the bundled rules need 3)


@dataclass(frozen=True)
class Target:
    """What a plan must reach: a grade at least this good, and/or a verdict at least this good per principle."""

    grade: str | None = None
    principles: tuple[tuple[str, Verdict], ...] = ()

    def describe(self) -> str:
        """The target in words, as plans print it: 'grade B or better, P3 met'."""
        parts = [f"grade {self.grade} or better"] if self.grade else []
        parts += [f"{p} {v.value.replace('_', ' ')}" for p, v in self.principles]
        return ", ".join(parts)


def parse_target(values: list[str]) -> Target:
    """'--target B --target P3=met' -> Target; ValueError with what to write when a value is not understood."""
    grade, principles = None, []
    for value in values:
        if "=" in value:
            pid, _, verdict = value.partition("=")
            if verdict.strip().lower() not in VERDICT_TARGETS:
                raise ValueError(f"'{value}': a principle target is P3=met or P3=partially_met")
            principles.append((pid.strip(), VERDICT_TARGETS[verdict.strip().lower()]))
        elif value.strip().upper() in ("A", "B", "C", "D", "E"):
            grade = value.strip().upper()
        else:
            raise ValueError(f"'{value}' is not a target; write a grade (A-E) or a principle target such as P3=met")
    return Target(grade=grade, principles=tuple(principles))


@dataclass(frozen=True)
class Outcome:
    """A quick audit: statuses, principle verdicts, score, grade and red lines (no findings text).

    ``score`` and ``grade`` are the low end of the range (what the facts guarantee): a plan must reach its
    target whatever the facts it leaves unknown turn out to be.
    """

    statuses: dict[str, Status]
    verdicts: dict[str, Verdict]
    score: float | None
    grade: str
    red_lines: tuple[str, ...]
    scores: dict[str, scoring.PrincipleBounds] = field(default_factory=dict)  # principle id -> bounds
    possible: dict[str, frozenset[Status]] = field(default_factory=dict)  # rule id -> statuses it could take


def quick_audit(
    frameworks: list[Framework], lookup: Lookup, previous: Outcome | None = None, changed: frozenset[str] = frozenset()
) -> Outcome:
    """What engine.audit decides, without building its findings: fast enough to try hundreds of changes.

    With ``previous`` (the outcome before ``changed`` facts changed), only the rules that read those facts
    are evaluated again.
    """
    statuses: dict[str, Status] = {}
    possible: dict[str, frozenset[Status]] = {}
    verdicts: dict[str, Verdict] = {}
    scores: dict[str, scoring.PrincipleBounds] = {}
    red: list[str] = []
    red_open = False
    for framework in frameworks:
        for principle in framework.principles:
            unchanged = previous is not None and all(changed.isdisjoint(_reads(r)) for r in principle.rules)
            views: list[scoring.RuleView] = []
            for rule in principle.rules:
                if previous is not None and changed.isdisjoint(_reads(rule)):
                    status, can = previous.statuses[rule.id], previous.possible[rule.id]
                else:
                    status = _status(rule, lookup)
                    can = (
                        possible_statuses(rule, lookup, frameworks, lookup.law if isinstance(lookup, Facts) else None)
                        if status is Status.UNKNOWN
                        else frozenset({status})
                    )
                statuses[rule.id], possible[rule.id] = status, can
                views.append((rule.weight, can, rule.red_line or rule.decisive))
                if rule.red_line and status is Status.NOT_MET:
                    red.append(rule.id)
                elif rule.red_line and Status.NOT_MET in can:
                    red_open = True
            if unchanged and previous is not None:
                scores[principle.id] = previous.scores[principle.id]
            else:
                scores[principle.id] = scoring.principle_bounds(views, framework.scoring)
            verdicts[principle.id] = scores[principle.id].verdict
    total = scoring.overall(list(scores.values()))
    grade, _, _ = scoring.grade_range(total, bool(red), red_open, frameworks[0].scoring)
    return Outcome(
        statuses=statuses,
        verdicts=verdicts,
        score=None if total is None else total[0],
        grade=grade,
        red_lines=tuple(red),
        scores=scores,
        possible=possible,
    )


def _status(rule: Rule, lookup: Lookup) -> Status:
    """A rule's status as engine.decide gives it.

    Over both sides of facts stating law and practice, the worse; a rule left open only by facts answered
    not_applicable does not apply.
    """
    views = [settled(*rule_status(rule, lookup))]
    if isinstance(lookup, Facts) and not _reads(rule).isdisjoint(lookup.law):
        # the law view; a condition that names a side (aspect: practice) reads that side in either view
        views.insert(0, settled(*rule_status(rule, lambda p, side=None: lookup(p, side or "law"))))
    return min(views, key=lambda v: _SEVERITY[v[0]])[0]


def _worse_side(rule: Rule, lookup: Facts) -> Lookup:
    """The lookup of the side (law or practice) that gives ``rule`` its status: the one to repair."""
    if _reads(rule).isdisjoint(lookup.law):
        return lookup

    def law(path: str, side: str | None = None) -> Any:  # a condition may name its side (aspect)
        return lookup(path, side or "law")

    sides: tuple[Lookup, ...] = (law, lookup)
    return min(sides, key=lambda side: _SEVERITY[rule_status(rule, side)[0]])


_READS: dict[int, frozenset[str]] = {}


def _reads(rule: Rule) -> frozenset[str]:
    """The facts a rule reads, worked out once per rule object."""
    key = id(rule)
    if key not in _READS:
        _READS[key] = frozenset(rule.facts)
    return _READS[key]


def reached(outcome: Outcome, target: Target) -> bool:
    """Whether an outcome's grade and every principle's verdict are at least as good as the target asks."""
    if target.grade and summary.grade_rank(outcome.grade) > summary.grade_rank(target.grade):
        return False
    for pid, wanted in target.principles:
        got = outcome.verdicts.get(pid)
        if got is None or summary.VERDICT_RANK[got] > summary.VERDICT_RANK[wanted]:
            return False
    return True


def progress(outcome: Outcome, target: Target) -> float:
    """How close an outcome is to the target: principle targets met, then red lines cleared, then the score."""
    met = sum(
        1
        for pid, wanted in target.principles
        if pid in outcome.verdicts and summary.VERDICT_RANK[outcome.verdicts[pid]] <= summary.VERDICT_RANK[wanted]
    )
    return 1000.0 * met - 200.0 * len(outcome.red_lines) + (outcome.score or 0.0) + 300.0 * reached(outcome, target)


# --- repairs: the fact changes that make one rule met -------------------------------------------------------

#: A value a repair gives a fact: one a condition compares it with (yes/no, a choice, a count or a period).
Answer = Scalar | Limit
#: Fact path -> the answer a repair gives it.
Assignment = dict[str, Answer]


def _leaf_repairs(leaf: Leaf, value: Any, wanted: dict[str, list[Answer]]) -> list[Assignment]:
    path = leaf.fact
    known = value is not None and not isinstance(value, Missing)
    if known and evaluate(leaf, lambda *_: value).value is True:  # a number within bounds or a period, too
        return [{}]
    match leaf.op:
        case Operator.DISCLOSED:  # disclose it, at the value the other rules ask for
            return [{path: v} for v in wanted.get(path, [])]
        case Operator.IS | Operator.IN:
            return [{path: v} for v in leaf.values]
        case Operator.AT_MOST | Operator.AT_LEAST:
            return [{path: leaf.limit}]  # a count, or a Duration that the engine compares as the file's period
        case _:
            assert_never(leaf.op)


def _negated_leaf(leaf: Leaf, value: Any) -> list[Assignment]:
    """Assignments that make a leaf false: another answer, where a fact has finitely many (yes/no, a choice)."""
    answers = catalogue()[leaf.fact].kind.finite_answers()
    if answers is None or leaf.op not in (Operator.IS, Operator.IN):
        return []
    known = value is not None and not isinstance(value, Missing)
    return [{}] if known and value not in leaf.values else [{leaf.fact: a} for a in answers if a not in leaf.values]


def repairs(cond: Condition, lookup: Lookup, wanted: dict[str, list[Answer]], negate: bool = False) -> list[Assignment]:
    """Minimal assignments of facts that make ``cond`` true (or false with ``negate``), given the current facts."""
    match cond:
        case Not(part):
            return repairs(part, lookup, wanted, not negate)
        case AllOf(parts) | AnyOf(parts):
            children = [repairs(c, lookup, wanted, negate) for c in parts]
            if isinstance(cond, AllOf) != negate:  # every part must hold
                out: list[Assignment] = [{}]
                for options in children:
                    merged = []
                    for base, extra in itertools.product(out, options):
                        if all(base.get(k, v) == v for k, v in extra.items()):
                            merged.append({**base, **extra})
                    out = _minimal(merged)[:MAX_CANDIDATES]
                return out
            return _minimal([a for options in children for a in options])
        case Leaf():
            value = lookup(cond.fact) if cond.aspect is None else lookup(cond.fact, cond.aspect)
            return _negated_leaf(cond, value) if negate else _leaf_repairs(cond, value, wanted)
        case _:
            assert_never(cond)


def _minimal(options: list[Assignment]) -> list[Assignment]:
    """Drop assignments that contain another one, and duplicates; fewest changes first."""
    unique = {tuple(sorted(a.items(), key=str)): a for a in options}
    ordered = sorted(unique.values(), key=lambda a: (len(a), sorted(map(str, a.items()))))
    kept: list[Assignment] = []
    for option in ordered:
        if not any(all(option.get(k) == v and k in option for k, v in small.items()) for small in kept):
            kept.append(option)
    return kept


def _wanted_values(frameworks: list[Framework]) -> dict[str, list[Answer]]:
    """For each fact, the values the rules' met conditions ask of it (used when a rule only asks to disclose it)."""
    out: dict[str, list[Answer]] = {}
    for rule in (r for fw in frameworks for r in fw.rules):
        for assignment in repairs(rule.met_when, lambda *_: None, {}):
            for path, value in assignment.items():
                if value not in out.setdefault(path, []):
                    out[path].append(value)
    return out


def rule_repairs(rule: Rule, lookup: Lookup, wanted: dict[str, list[Answer]]) -> tuple[list[Assignment], str | None]:
    """The allowed repairs of a rule, and why there are none when there are none."""
    options = repairs(rule.met_when, lookup, wanted)
    if rule.applies_when is not None:
        applies = repairs(rule.applies_when, lookup, wanted)
        options = _minimal(
            [{**a, **m} for a, m in itertools.product(applies, options) if all(a.get(k, v) == v for k, v in m.items())]
        )
    allowed = [a for a in options if not any(p in FIXED_FACTS and lookup(p) != v for p, v in a.items())]
    if allowed:
        return allowed, None
    fixed = sorted({p for a in options for p in a if p in FIXED_FACTS})
    if fixed:
        return [], "; ".join(
            f"it needs {p} to change, and that is {FIXED_FACTS[p]}, which no amendment can change" for p in fixed
        )
    return [], "it asks for facts to be disclosed whose value no rule fixes"


# --- the search ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One fact a step changes: before and after in words, and the new value the changed description writes."""

    path: str
    label: str
    before: str
    after: str
    value: Answer


@dataclass(frozen=True)
class Step:
    """One clause of the plan: the rule it makes met, its fact changes, and the grade and score after it."""

    rule: str
    title: str
    principle: str
    red_line: bool
    changes: tuple[Change, ...]
    clause: str
    grade_after: str = ""
    score_after: str = ""


@dataclass
class Plan:
    """A plan as found, then as proved by auditing the changed description again (``proof``, ``after_yaml``)."""

    target: Target
    before: Outcome
    after: Outcome
    reached: bool
    steps: list[Step]
    blockers: list[tuple[str, str]] = field(default_factory=list)  # (rule id, why it cannot be repaired)
    proof: AuditResult | None = None
    after_yaml: bytes = b""

    @property
    def before_score(self) -> str:
        """The score before, in words: the low end of its range (what the facts guarantee)."""
        return summary.bounds_text(self.before.score, self.before.score)

    @property
    def after_grade(self) -> str:
        """The grade after the plan: the proof's (a range when the facts leave it open), else the search's."""
        return summary.grade_text(self.proof) if self.proof else self.after.grade

    @property
    def after_score(self) -> str:
        """The score after the plan, as the proof gives it; empty before the proof."""
        return summary.score_text(self.proof) if self.proof else ""

    @property
    def fact_changes(self) -> int:
        """How many facts the steps change in all."""
        return sum(len(s.changes) for s in self.steps)


class Facts:
    """The facts as the plan reads them.

    Each fact's value at the evidence level (the practice side of a fact stating law and practice), the law
    side where it differs. A fact answered not_applicable reads as that answer (``logic.settled``).
    """

    def __init__(self, values: Any, law: dict[str, object]) -> None:
        self.values, self.law = values, law

    def __call__(self, path: str, side: str | None = None) -> Any:
        """A fact's value, as the rules' lookup is called; side 'law' gives the law side where it differs."""
        return self.law[path] if side == "law" and path in self.law else self.values(path)

    @classmethod
    def of(cls, deployment: Deployment, evidence: str) -> Facts:
        """The facts of a description, read as the audit reads them at ``evidence``."""
        look = lookup_for(deployment, evidence)
        values = {path: look(path) for path in catalogue()}
        law = {p: v for p in catalogue() if (v := look(p, "law")) != values[p]}
        return cls(values.get, law)


def _overlay(facts: Facts, overrides: Assignment) -> Facts:
    """The facts with ``overrides`` in place of what the description says.

    A changed fact is one plain statement: the same in law and practice, and no longer not_applicable.
    """
    base = facts.values
    return Facts(
        lambda path: overrides[path] if path in overrides else base(path),
        {p: v for p, v in facts.law.items() if p not in overrides},
    )


def _describe(path: str, value: Any) -> str:
    """A fact's value in a plan's words: as reports describe it, or not stated, undisclosed, unknown."""
    if value is None:
        return "not stated"
    if value is Missing.UNDISCLOSED:
        return "undisclosed"
    if value is Missing.UNKNOWN:
        return "unknown"
    return catalogue()[path].describe(value)


def _describe_before(facts: Facts, path: str) -> str:
    """A fact before the change: both sides when it states law and practice apart."""
    if path in facts.law:
        return f"{_describe(path, facts(path, 'law'))} in law, {_describe(path, facts(path))} in practice"
    return _describe(path, facts(path))


def search(
    deployment: Deployment, frameworks: list[Framework], target: Target, evidence: str = DEFAULT_EVIDENCE
) -> Plan:
    """Greedy search with pruning for the fewest repairs that reach ``target`` (see the module docstring).

    Facts are read as the audit reads them at ``evidence``: a fact below it counts as unknown, and a fact
    stating law and practice counts by its worse side.
    """
    base = Facts.of(deployment, evidence)
    rules = {r.id: r for fw in frameworks for r in fw.rules}
    wanted = _wanted_values(frameworks)
    start = quick_audit(frameworks, base)
    chosen: list[tuple[str, Assignment]] = []
    overrides: Assignment = {}
    current = start
    blockers: dict[str, str] = {}
    while not reached(current, target):
        best = _best_step(current, _overlay(base, overrides), overrides, rules, wanted, frameworks, target, blockers)
        if best is None:
            break
        rule_id, change, current = best
        chosen.append((rule_id, change))
        overrides.update(change)
    done = reached(current, target)
    if done:
        chosen = _prune(chosen, base, frameworks, target)
    chosen = _by_effect(chosen, base, frameworks, target)
    steps, overrides = _steps(chosen, base, rules, frameworks)
    final = quick_audit(frameworks, _overlay(base, overrides))
    blocking = [] if done else _blocking(blockers, final, target, rules)
    return Plan(target=target, before=start, after=final, reached=done, steps=steps, blockers=blocking)


def _best_step(
    current: Outcome,
    facts: Facts,
    overrides: Assignment,
    rules: dict[str, Rule],
    wanted: dict[str, list[Answer]],
    frameworks: list[Framework],
    target: Target,
    blockers: dict[str, str],
) -> tuple[str, Assignment, Outcome] | None:
    """The repair that gains most per fact changed, with its rule and outcome; None when none gains.

    ``facts`` are the description's with ``overrides`` (the changes taken so far) in place; a repair
    may not undo one of them. Each rule that cannot be repaired is noted in ``blockers`` with why.
    """
    best: tuple[tuple[float, int], str, Assignment, Outcome] | None = None
    for rule_id, status in current.statuses.items():
        if status in (Status.MET, Status.NOT_APPLICABLE):
            continue
        view = _worse_side(rules[rule_id], facts)
        options, why = rule_repairs(rules[rule_id], view, wanted)
        if why:
            blockers[rule_id] = why
        for option in options:
            change = {p: v for p, v in option.items() if view(p) != v or p in facts.law}
            if not change or any(p in overrides and overrides[p] != v for p, v in change.items()):
                continue
            outcome = quick_audit(frameworks, _overlay(facts, change), current, frozenset(change))
            gain = (progress(outcome, target) - progress(current, target)) / len(change)
            key = (gain, -len(change))
            if gain > 0 and (best is None or key > best[0]):
                best = (key, rule_id, change, outcome)
    return None if best is None else best[1:]


def _steps(
    chosen: list[tuple[str, Assignment]], base: Facts, rules: dict[str, Rule], frameworks: list[Framework]
) -> tuple[list[Step], Assignment]:
    """The chosen repairs as steps, each with its changes in words and the grade and score after it.

    Also returns every change the steps make together.
    """
    steps: list[Step] = []
    overrides: Assignment = {}
    for rule_id, change in chosen:
        rule = rules[rule_id]
        before = _overlay(base, dict(overrides))
        overrides = {**overrides, **change}
        outcome = quick_audit(frameworks, _overlay(base, overrides))
        steps.append(
            Step(
                rule=rule.id,
                title=rule.title,
                principle=rule.principle,
                red_line=rule.red_line,
                clause=rule.remedy,
                changes=tuple(
                    Change(
                        path=p,
                        label=catalogue()[p].label,
                        before=_describe_before(before, p),
                        after=_describe(p, v),
                        value=v,
                    )
                    for p, v in change.items()
                ),
                grade_after=outcome.grade,
                score_after=summary.bounds_text(outcome.score, outcome.score),
            )
        )
    return steps, overrides


def _blocking(
    blockers: dict[str, str], final: Outcome, target: Target, rules: dict[str, Rule]
) -> list[tuple[str, str]]:
    """The rules that cannot be repaired and that the missed part of the target needs, with why."""
    missed = {
        pid
        for pid, wanted in target.principles
        if summary.VERDICT_RANK.get(final.verdicts.get(pid, Verdict.NOT_MET), 9) > summary.VERDICT_RANK[wanted]
    }
    grade_missed = bool(target.grade) and summary.grade_rank(final.grade) > summary.grade_rank(target.grade or "F")
    return [
        (r, why)
        for r, why in sorted(blockers.items())
        if final.statuses.get(r) not in (Status.MET, Status.NOT_APPLICABLE)
        and (grade_missed or rules[r].principle in missed)
    ]


def _prune(
    chosen: list[tuple[str, Assignment]], base: Facts, frameworks: list[Framework], target: Target
) -> list[tuple[str, Assignment]]:
    """Drop, latest first, every step without which the target is still reached."""
    kept = list(chosen)
    for step in reversed(chosen):
        trial = [s for s in kept if s is not step]
        merged: Assignment = {}
        for _, change in trial:
            merged.update(change)
        if reached(quick_audit(frameworks, _overlay(base, merged)), target):
            kept = trial
    return kept


def _by_effect(
    chosen: list[tuple[str, Assignment]], base: Facts, frameworks: list[Framework], target: Target
) -> list[tuple[str, Assignment]]:
    """The same steps, ordered so that each one taken next gains the most (ties: the order found)."""
    left, ordered, merged = list(chosen), [], Assignment()
    while left:

        def gain(step: tuple[str, Assignment]) -> float:
            return progress(quick_audit(frameworks, _overlay(base, {**merged, **step[1]})), target)

        best = max(left, key=gain)  # max keeps the first of equal gains
        left.remove(best)
        ordered.append(best)
        merged.update(best[1])
    return ordered


# --- the changed description, and the proof --------------------------------------------------------------


def changed_description(deployment: Deployment, plan: Plan) -> dict[str, Any]:
    """The description with the plan's fact changes, each citing the proposed amendment as its source."""
    data: dict[str, Any] = deployment.model_dump(mode="json", exclude_none=True)
    date = deployment.deployment.audit_date or max((s.date for s in deployment.sources), default="2020")
    name = deployment.deployment.name
    sources = [s for s in data.get("sources", []) if s.get("id") != SOURCE_ID]
    sources.append(
        {
            "id": SOURCE_ID,
            "publisher": "auditkit plan (not an adopted text)",
            "title": f"Proposed amendment to {name}: {plan.target.describe()}",
            "date": date,
            "note": "The clauses of this plan, should they be adopted; nothing here has been adopted.",
        }
    )
    data["sources"] = sources
    for step in plan.steps:
        for change in step.changes:
            section, fact = change.path.split(".", 1)
            data.setdefault(section, {})[fact] = {
                "value": change.value.as_data() if isinstance(change.value, Amount | Duration) else change.value,
                "sources": [SOURCE_ID],
                "note": f"as the clause proposed for {step.rule} would require",
            }
    return data


def prove(deployment: Deployment, plan: Plan, frameworks: list[Framework], evidence: str = DEFAULT_EVIDENCE) -> Plan:
    """Write the changed description as YAML, load it as any file is loaded, audit it and check the target."""
    import yaml

    from auditkit.engine import audit
    from auditkit.model.load import parse_deployment

    text = yaml.safe_dump(changed_description(deployment, plan), sort_keys=False, allow_unicode=True, width=100)
    raw = (
        "# Written by 'auditkit plan': the description as it would be if the plan's clauses were adopted.\n" + text
    ).encode("utf-8")
    loaded = parse_deployment(raw, "after.yaml")
    result = audit(loaded, frameworks, evidence)
    if {f.rule: f.status for f in result.findings} != plan.after.statuses:  # the quick audit and the engine agree
        raise AssertionError("the re-audit of the changed description differs from the plan's own evaluation")
    return Plan(
        target=plan.target,
        before=plan.before,
        after=plan.after,
        reached=plan.reached and _result_reaches(result, plan.target),
        steps=plan.steps,
        blockers=plan.blockers,
        proof=result,
        after_yaml=raw,
    )


def _result_reaches(result: AuditResult, target: Target) -> bool:
    worst, _ = summary.grades(result)
    if target.grade and summary.grade_rank(worst) > summary.grade_rank(target.grade):
        return False
    verdicts = {p.id: p.verdict for p in result.principles}
    return all(
        pid in verdicts and summary.VERDICT_RANK[verdicts[pid]] <= summary.VERDICT_RANK[v]
        for pid, v in target.principles
    )


def make_plan(
    deployment: Deployment, frameworks: list[Framework], target: Target, evidence: str = DEFAULT_EVIDENCE
) -> Plan:
    """Search for a plan that reaches ``target``, then prove it by auditing the changed description."""
    return prove(deployment, search(deployment, frameworks, target, evidence), frameworks, evidence)


# --- output ------------------------------------------------------------------------------------------------


def view(plan: Plan, name: str) -> dict[str, Any]:
    """The plan as JSON data (``auditkit plan --format json``); the grade and score after come from the proof."""
    proof = plan.proof
    return {
        "programme": name,
        "target": plan.target.describe(),
        "reached": plan.reached,
        "before": {
            "grade": plan.before.grade,
            "score": plan.before_score,
            "red_lines": list(plan.before.red_lines),
        },
        "after": {
            "grade": plan.after_grade,
            "score": plan.after_score,
            "red_lines": list(proof.red_lines_crossed) if proof else list(plan.after.red_lines),
        },
        "steps": [
            {
                "rule": s.rule,
                "title": s.title,
                "principle": s.principle,
                "red_line": s.red_line,
                "changes": [{"fact": c.path, "label": c.label, "from": c.before, "to": c.after} for c in s.changes],
                "clause": s.clause,
                "grade_after": s.grade_after,
                "score_after": s.score_after,
            }
            for s in plan.steps
        ],
        "fact_changes": plan.fact_changes,
        "blockers": [{"rule": r, "why": why} for r, why in plan.blockers],
    }


def document(plan: Plan, name: str, date: str | None) -> Document:
    """The plan as a document (text, Markdown, HTML or PDF): the target, each step's changes and clause, blockers."""
    from auditkit.document import Block, Bullets, Document, Heading, Para

    target, steps, changes = plan.target.describe(), len(plan.steps), plan.fact_changes
    blocks: list[Block] = []
    if plan.reached:
        blocks.append(
            Para(
                f"Target: {target}. Reached with {steps} clause"
                f"{'s' if steps != 1 else ''} changing {changes} fact"
                f"{'s' if changes != 1 else ''}: grade {plan.before.grade} -> "
                f"{plan.after_grade}, score {plan.before_score} -> {plan.after_score}. "
                "Proved by auditing the changed description again."
            )
        )
    else:
        blocks.append(
            Para(
                f"Target: {target}. No set of changes drawn from the rules reaches it; the best "
                f"found gives grade {plan.after_grade}, score {plan.after_score}."
            )
        )
    for i, step in enumerate(plan.steps, start=1):
        red = ", red line" if step.red_line else ""
        blocks.append(Heading(f"Step {i}: {step.rule} {step.title}{red}"))
        blocks.append(
            Bullets(
                tuple(f"{c.label[:1].upper()}{c.label[1:]} ({c.path}): {c.before} -> {c.after}" for c in step.changes)
            )
        )
        blocks.append(Para(step.clause, strong="Clause:"))
        blocks.append(Para(f"After this step: grade {step.grade_after}, score {step.score_after}."))
    if plan.blockers:
        blocks.append(Heading("What blocks the target"))
        blocks.append(Bullets(tuple(f"{rule}: {why}." for rule, why in plan.blockers)))
    blocks.append(
        Para(
            "A plan changes facts as the proposed clauses would require; it does not say the "
            "operator would comply. The method and its limits: docs/plan.md.",
            strong="Note.",
        )
    )
    return Document(
        title=f"Amendment plan: {name}",
        blocks=blocks,
        date=date,
        subject=f"Clauses that would lift the audit of {name} to {target}",
    )
