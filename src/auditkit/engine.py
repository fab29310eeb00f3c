"""Evaluate a deployment against one or more frameworks into an AuditResult."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditkit import __version__, scoring
from auditkit.attribution import DEFAULT_EVIDENCE, attribute, weakest
from auditkit.errors import InputError, Problem
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import CONTRACTOR_ROLES, HIRED_BY_REPORT, INSTRUMENT_TYPES, Deployment
from auditkit.model.facts import Amount, Cite, Duration, Fact, Missing, Standing
from auditkit.model.kinds import YesNo
from auditkit.model.load import LoadedDeployment
from auditkit.model.result import (
    AuditResult,
    ContractorInfo,
    DeploymentInfo,
    FactText,
    FactUsed,
    Finding,
    FrameworkRef,
    GradeRange,
    InformationGap,
    InstrumentInfo,
    PrincipleResult,
    RequirementLine,
    ScoreRange,
    SettlingFact,
    SourceInfo,
    Status,
    Verdict,
    principle_key,
)
from auditkit.model.scoring import Scoring
from auditkit.rules.bounds import Plain, Possible, State, answers, possible, sided
from auditkit.rules.bounds import states as bounds_states
from auditkit.rules.logic import Outcome, decide, explanation, lookup_for, not_applicable, rule_status, word_lines
from auditkit.rules.model import Framework, Principle, Rule

# Statuses from best to worst for a principle's score: not applicable sits between, as it leaves the rule out.
RANK = {Status.MET: 0, Status.PARTIAL: 1, Status.NOT_APPLICABLE: 2, Status.UNKNOWN: 3, Status.NOT_MET: 4}


def audit(loaded: LoadedDeployment, frameworks: list[Framework], evidence: str = DEFAULT_EVIDENCE) -> AuditResult:
    """Audit one validated deployment against the given frameworks.

    ``evidence``: the weakest standing (established, reported, alleged) a fact may have and still decide rules.
    """
    _check_unique_ids(frameworks)
    deployment = loaded.deployment
    lookups = {side: _remembered(lookup_for(deployment, evidence, side)) for side in (None, "law", "practice")}
    states, split = _fact_states(deployment, frameworks, lookups[None])
    shown = _Shown(deployment, evidence)
    findings: list[Finding] = []
    principles: list[PrincipleResult] = []
    cited: dict[str, None] = {}
    gaps: dict[str, dict[str, dict[str, None]]] = {}
    red_lines: list[str] = []
    red_open: list[str] = []
    opened: list[_Open] = []
    several = len(frameworks) > 1
    for framework in frameworks:
        for principle in framework.principles:
            key = principle_key(framework.id, principle.id, several=several)
            views: list[scoring.RuleView] = []
            chances: list[Possible | None] = []
            statuses: list[Status] = []
            missing: dict[str, None] = {}
            for rule in principle.rules:
                status, outcome = _decide(rule, deployment, evidence, lookups, split)
                chance = possible(rule, states) if status is Status.UNKNOWN else None
                can = chance.statuses if chance is not None else frozenset({status})
                finding = _finding(rule, framework.id, status, outcome, shown, can)
                findings.append(finding)
                views.append((rule.weight, can, rule.red_line or rule.decisive))
                chances.append(chance)
                statuses.append(status)
                for source in finding.sources:
                    cited.setdefault(source, None)
                if rule.red_line and status is Status.NOT_MET:
                    red_lines.append(rule.id)
                elif rule.red_line and Status.NOT_MET in can:
                    red_open.append(rule.id)
                for path in finding.missing:
                    if not_applicable(deployment, path, evidence):
                        continue
                    missing.setdefault(path, None)
                    entry = gaps.setdefault(path, {"principles": {}, "rules": {}})
                    entry["principles"].setdefault(key, None)
                    entry["rules"].setdefault(rule.id, None)
            item, result = _judged(framework, principle, key, views, chances, statuses, list(missing), states)
            opened.append(item)
            principles.append(result)
    sources = _sources(deployment, cited)
    findings = attribute(findings, sources)
    method = frameworks[0].scoring
    total = scoring.overall([o.bounds for o in opened])
    low, high, capped = scoring.grade_range(total, bool(red_lines), bool(red_open), method)
    info = deployment.deployment
    all_statuses = [f.status for f in findings]
    return AuditResult(
        auditkit_version=__version__,
        input_file=loaded.file.rsplit("/", 1)[-1],
        input_sha256=loaded.sha256,
        frameworks=[FrameworkRef(id=f.id, title=f.title, version=f.version, source=dict(f.source)) for f in frameworks],
        deployment=DeploymentInfo(**info.model_dump()),
        score=None if total is None else ScoreRange(low=total[0], high=total[1]),
        grade=GradeRange(low=low, high=high),
        grade_capped=capped,
        red_lines_crossed=red_lines,
        red_lines_open=red_open,
        counts={s.value: all_statuses.count(s) for s in Status},
        principles=principles,
        findings=findings,
        information_gaps=_gaps(gaps, deployment, opened, evidence),
        sources=sources,
        fact_texts=_fact_texts(findings, principles),
        scoring=method,
        evidence=evidence,
        programme_kind=[row for path in PROGRAMME_KIND if shown.known(path) for row in shown.rows(path, True)],
        instruments=_instruments(deployment),
        contractors=_contractors(deployment),
    )


def _keep(memo: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """Keep ``value`` in a memo that outlives a description, emptying it first when it holds ``limit`` entries."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value


