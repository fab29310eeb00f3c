"""A deterministic corpus of varied, valid deployment documents for benchmarks and differential tests.

Documents are generated from the fact catalogue (so every fact the format
knows can appear) with a seeded random generator: each document answers a
random subset of facts, in every written form the format accepts (the
``{value, sources, note}`` mapping, yes/no as booleans or words, the
``unknown`` / ``undisclosed`` shorthands in any case, those words inside a
mapping, explicit nulls, whole sections left out). Counts cluster around
the thresholds the rules compare with, so boundary cases are common.

Documents are format 2: sources have a kind and some are undated, some
citations carry a pinpoint, some facts an explicit standing. Values keep to
the forms the Rego re-implementation (rego.py) decides: numbers within
bounds, law/practice pairs and not_applicable are exercised by the property
tests (tests/test_properties.py) and tests/test_format2.py instead.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import yaml

from auditkit.model.catalog import FactInfo, catalogue
from auditkit.rules.model import Condition, Operator, leaves

_KINDS = ("law", "official_record", "court", "regulator", "operator", "press", "ngo", "academic")
# Counts often met in real deployments; thresholds from the rules are added around these.
_COMMON_COUNTS = (0, 1, 2, 7, 14, 30, 31, 60, 90, 91, 180, 365, 1000, 5000, 100_000, 200_000)


def thresholds(conditions: Iterable[Condition | None]) -> set[int]:
    """Every at_most / at_least number in the given condition trees, with its neighbours."""
    out: set[int] = set()
    for leaf in (leaf for c in conditions if c is not None for leaf in leaves(c)):
        if leaf.op in (Operator.AT_MOST, Operator.AT_LEAST):
            n = leaf.bound
            out.update(v for v in (n - 1, n, n + 1) if v >= 0)
    return out


def _known(info: FactInfo, rng: random.Random, counts: list[int]) -> Any:
    """A valid known value for one fact, in one of the forms a person might write it."""
    if info.kind == "yesno":
        answer = rng.random() < 0.5
        return answer if rng.random() < 0.8 else rng.choice(["yes", "Yes", "true"] if answer else ["no", "No", "false"])
    if info.kind == "count":
        return rng.choice(counts) if rng.random() < 0.8 else rng.randrange(0, 2_000)
    if info.kind == "duration":
        return rng.choice(
            ["immediately", "indefinite", {"hours": rng.choice([1, 24, 72])}, {"days": rng.choice(counts)}]
        )
    return rng.choice([value for value, _ in info.choices])


def _fact(info: FactInfo, rng: random.Random, source_ids: list[str], counts: list[int]) -> Any:
    """One fact entry: a known value most of the time, otherwise one of the missing forms."""
    roll = rng.random()
    if roll < 0.62:
        cited: list[Any] = rng.sample(source_ids, k=rng.randint(1, len(source_ids)))
        if rng.random() < 0.3:  # a pinpoint on the first citation
            cited[0] = {"id": cited[0], "at": rng.choice(["para 94", "p. 12", "section 3"])}
        entry: dict[str, Any] = {"value": _known(info, rng, counts), "sources": cited}
        if rng.random() < 0.2:  # an explicit standing (rule statuses are compared with no evidence threshold)
            entry["standing"] = rng.choice(["established", "reported"])
        if rng.random() < 0.3:
            entry["note"] = f"Read from the operator's reply about {info.path}."
        return entry
    if roll < 0.74:
        return rng.choice(["unknown", "unknown", "Unknown", " unknown "])
    if roll < 0.86:
        return rng.choice(["undisclosed", "undisclosed", "UNDISCLOSED"])
    if roll < 0.94:
        return {"value": rng.choice(["unknown", "undisclosed"]), "note": "The operator did not answer."}
    return None  # an empty 'key:' line, read as left out


def document(index: int, rng: random.Random, counts: list[int]) -> dict[str, Any]:
    """One deployment document as plain data (what YAML parsing yields)."""
    source_ids = [f"src-{index}-{n}" for n in range(rng.randint(1, 4))]
    doc: dict[str, Any] = {
        "format_version": 2,
        "deployment": {
            "name": f"Generated deployment {index}",
            "jurisdiction": rng.choice(["Moscow", "London", "Nice", "Hypothetical city"]),
            "hypothetical": True,
            "audit_date": "2026-01-15",
        },
        "sources": [
            {
                "id": sid,
                "kind": rng.choice(_KINDS),
                "publisher": "Benchmark press",
                "title": f"Report {sid}",
                "date": rng.choice(["2020", "2021-03", "2022-11-04", "undated"]),
                **({"url": f"https://example.org/{sid}"} if rng.random() < 0.5 else {}),
            }
            for sid in source_ids
        ],
    }
    density = rng.choice([0.1, 0.3, 0.6, 0.9, 1.0])
    for path, info in catalogue().items():
        if rng.random() >= density:
            continue
        section, name = path.split(".", 1)
        doc.setdefault(section, {})[name] = _fact(info, rng, source_ids, counts)
    return doc


def generate(n: int, seed: int = 2020, extra_counts: Iterable[int] = ()) -> list[dict[str, Any]]:
    """``n`` varied valid documents, the same for the same arguments."""
    rng = random.Random(seed)
    counts = sorted(set(_COMMON_COUNTS) | set(extra_counts))
    return [document(i, rng, counts) for i in range(n)]


def to_yaml(doc: dict[str, Any]) -> bytes:
    """A document as YAML bytes, in the block style people write."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")
