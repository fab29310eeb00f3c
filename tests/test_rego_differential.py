"""Differential test: auditkit's engine against a Rego policy generated from the same rule files.

The Rego (benchmarks/rego.py) re-implements the three-valued logic independently
(fact forms, unknown / undisclosed / absent, all / any / not), so any status
the two disagree on, for any rule on any generated deployment, is a bug in one
of them. The default rule set is checked, and a small synthetic one that uses
every operator (not, at_least and disclosed under not included), because the
default rules do not need them all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("regopy", reason="the Rego differential test needs regopy: pip install -e '.[test]'")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import corpus
import rego

from auditkit.model.deployment import Deployment
from auditkit.rules.loader import load_framework
from auditkit.rules.logic import lookup_for, rule_status
from auditkit.rules.model import Framework

DOCS = 100

# Conditions chosen to reach every operator and nesting the schema allows.
OPERATOR_RULES: dict[str, dict[str, Any]] = {
    "X-01": {
        "met_when": {
            "not": {
                "any": [
                    {"fact": "scope.scanning", "is": "untargeted"},
                    {"fact": "scope.reference_database", "in": ["population_scale", "watchlist_only"]},
                ]
            }
        },
        "partial_when": {"not": {"fact": "retention.max_days", "disclosed": True}},
    },
    "X-02": {
        "applies_when": {"not": {"fact": "deidentification.claimed", "is": False}},
        "met_when": {
            "all": [
                {"fact": "scope.camera_count", "at_least": 100},
                {"not": {"fact": "scope.watchlist_size", "at_most": 1000}},
            ]
        },
    },
    "X-03": {
        "met_when": {
            "any": [
                {
                    "all": [
                        {"fact": "legality.published", "is": True},
                        {"fact": "transparency.oversight_body", "in": ["independent_binding"]},
                    ]
                },
                {
                    "not": {
                        "all": [
                            {"fact": "fairness.bias_testing", "disclosed": True},
                            {"fact": "retention.max_days", "at_least": 31},
                        ]
                    }
                },
            ]
        },
        "partial_when": {
            "any": [{"fact": "retention.max_days", "at_most": 90}, {"fact": "security.encryption", "is": True}]
        },
    },
    "X-04": {
        "applies_when": {
            "any": [
                {"fact": "consent.participation", "in": ["mandatory", "unavoidable"]},
                {"not": {"fact": "consent.participation", "disclosed": True}},
            ]
        },
        "met_when": {"fact": "consent.refusal_penalised", "disclosed": True},
    },
}


def operator_framework(folder: Path) -> Framework:
    """A one-principle framework holding OPERATOR_RULES, written as rule files and loaded normally."""
    (folder / "rules").mkdir(parents=True)
    manifest = {
        "id": "operators",
        "title": "Every operator",
        "version": "1.0",
        "source": {"title": "auditkit tests", "publisher": "auditkit", "date": "2026"},
        "scoring": {
            "met_at": 85,
            "partially_met_at": 40,
            "min_coverage": 0.5,
            "grades": {"A": 85, "B": 70, "C": 55, "D": 40},
            "red_line_grade": "F",
        },
        "principles": [{"id": "X", "title": "Operators", "demand": "Every condition operator is exercised here."}],
    }
    (folder / "framework.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    for rule_id, conditions in OPERATOR_RULES.items():
        rule = {
            "id": rule_id,
            "title": f"Operator rule {rule_id}",
            "principle": "X",
            "severity": "medium",
            "weight": 2,
            "rationale": "Exists to exercise the condition operators in the differential test.",
            "failure_reason": "The condition is not met.",
            "remedy": "Nothing to remedy: a test rule.",
            "origin": {"requirement": "auditkit"},
            "references": [{"instrument": "auditkit tests", "legal_order": "civil_society"}],
            **conditions,
            "cases": [
                {"name": "nothing known", "facts": {}, "expect": "unknown"},
                {"name": "nothing known again", "facts": {}, "expect": "unknown"},
            ],
        }
        (folder / "rules" / f"{rule_id}.yaml").write_text(yaml.safe_dump(rule, sort_keys=False), encoding="utf-8")
    return load_framework(str(folder))


def auditkit_statuses(framework: Framework, doc: dict[str, Any]) -> dict[str, str]:
    lookup = lookup_for(Deployment.model_validate(doc))
    return {rule.id: rule_status(rule, lookup)[0].value for rule in framework.rules}


def check_agreement(framework: Framework, seed: int) -> set[str]:
    """Assert both engines agree on every rule of every document; return the statuses seen."""
    docs = corpus.generate(
        DOCS,
        seed=seed,
        extra_counts=corpus.thresholds(
            c for r in framework.rules for c in (r.applies_when, r.met_when, r.partial_when)
        ),
    )
    auditor = rego.RegoAuditor(framework)
    seen: set[str] = set()
    for index, doc in enumerate(docs):
        ours, theirs = auditkit_statuses(framework, doc), auditor.statuses(doc)
        differ = {
            rule: (ours.get(rule), theirs.get(rule))
            for rule in set(ours) | set(theirs)
            if ours.get(rule) != theirs.get(rule)
        }
        assert not differ, f"document {index}: rule -> (auditkit, rego): {differ}\n{yaml.safe_dump(doc)}"
        seen.update(ours.values())
    return seen


def test_default_rules_agree_with_generated_rego() -> None:
    framework, _note = rego.default_framework()
    seen = check_agreement(framework, seed=11)
    assert {"met", "not_met", "partial", "unknown", "not_applicable"} <= seen


def test_every_operator_agrees_with_generated_rego(tmp_path: Path) -> None:
    framework = operator_framework(tmp_path / "operators")
    seen = check_agreement(framework, seed=12)
    assert {"met", "not_met", "partial", "unknown", "not_applicable"} <= seen


def test_rego_policy_reads_disclosed_and_missing_facts_as_auditkit_does(tmp_path: Path) -> None:
    framework = operator_framework(tmp_path / "operators")
    auditor = rego.RegoAuditor(framework)
    base: dict[str, Any] = {
        "format_version": 2,
        "deployment": {"name": "Case"},
        "sources": [{"id": "s", "publisher": "p", "title": "t", "date": "2020"}],
    }
    cases = [
        # participation kept secret: X-04 applies, and a secret refusal policy is not disclosed
        ({"consent": {"participation": "undisclosed", "refusal_penalised": "Undisclosed"}}, "X-04", "not_met"),
        ({"consent": {"participation": {"value": "voluntary", "sources": ["s"]}}}, "X-04", "not_applicable"),
        ({"consent": {"participation": "unknown"}}, "X-04", "unknown"),
        # scanning targeted, database none, retention secret: met outright, partial never consulted
        (
            {
                "scope": {
                    "scanning": {"value": "targeted", "sources": ["s"]},
                    "reference_database": {"value": "none", "sources": ["s"]},
                },
                "retention": {"max_days": "undisclosed"},
            },
            "X-01",
            "met",
        ),
        (
            {
                "scope": {"scanning": {"value": "untargeted", "sources": ["s"]}},
                "retention": {"max_days": " undisclosed "},
            },
            "X-01",
            "partial",
        ),
        (
            {
                "scope": {"scanning": {"value": "untargeted", "sources": ["s"]}},
                "retention": {"max_days": {"value": 30, "sources": ["s"]}},
            },
            "X-01",
            "not_met",
        ),
        # yes/no written as words
        ({"deidentification": {"claimed": {"value": "no", "sources": ["s"]}}}, "X-02", "not_applicable"),
    ]
    for facts, rule_id, expected in cases:
        doc = {**base, **facts}
        assert auditkit_statuses(framework, doc)[rule_id] == expected, (facts, rule_id)
        assert auditor.statuses(doc)[rule_id] == expected, (facts, rule_id)