# Each principle's bounds and result, by (framework, principle, its key in the result, its rules' statuses,
# its missing facts, the states of the facts its undecided rules read). They are a pure function of those and
# the rule set, so descriptions alike in a principle share them, and the answers tried for its facts to settle
# (worked out when first asked for). Real descriptions are often alike there: a principle whose rules are
# open on facts nobody has published looks the same from one programme to the next (30 of the 81 principles
# of the nine bundled descriptions and format-2 fixtures repeat one seen before). Bounded: emptied at
# JUDGED_LIMIT entries (about 8 KiB each with the answers filled in, so ~16 MB at most).
JUDGED_LIMIT = 2_000
_JUDGED: dict[tuple[Any, ...], tuple[Framework, Principle, _Open, PrincipleResult]] = {}


def _judged(
    framework: Framework,
    principle: Principle,
    key: str,
    views: list[scoring.RuleView],
    chances: list[Possible | None],
    statuses: list[Status],
    missing: list[str],
    states: dict[str, tuple[State, ...]],
) -> tuple[_Open, PrincipleResult]:
    """A principle's bounds (with how its open facts move them) and its result, from its rules' statuses."""
    read = {p: states[p] for rule, chance in zip(principle.rules, chances, strict=True) if chance for p in rule.facts}
    memo = (id(framework), id(principle), key, tuple(statuses), tuple(missing), tuple(read.values()))
    hit = _JUDGED.get(memo)
    if hit is not None and hit[0] is framework and hit[1] is principle:
        return hit[2], hit[3]
    bounds = scoring.principle_bounds(views, framework.scoring)
    item = _Open(key, framework.scoring, views, chances, bounds, read, missing)
    breaches = [
        f"red line {r.id}" if r.red_line else f"decisive rule {r.id}"
        for r, (_, can, breaks) in zip(principle.rules, views, strict=True)
        if breaks and can == {Status.NOT_MET}
    ]
    result = PrincipleResult(
        framework=framework.id,
        id=principle.id,
        title=principle.title,
        demand=principle.demand,
        source_locator=principle.source_locator,
        score=_range(bounds.low, bounds.high),
        verdict=bounds.verdict,
        verdict_reason=_reason(bounds, breaches, item, framework.scoring),
        applies=bounds.applies,
        coverage=_coverage(statuses, principle.rules),
        counts={s.value: statuses.count(s) for s in Status},
        to_settle=item.settling() if bounds.verdict in OPEN_VERDICTS else [],
    )
    _keep(_JUDGED, memo, (framework, principle, item, result), JUDGED_LIMIT)  # alive, so their ids stay theirs
    return item, result


