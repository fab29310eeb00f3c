"""Evaluate a deployment against one or more frameworks into an AuditResult."""

from __future__ import annotations

from typing import Any

from auditkit import __version__, scoring
from auditkit.errors import InputError, Problem
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Missing
from auditkit.model.load import LoadedDeployment
from auditkit.model.result import (
    AuditResult,
    DeploymentInfo,
    FactUsed,
    Finding,
    FrameworkRef,
    InformationGap,
    PrincipleResult,
    SourceInfo,
    Status,
)
from auditkit.rules.loader import Framework, Rule
from auditkit.rules.logic import Outcome, evaluate, words


def lookup_for(deployment: Deployment) -> Any:
    """A fact lookup (path -> value, Missing or None) over a deployment."""
    def lookup(path: str) -> Any:
        fact = get_fact(deployment, path)
        return None if fact is None else fact.value
    return lookup


def rule_status(rule: Rule, lookup: Any) -> tuple[Status, Outcome]:
    """A rule's status and the outcome (facts used or missing) that decided it."""
    if rule.applies_when is not None:
        applies = evaluate(rule.applies_when, lookup)
        if applies.value is False:
            return Status.NOT_APPLICABLE, applies
        if applies.value is None:
            return Status.UNKNOWN, applies
    met = evaluate(rule.met_when, lookup)
    if met.value is True:
        return Status.MET, met
    if met.value is None:
        return Status.UNKNOWN, met
    if rule.partial_when is not None:
        partial = evaluate(rule.partial_when, lookup)
        if partial.value is True:
            return Status.PARTIAL, partial
        if partial.value is None:
            return Status.UNKNOWN, partial
    return Status.NOT_MET, met


def _explanation(rule: Rule, status: Status) -> str:
    if status is Status.MET:
        return "The facts show the requirement is met."
    if status is Status.PARTIAL and rule.partial_when is not None:
        shown = "; ".join(line.strip() for line in words(rule.partial_when))
        return f"Partly met: {shown}; the full requirement is not reached."
    if status is Status.NOT_MET:
        return rule.failure_reason
    if status is Status.UNKNOWN:
        return "The facts needed to decide this rule could not be established."
    return "The rule does not apply to this deployment."


def audit(loaded: LoadedDeployment, frameworks: list[Framework]) -> AuditResult:
    """Audit one validated deployment against the given frameworks."""
    _check_unique_ids(frameworks)
    deployment = loaded.deployment
    lookup = lookup_for(deployment)
    findings: list[Finding] = []
    principles: list[PrincipleResult] = []
    cited: dict[str, None] = {}
    gaps: dict[str, dict[str, dict[str, None]]] = {}
    red_lines: list[str] = []
    for framework in frameworks:
        for principle in framework.principles:
            triples = []
            for rule in principle.rules:
                status, outcome = rule_status(rule, lookup)
                finding = _finding(rule, framework.id, status, outcome, deployment)
                findings.append(finding)
                triples.append((status, rule.weight, rule.red_line))
                for source in finding.sources:
                    cited.setdefault(source, None)
                if rule.red_line and status is Status.NOT_MET:
                    red_lines.append(rule.id)
                for path in finding.missing:
                    entry = gaps.setdefault(path, {"principles": {}, "rules": {}})
                    entry["principles"].setdefault(principle.id, None)
                    entry["rules"].setdefault(rule.id, None)
            score, verdict, coverage = scoring.principle_score(triples, framework.scoring)
            counts = {s.value: sum(1 for t in triples if t[0] is s) for s in Status}
            principles.append(PrincipleResult(
                framework=framework.id, id=principle.id, title=principle.title, demand=principle.demand,
                source_locator=principle.source_locator, score=score, verdict=verdict, coverage=coverage, counts=counts))
    method = frameworks[0].scoring
    total, grade, capped = scoring.overall([p.score for p in principles], bool(red_lines), method)
    info = deployment.deployment
    return AuditResult(
        auditkit_version=__version__, input_file=loaded.file.rsplit("/", 1)[-1], input_sha256=loaded.sha256,
        frameworks=[FrameworkRef(id=f.id, title=f.title, version=f.version, source=dict(f.source))
                    for f in frameworks],
        deployment=DeploymentInfo(**info.model_dump()),
        score=total, grade=grade, grade_capped=capped, red_lines_crossed=red_lines,
        principles=principles, findings=findings,
        information_gaps=_gaps(gaps, deployment), sources=_sources(deployment, cited),
        scoring={"method": scoring.__doc__ or "", **method})


