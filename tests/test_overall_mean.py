"""The overall score's closed form (``scoring.overall_of``, ``scoring.narrowing``) against slower references.

``overall_of`` takes, for each end, the k highest (lowest) scores of the principles that may not apply for
the best k. Two independent references hold it to the exact optimum: the general ``scoring._extreme``
(Dinkelbach's method, which ``overall_of`` used before) and trying every set of such principles in or out.
``narrowing`` is held to the plain computation: every principle in place, every combination of answers.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit import scoring
from auditkit.scoring import Ends, Option, narrowing, overall_of, tenths

SETTINGS = settings(max_examples=400, derandomize=True, deadline=None)


@st.composite
def principle_ends(draw: st.DrawFn) -> Ends:
    """One principle as the overall score reads it: (low, high, applies), the scores in tenths of a point."""
    applies = draw(st.sampled_from([True, None, False]))
    if applies is False and draw(st.booleans()):
        return None, None, False  # a principle that cannot apply has no score
    low, high = sorted(draw(st.lists(st.integers(0, 1000), min_size=2, max_size=2)))
    return low, high, applies


ENDS = st.lists(principle_ends(), max_size=9).map(tuple)


def dinkelbach(principles: tuple[Ends, ...]) -> tuple[float, float] | None:
    """The former ``overall_of``: each principle that may not apply is an item of two options, in or out."""
    out = []
    for end, sign in ((0, -1), (1, 1)):
        fixed_e = fixed_w = 0
        items: list[list[Option]] = []
        for principle in principles:
            value = principle[end]
            if value is None:
                continue
            assert isinstance(value, int)
            if principle[2]:
                fixed_e, fixed_w = fixed_e + value, fixed_w + 1
            else:
                items.append([(value, 1), (0, 0)])
        found = scoring._extreme((fixed_e, fixed_w), items, sign)
        if found is None:
            return None
        out.append(tenths(*found))
    return out[0], out[1]


def every_subset(principles: tuple[Ends, ...]) -> tuple[float, float] | None:
    """Each end by trying every set of the optional principles in the mean, as exact fractions."""
    out = []
    for end, pick in ((0, min), (1, max)):
        scored = [(p[end], p[2]) for p in principles if p[end] is not None]
        certain = [int(v) for v, applies in scored if applies]
        optional = [int(v) for v, applies in scored if not applies]
        means = [
            (Fraction(sum(certain) + sum(chosen), len(certain) + k), sum(certain) + sum(chosen), len(certain) + k)
            for k in range(len(optional) + 1)
            for chosen in itertools.combinations(optional, k)
            if certain or chosen
        ]
        if not means:
            return None
        _, num, den = pick(means)
        out.append(tenths(num, den))
    return out[0], out[1]


@SETTINGS
@given(ENDS)
def test_closed_form_equals_dinkelbach_and_every_subset(principles: tuple[Ends, ...]) -> None:
    got = overall_of.__wrapped__(principles)
    assert got == dinkelbach(principles)
    assert got == every_subset(principles)


def test_taking_only_some_optional_principles_is_found() -> None:
    # The best mean takes the 90 and leaves the 10 out; the worst takes the 10 and leaves the 90 out.
    principles: tuple[Ends, ...] = ((500, 500, True), (900, 900, None), (100, 100, None))
    assert overall_of.__wrapped__(principles) == (30.0, 70.0)
    assert overall_of.__wrapped__(((None, None, False),)) is None
    assert overall_of.__wrapped__(((None, None, False), (400, 600, None))) == (40.0, 60.0)


@st.composite
def moves_of(draw: st.DrawFn) -> tuple[tuple[Ends, ...], tuple[tuple[int, tuple[Ends, ...]], ...]]:
    """Every principle's ends now, and the ends of the principles one fact moves, per state of the fact."""
    now = draw(st.lists(principle_ends(), min_size=1, max_size=9).map(tuple))
    positions = draw(st.lists(st.integers(0, len(now) - 1), min_size=1, max_size=3, unique=True))
    states = draw(st.integers(1, 4))
    # A state may leave a principle as it is now, as an answer often does.
    answered = st.one_of(principle_ends(), st.just(None))
    moves = tuple(
        (i, tuple(now[i] if a is None else a for a in draw(st.lists(answered, min_size=states, max_size=states))))
        for i in positions
    )
    return now, moves


def plain_narrowing(now: tuple[Ends, ...], moves: tuple[tuple[int, tuple[Ends, ...]], ...]) -> float:
    """Each state's principles in their places, every state tried, each overall by Dinkelbach's method."""
    total = dinkelbach(now)
    width = 0.0 if total is None else total[1] - total[0]
    narrows = 0.0
    for state in range(len(moves[0][1])):
        ends = list(now)
        for i, answered in moves:
            ends[i] = answered[state]
        after = dinkelbach(tuple(ends))
        narrows = max(narrows, width - (0.0 if after is None else after[1] - after[0]))
    return narrows


@SETTINGS
@given(moves_of())
def test_narrowing_equals_the_plain_computation(case: tuple) -> None:
    now, moves = case
    assert narrowing.__wrapped__(now, moves) == plain_narrowing(now, moves)