# Rule statuses by (rule, sides read, the value each of its tests reads at the evidence threshold, with its type,
# since an answer such as Missing.UNKNOWN equals its text). A status and the facts it rests on are a pure
# function of the rule and those values, as the rule's possible statuses are of its facts' states
# (rules.bounds.possible). Real descriptions share many: of the 522 rule readings of the nine bundled
# descriptions and format-2 fixtures, 289 repeat one seen before (yes/no answers, choices and unknowns
# recur). Bounded: emptied at DECIDED_LIMIT entries (under 1 KiB each).
DECIDED_LIMIT = 20_000
_DECIDED: dict[tuple[Any, ...], tuple[Rule, tuple[Status, Outcome]]] = {}


def _decide(
    rule: Rule, deployment: Deployment, evidence: str, lookups: dict[str | None, Any], split: frozenset[str]
) -> tuple[Status, Outcome]:
    """``logic.decide``, kept for the values the rule reads (see _DECIDED)."""
    sides = ("law", "practice") if not split.isdisjoint(rule.facts) else (None,)
    read = []
    for side in sides:
        lookup = lookups[side]
        for path, aspect in _text(rule).reads:
            value = lookup(path, aspect)
            read.append((type(value), value))
    key = (id(rule), sides, tuple(read))
    hit = _DECIDED.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    decided = decide(rule, deployment, evidence, lookups, split)
    _keep(_DECIDED, key, (rule, decided), DECIDED_LIMIT)  # keeping the rule alive keeps its id from being reused
    return decided


#: The facts a report words the programme with (the cover): what technology, and who runs it.
PROGRAMME_KIND = ("scope.technology_kind", "legality.operator_kind")


def _pins(cites: tuple[Cite, ...]) -> dict[str, str]:
    return {c.id: c.at for c in cites if c.at}


def _instruments(deployment: Deployment) -> list[InstrumentInfo]:
    """The listed instruments, with their type in words, for the report to print."""
    return [
        InstrumentInfo(
            id=i.id,
            type=i.type,
            type_text=INSTRUMENT_TYPES[i.type],
            title=i.title,
            adopted_by=i.adopted_by,
            date=i.date,
            publication=i.publication,
            sources=[c.id for c in i.sources],
            pinpoints=_pins(i.sources),
            note=i.note,
        )
        for i in deployment.instruments
    ]


def _contractors(deployment: Deployment) -> list[ContractorInfo]:
    """The listed contractors, with their role, who hired them and their contract in words, and their standing."""
    names = {c.id: c.name for c in deployment.contractors}
    titles = {i.id: i.title for i in deployment.instruments}
    out = []
    for c in deployment.contractors:
        standing = deployment.standing(c)
        out.append(
            ContractorInfo(
                id=c.id,
                name=c.name,
                role=c.role,
                role_text=CONTRACTOR_ROLES[c.role],
                hired_by=c.hired_by,
                hired_by_text=HIRED_BY_REPORT.get(c.hired_by) or names[c.hired_by],
                contract=c.contract,
                contract_text=titles.get(c.contract) if c.contract else None,
                sources=[s.id for s in c.sources],
                pinpoints=_pins(c.sources),
                standing=standing.value if standing else None,
                contested_by=[s.id for s in c.contested_by],
                note=c.note,
            )
        )
    return out


OPEN_VERDICTS = (Verdict.FALLS_SHORT, Verdict.INSUFFICIENT_INFORMATION)


def _range(low: float | None, high: float | None) -> ScoreRange | None:
    return None if low is None or high is None else ScoreRange(low=low, high=high)


def _width(low: float | None, high: float | None) -> float:
    return 0.0 if low is None or high is None else high - low


def _coverage(statuses: list[Status], rules: tuple[Rule, ...]) -> float:
    """Weight of the decided rules over the weight of the rules that may apply (0 when none may)."""
    applicable = sum(r.weight for s, r in zip(statuses, rules, strict=True) if s is not Status.NOT_APPLICABLE)
    decided = sum(r.weight for s, r in zip(statuses, rules, strict=True) if s in scoring.HALF_POINTS)
    return round(decided / applicable, 4) if applicable else 0.0