def _finding(rule: Rule, framework: str, status: Status, outcome: Outcome, deployment: Deployment) -> Finding:
    facts = []
    decided = status in (Status.MET, Status.PARTIAL, Status.NOT_MET, Status.NOT_APPLICABLE)
    order = {path: i for i, path in enumerate(rule.facts)}
    for path in sorted(outcome.used, key=lambda p: order.get(p, len(order))) if decided else []:
        fact = get_fact(deployment, path)
        assert fact is not None
        info = catalogue()[path]
        value = fact.value
        shown = "undisclosed (kept secret by the operator)" if value is Missing.UNDISCLOSED else info.describe(value)
        facts.append(FactUsed(path=path, label=info.label, value=str(value) if isinstance(value, Missing) else value,
                              display=shown, sources=list(fact.sources), note=fact.note))
    sources: dict[str, None] = {}
    for used in facts:
        for source in used.sources:
            sources.setdefault(source, None)
    missing = sorted(outcome.missing, key=lambda p: order.get(p, len(order))) if status is Status.UNKNOWN else []
    requirement = words(rule.met_when)
    if rule.applies_when is not None:
        requirement = ["applies when:", *("  " + w for w in words(rule.applies_when)), "requires:",
                       *("  " + w for w in requirement)]
    requirement += [str(threshold) for threshold in rule.thresholds]
    orders = deployment.deployment.legal_orders
    bound = frozenset(orders) if orders is not None else None
    return Finding(
        rule=rule.id, framework=framework, principle=rule.principle, title=rule.title, status=status,
        severity=rule.severity, weight=rule.weight, red_line=rule.red_line, rationale=rule.rationale,
        requirement=requirement, explanation=_explanation(rule, status), facts=facts, missing=missing,
        sources=list(sources), remedy=rule.remedy,
        references=[{k: v for k, v in vars(r).items() if v is not None} for r in rule.references if r.binds(bound)])


def _gaps(gaps: dict[str, dict[str, dict[str, None]]], deployment: Deployment) -> list[InformationGap]:
    order = {path: i for i, path in enumerate(catalogue())}
    out = []
    for path in sorted(gaps, key=order.__getitem__):
        fact = get_fact(deployment, path)
        out.append(InformationGap(
            fact=path, question=catalogue()[path].question,
            undisclosed=fact is not None and fact.value is Missing.UNDISCLOSED,
            principles=list(gaps[path]["principles"]), rules=list(gaps[path]["rules"])))
    return out


def _sources(deployment: Deployment, cited: dict[str, None]) -> list[SourceInfo]:
    """Every declared source, cited ones first in order of first use, numbered from 1."""
    by_id = {s.id: s for s in deployment.sources}
    ordered = [i for i in cited if i in by_id] + [s.id for s in deployment.sources if s.id not in cited]
    return [SourceInfo(number=n, **by_id[i].model_dump()) for n, i in enumerate(ordered, start=1)]


def _check_unique_ids(frameworks: list[Framework]) -> None:
    ids = [f.id for f in frameworks]
    problems = [Problem(file="--framework", message=f"the framework '{f.id}' is given twice; give it once")
                for i, f in enumerate(frameworks) if f.id in ids[:i]]
    owner: dict[str, str] = {}
    for framework in frameworks:
        if framework.id in owner.values():
            continue
        for rule in framework.rules:
            if rule.id in owner:
                problems.append(Problem(file=rule.file, path="id", message=f"the rule id '{rule.id}' is also "
                                        f"used by framework '{owner[rule.id]}'; rename one of them"))
            owner.setdefault(rule.id, framework.id)
    if problems:
        raise InputError(problems)
