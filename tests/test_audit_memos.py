"""The audit's memos change nothing: every description audits the same with each memo bypassed.

The audit works some things out once and shares them (a fact's rows under every finding that shows it, a
set of possible statuses ranked once); here the same audit is run with each of those worked out afresh at
every use, on the bundled descriptions and on weakened ones (facts hidden or weakened, law and practice
apart), and the results must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from test_bounds_soundness import DESCRIPTIONS, EVIDENCE, SETTINGS, audited, original, weakened

from auditkit import engine
from auditkit.model.catalog import catalogue
from auditkit.model.result import Status


def _ranked_afresh(can: frozenset[Status]) -> tuple[Status, Status, tuple[Status, ...]]:
    ordered = tuple(sorted(can, key=engine.RANK.__getitem__))
    return ordered[0], ordered[-1], ordered


@contextmanager
def memos_bypassed() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine._Shown, "known", lambda self, path: engine._known(self.deployment, path))
        patch.setattr(
            engine._Shown,
            "rows",
            lambda self, path, counted: engine._rows(path, self.deployment, self.evidence, counted),
        )
        patch.setattr(engine, "_ranked", _ranked_afresh)
        yield


def check_same(doc: dict[str, Any], evidence: str) -> None:
    _, fast = audited(doc, evidence)
    with memos_bypassed():
        _, plain = audited(doc, evidence)
    assert fast.model_dump(mode="json") == plain.model_dump(mode="json")


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_each_bundled_description_audits_the_same_without_memos(name: str, evidence: str) -> None:
    check_same(original(name), evidence)


@SETTINGS
@given(weakened())
def test_weakened_descriptions_audit_the_same_without_memos(case: tuple[str, dict[str, Any], str]) -> None:
    _, doc, evidence = case
    check_same(doc, evidence)


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_a_facts_rows_are_remembered_apart_counted_or_not(name: str, evidence: str) -> None:
    """Asked for in either order, the rows of a fact counted and not counted are each as worked out afresh."""
    deployment, _ = audited(original(name), evidence)
    shown = engine._Shown(deployment, evidence)
    known = [path for path in catalogue() if engine._known(deployment, path)]
    assert known
    for path in known:
        for counted in (True, False, True, False):
            assert shown.rows(path, counted) == engine._rows(path, deployment, evidence, counted), (path, counted)