@dataclass
class _Open:
    """One principle's bounds, and how they move when one unknown fact is answered."""

    principle: str
    method: Scoring
    views: list[scoring.RuleView]
    chances: list[Possible | None]
    bounds: scoring.PrincipleBounds
    states: dict[str, tuple[State, ...]]
    missing: list[str]

    def __post_init__(self) -> None:
        self._answered: dict[str, list[scoring.PrincipleBounds]] = {}
        self._ends: dict[str, tuple[scoring.Ends, ...]] = {}
        self._changes: dict[str, bool] = {}
        self._readers: dict[str, list[tuple[int, dict[State, frozenset[Status]]]]] = {}
        for i, chance in enumerate(self.chances):  # fact -> the rules (by position) whose chances it moves
            if chance is not None:
                for path, by_state in chance.by_fact.items():
                    self._readers.setdefault(path, []).append((i, by_state))

    def answered(self, path: str) -> list[scoring.PrincipleBounds]:
        """The principle's bounds with ``path`` answered as each of its states in turn (memoised)."""
        if path not in self._answered:
            seen: dict[tuple[scoring.RuleView, ...], scoring.PrincipleBounds] = {}
            out = []
            readers = self._readers.get(path, [])
            for state in self.states[path]:
                views = list(self.views)
                for i, by_state in readers:
                    w, can, b = views[i]
                    views[i] = (w, by_state.get(state, can), b)
                key = tuple(views)
                if key not in seen:
                    seen[key] = scoring.principle_bounds(views, self.method)
                out.append(seen[key])
            self._answered[path] = out
        return self._answered[path]

    def ends(self, path: str) -> tuple[scoring.Ends, ...]:
        """What the overall score reads of the principle with ``path`` answered as each of its states in turn."""
        if path not in self._ends:
            self._ends[path] = tuple(map(scoring.ends, self.answered(path)))
        return self._ends[path]

    def changes(self, path: str) -> bool:
        """True when some answer to ``path`` changes the principle's verdict."""
        if path not in self._changes:
            self._changes[path] = any(b.verdict is not self.bounds.verdict for b in self.answered(path))
        return self._changes[path]

    def reads(self, path: str) -> bool:
        return path in self._readers

    def read(self) -> list[str]:
        """The open facts that move some rule of the principle."""
        return list(self._readers)

    def settling(self) -> list[SettlingFact]:
        """The unknown facts the undecided rules need, the one whose answer narrows the range most first."""
        out = []
        width = _width(self.bounds.low, self.bounds.high)
        for path in self.missing:
            answers = self.answered(path) if self.reads(path) else []
            narrows = max((width - _width(b.low, b.high) for b in answers), default=0.0)
            changes = self.changes(path) if answers else False
            out.append(SettlingFact(fact=path, narrows=round(narrows, 1), changes_verdict=changes))
        order = _catalogue_order()
        return sorted(out, key=lambda f: (-f.narrows, not f.changes_verdict, order[f.fact]))


def possible_statuses(
    rule: Rule, lookup: Any, frameworks: list[Framework], law: Mapping[str, Any] | None = None
) -> frozenset[Status]:
    """Every status ``rule`` could take given the facts ``lookup`` gives (one when they decide it).

    ``law``: the law side of the facts whose law differs from what ``lookup`` gives (their practice).
    """
    status = rule_status(rule, lookup)[0]
    if status is not Status.UNKNOWN:
        return frozenset({status})
    candidates = _candidates(tuple(frameworks))[0]
    states = {}
    for p in rule.facts:
        plain = bounds_states(lookup(p), candidates[p])
        states[p] = plain if law is None or p not in law else sided(bounds_states(law[p], candidates[p]), plain)
    return possible(rule, states).statuses


def _fact_states(
    deployment: Deployment, frameworks: list[Framework], lookup: Any
) -> tuple[dict[str, tuple[State, ...]], frozenset[str]]:
    """Every fact the rules read, with the states it could be in; and those stating law and practice apart.

    ``logic.decide`` reads a rule on each side when it reads a fact of the second kind. ``lookup`` is the
    audit's own (lookup_for at its evidence threshold, remembered), so a fact below the threshold reads as
    unknown, as it does for the verdict, and each fact is looked up once for both. A fact stating law and
    practice as two statements has a state for each side.
    """
    candidates, unanswered = _candidates(tuple(frameworks))

    def states_of(path: str, value: Any) -> tuple[Plain, ...]:
        return unanswered[path] if value is None or value is Missing.UNKNOWN else bounds_states(value, candidates[path])

    out: dict[str, tuple[State, ...]] = {}
    split = []
    for path in candidates:
        fact = get_fact(deployment, path)
        if fact is not None and fact.split:
            split.append(path)
        if fact is not None and fact.side("law") is not fact.side("practice"):
            out[path] = sided(states_of(path, lookup(path, "law")), states_of(path, lookup(path, "practice")))
        else:
            out[path] = states_of(path, lookup(path))
    return out, frozenset(split)


# Per set of frameworks: the representative answers of each fact they read, and the states of a fact nobody
# has answered (the same tuple for every description, so the memos keyed by states compare it at once).
_Candidates = tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Plain, ...]]]
_CANDIDATES: dict[tuple[int, ...], tuple[tuple[Framework, ...], _Candidates]] = {}


def _candidates(frameworks: tuple[Framework, ...]) -> _Candidates:
    """Representative answers of every fact the frameworks read, and its states unanswered (memoised)."""
    key = tuple(id(f) for f in frameworks)
    hit = _CANDIDATES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], frameworks, strict=True)):
        return hit[1]
    found = answers(r for f in frameworks for r in f.rules)
    unanswered = {path: bounds_states(None, values) for path, values in found.items()}
    _CANDIDATES[key] = (frameworks, (found, unanswered))
    return found, unanswered


def _num(value: float) -> str:
    """A score in a sentence: '72', or '84.6' when the decimal matters."""
    return f"{value:.1f}".removesuffix(".0")


def _reason(bounds: scoring.PrincipleBounds, breaches: list[str], item: _Open, method: Scoring) -> str:
    """One sentence on why the principle got its verdict."""
    verdict, low, high = bounds.verdict, bounds.low, bounds.high
    facts = len(item.missing)
    depends = f"{facts} unknown fact{'s' if facts != 1 else ''}"
    if verdict is Verdict.NOT_APPLICABLE:
        return "No rule of this principle applies to this programme."
    assert low is not None and high is not None
    shown = _num(low) if low == high else f"between {_num(low)} and {_num(high)}"
    if breaches:
        return (
            f"Not met: {', '.join(breaches)} {'is' if len(breaches) == 1 else 'are'} not met, which fails the "
            "principle whatever its other rules say."
        )
    if verdict is Verdict.MET:
        return (
            f"Met: the score is {shown}, at least {_num(method.met_at)} whatever the unknown facts are."
            if low != high
            else f"Met: the score is {shown}."
        )
    if verdict is Verdict.PARTIALLY_MET:
        return (
            f"Partly met: the score is {shown}, whatever the unknown facts are."
            if low != high
            else f"Partly met: the score is {shown}."
        )
    if verdict is Verdict.NOT_MET:
        return f"Not met: the score is {shown}, below {_num(method.partially_met_at)} even at best."
    if verdict is Verdict.FALLS_SHORT:
        return f"Not met in full; whether it is partly met depends on {depends} (the score is {shown})."
    if bounds.applies is None:
        # every rule could turn out not to apply (an open fact answered not_applicable, or applies_when open)
        return (
            f"Undetermined: it could still be met; the score is {shown}, depending on {depends}, and the principle "
            "would not apply if they turned out not to concern this programme."
        )
    return f"Undetermined: it could still be met; the score is {shown}, depending on {depends}."


def _known(deployment: Deployment, path: str) -> bool:
    """True when the deployment answers this fact (neither unknown nor undisclosed), on either side."""
    fact = get_fact(deployment, path)
    return fact is not None and any(s.known for s in (fact.law, fact.practice, fact) if isinstance(s, Fact))


def _rows(path: str, deployment: Deployment, evidence: str, counted: bool) -> list[FactUsed]:
    """A fact as shown under a finding: one row, or one per side for a fact stating law and practice."""
    fact = get_fact(deployment, path)
    assert fact is not None
    info = catalogue()[path]
    sides = (
        [(None, fact)]
        if not fact.split
        else [(a, s) for a, s in (("law", fact.law), ("practice", fact.practice)) if s is not None]
    )
    rows = []
    for aspect, statement in sides:
        value = statement.value
        standing = deployment.standing(statement)
        weak = not deployment.meets(statement, evidence)
        shown = info.state(statement)
        if weak:
            shown += f" ({_weak_words(standing)}; below the evidence threshold, not counted)"
        data = (
            value.as_data()
            if isinstance(value, Amount | Duration)
            else str(value)
            if isinstance(value, Missing)
            else value
        )
        rows.append(
            FactUsed(
                path=path,
                label=info.label + (f" (in {aspect})" if aspect else ""),
                value=data,
                display=shown,
                sources=statement.source_ids,
                note=statement.note or (fact.note if aspect else None) or statement.reason,
                standing=standing.value if standing else None,
                aspect=aspect,
                pinpoints={c.id: c.at for c in statement.sources if c.at},
                contested_by=[c.id for c in statement.contested_by],
                counted=counted and not weak,
            )
        )
    return rows


def _remembered(lookup: Any) -> Any:
    """A lookup that answers each (fact, aspect) once: a description does not change during its audit."""
    seen: dict[tuple[str, str | None], Any] = {}

    def look(path: str, side: str | None = None) -> Any:
        key = (path, side)
        if key not in seen:
            seen[key] = lookup(path, side)
        return seen[key]

    return look


_ORDER: list[dict[str, int]] = []


def _catalogue_order() -> dict[str, int]:
    """Each fact's position in the format's order (worked out once)."""
    if not _ORDER:
        _ORDER.append({path: i for i, path in enumerate(catalogue())})
    return _ORDER[0]


@dataclass(frozen=True)
class _RuleText:
    """What a finding takes from its rule whatever the facts: worked out once per rule and process."""

    order: dict[str, int]
    requirement: tuple[RequirementLine, ...]  # frozen, so every finding of the rule can hold the same lines
    references: dict[frozenset[str] | None, tuple[dict[str, str], ...]]  # by the legal orders a description names
    reads: tuple[tuple[str, str | None], ...]  # (fact, side it names) of each of its tests, once each


_RULE_TEXT: dict[int, tuple[Rule, _RuleText]] = {}


def _text(rule: Rule) -> _RuleText:
    hit = _RULE_TEXT.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    lines = word_lines(rule.met_when)
    if rule.applies_when is not None:
        lines = [
            (0, "applies when:"),
            *word_lines(rule.applies_when, 1),
            (0, "requires:"),
            *word_lines(rule.met_when, 1),
        ]
    lines += [(0, str(threshold)) for threshold in rule.thresholds]
    requirement = tuple(RequirementLine(depth=depth, text=line) for depth, line in lines)
    reads = tuple(dict.fromkeys((leaf.fact, leaf.aspect) for leaf in rule.leaves))
    text = _RuleText({path: i for i, path in enumerate(rule.facts)}, requirement, {}, reads)
    _RULE_TEXT[id(rule)] = (rule, text)
    return text


def _references(rule: Rule, text: _RuleText, bound: frozenset[str] | None) -> list[dict[str, str]]:
    """The rule's references that bind under ``bound``, as the result's JSON has them (Finding copies each)."""
    if bound not in text.references:
        text.references[bound] = tuple(
            {k: v for k, v in vars(r).items() if v is not None} for r in rule.references if r.binds(bound)
        )
    return list(text.references[bound])


class _Shown:
    """The rows a description's facts are shown as under findings, each fact's worked out once per audit.

    A description does not change during its audit, and one fact is shown under many findings (the rows are
    frozen, so the findings can hold the same ones).
    """

    def __init__(self, deployment: Deployment, evidence: str) -> None:
        self.deployment = deployment
        self.evidence = evidence
        orders = deployment.deployment.legal_orders
        self.bound = frozenset(orders) if orders is not None else None  # the legal orders references bind under
        self._known: dict[str, bool] = {}
        self._rows: dict[tuple[str, bool], list[FactUsed]] = {}

    def known(self, path: str) -> bool:
        if path not in self._known:
            self._known[path] = _known(self.deployment, path)
        return self._known[path]

    def rows(self, path: str, counted: bool) -> list[FactUsed]:
        key = (path, counted)
        if key not in self._rows:
            self._rows[key] = _rows(path, self.deployment, self.evidence, counted)
        return self._rows[key]


_RANKED: dict[frozenset[Status], tuple[Status, Status, tuple[Status, ...]]] = {}


def _ranked(can: frozenset[Status]) -> tuple[Status, Status, tuple[Status, ...]]:
    """A rule's best and worst possible status, and all of them best first (kept: there are 31 sets at most)."""
    if can not in _RANKED:
        ordered = tuple(sorted(can, key=RANK.__getitem__))
        _RANKED[can] = (ordered[0], ordered[-1], ordered)
    return _RANKED[can]


# Findings that show no fact, by (rule, framework, status, possible statuses, missing facts, legal orders):
# such a finding is a pure function of the rule set and those few values, so two descriptions leaving a rule
# open on the same facts share it. Real descriptions show no fact under about half their findings (30-44 of
# 58 for the bundled ones: most rules are open on facts nobody has published), so the sharing is common
# whatever the corpus. Bounded: emptied at BARE_LIMIT entries (about 4 KiB each).
BARE_LIMIT = 4_000
_BARE: dict[tuple[Any, ...], tuple[Rule, Finding]] = {}


def _finding(
    rule: Rule,
    framework: str,
    status: Status,
    outcome: Outcome,
    shown: _Shown,
    can: frozenset[Status],
) -> Finding:
    facts: list[FactUsed] = []
    decided = status in (Status.MET, Status.PARTIAL, Status.NOT_MET, Status.NOT_APPLICABLE)
    text = _text(rule)
    order = text.order
    if decided:
        shown_paths = sorted(outcome.used, key=lambda p: order.get(p, len(order)))
    else:  # undecided: the facts already known, shown beside the missing ones (what the rule can still reach)
        shown_paths = [p for p in rule.facts if p not in outcome.missing and shown.known(p)]
    for path in shown_paths:
        facts += shown.rows(path, counted=True)
    missing = sorted(outcome.missing, key=lambda p: order.get(p, len(order))) if status is Status.UNKNOWN else []
    for path in missing:  # weaker facts are treated as unknown, but still shown
        if shown.known(path):
            facts += [row for row in shown.rows(path, counted=False) if not row.counted]
    # A finding that shows no fact holds nothing of the description: it is kept and shared (see _BARE).
    bare = (id(rule), framework, status, can, tuple(missing), shown.bound) if not facts else None
    if bare is not None and (hit := _BARE.get(bare)) is not None and hit[0] is rule:
        return hit[1]
    sources: dict[str, None] = {}
    for used in facts:
        for source in [*used.sources, *used.contested_by]:
            sources.setdefault(source, None)
    best, worst, ranked = _ranked(can)
    finding = Finding(
        rule=rule.id,
        framework=framework,
        principle=rule.principle,
        title=rule.title,
        status=status,
        severity=rule.severity,
        weight=rule.weight,
        red_line=rule.red_line,
        decisive=rule.decisive or rule.red_line,
        best=best,
        worst=worst,
        possible=list(ranked),
        rationale=rule.rationale,
        requirement=list(text.requirement),
        explanation=_partly(facts) if status is Status.PARTIAL else explanation(rule, status),
        facts=facts,
        missing=missing,
        sources=list(sources),
        remedy=rule.remedy,
        standing=weakest([f.standing for f in facts if f.counted]) if decided else None,
        references=_references(rule, text, shown.bound),
    )
    if bare is not None:
        _keep(_BARE, bare, (rule, finding), BARE_LIMIT)  # keeping the rule alive keeps its id from being reused
    return finding


def _gaps(
    gaps: dict[str, dict[str, dict[str, None]]],
    deployment: Deployment,
    opened: list[_Open],
    evidence: str = DEFAULT_EVIDENCE,
) -> list[InformationGap]:
    """The questions for the operator: the answer that narrows the overall score range most first."""
    order = _catalogue_order()
    out = []
    now = tuple(scoring.ends(o.bounds) for o in opened)
    readers_of: dict[str, list[int]] = {}
    for i, o in enumerate(opened):
        for path in o.read():
            readers_of.setdefault(path, []).append(i)
    for path in gaps:
        fact = get_fact(deployment, path)
        readers = readers_of.get(path, [])
        narrows = scoring.narrowing(now, tuple((i, opened[i].ends(path)) for i in readers))
        settles = [opened[i].principle for i in readers if opened[i].changes(path)]
        out.append(
            InformationGap(
                fact=path,
                question=catalogue()[path].question,
                undisclosed=fact is not None and fact.value is Missing.UNDISCLOSED,
                principles=list(gaps[path]["principles"]),
                rules=list(gaps[path]["rules"]),
                narrows=round(narrows, 1),
                settles=settles,
                known_as=_known_as(deployment, path, evidence),
            )
        )
    return sorted(out, key=lambda g: (-g.narrows, -len(g.settles), order[g.fact]))


def _fact_texts(findings: list[Finding], principles: list[PrincipleResult]) -> dict[str, FactText]:
    """The words of every fact the findings name as missing or the principles as to settle, in catalogue order."""
    named = {path for f in findings for path in f.missing} | {s.fact for p in principles for s in p.to_settle}
    order = _catalogue_order()
    return {path: _fact_text(path) for path in sorted(named & order.keys(), key=order.__getitem__)}


_FACT_TEXT: dict[str, FactText] = {}


def _fact_text(path: str) -> FactText:
    """A fact's words, from the catalogue (made once per fact and process: results share the frozen model)."""
    if path not in _FACT_TEXT:
        info = catalogue()[path]
        establish = f"whether {info.label}" if issubclass(info.kind, YesNo) else info.label
        _FACT_TEXT[path] = FactText(label=info.label, question=info.question, establish=establish)
    return _FACT_TEXT[path]


def _known_as(deployment: Deployment, path: str, evidence: str) -> str | None:
    """The standing of a fact that is known, but below the evidence threshold (else None)."""
    fact = get_fact(deployment, path)
    weak = (
        []
        if fact is None
        else [
            s
            for s in (fact.law, fact.practice, fact)
            if isinstance(s, Fact) and s.known and not deployment.meets(s, evidence)
        ]
    )
    standing = deployment.standing(weak[0]) if weak else None
    return standing.value if standing else None


def _weak_words(standing: Standing | None) -> str:
    """How a fact below the evidence threshold is qualified where it is shown."""
    if standing is Standing.DISPUTED:
        return "disputed: the operator contests it"
    if standing is None:
        return "unsourced"
    return f"{standing.value}, not established"


def _partly(facts: list[FactUsed]) -> str:
    """The sentence of a partly met finding: the facts that reached the lower bar.

    Never the requirement's own wording, which would read as a statement of fact ("the system is limited to
    defined places: yes").
    """
    shown = "; ".join(f"{u.label}: {u.display}" for u in facts if u.counted)
    return f"Partly met: only the lower bar is reached, on these facts: {shown}."


def _sources(deployment: Deployment, cited: dict[str, None]) -> list[SourceInfo]:
    """Every declared source, cited ones first in order of first use, numbered from 1."""
    by_id = {s.id: s for s in deployment.sources}
    ordered = [i for i in cited if i in by_id] + [s.id for s in deployment.sources if s.id not in cited]
    return [SourceInfo(number=n, **by_id[i].model_dump()) for n, i in enumerate(ordered, start=1)]


# The sets of frameworks found to have unique ids, by identity (kept alive, so their ids stay theirs): the check
# reads nothing but the rule sets, and walked every rule of every audit (0.03 ms of a Moscow-sized one).
_UNIQUE: dict[tuple[int, ...], tuple[Framework, ...]] = {}


def _check_unique_ids(frameworks: list[Framework]) -> None:
    key = tuple(map(id, frameworks))
    hit = _UNIQUE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit, frameworks, strict=True)):
        return
    _check_unique_ids_afresh(frameworks)
    _keep(_UNIQUE, key, tuple(frameworks), 64)


def _check_unique_ids_afresh(frameworks: list[Framework]) -> None:
    ids = [f.id for f in frameworks]
    problems = [
        Problem(file="--framework", message=f"the framework '{f.id}' is given twice; give it once")
        for i, f in enumerate(frameworks)
        if f.id in ids[:i]
    ]
    owner: dict[str, str] = {}
    for framework in frameworks:
        if framework.id in owner.values():
            continue
        for rule in framework.rules:
            if rule.id in owner:
                problems.append(
                    Problem(
                        file=rule.file,
                        path="id",
                        message=f"the rule id '{rule.id}' is also "
                        f"used by framework '{owner[rule.id]}'; rename one of them",
                    )
                )
            owner.setdefault(rule.id, framework.id)
    if problems:
        raise InputError(problems)
