"""Scores, verdicts and grades, bounded by what is known: the arithmetic of the scoring method.

The method in words, and the thresholds it uses, are one typed model:
``auditkit.model.scoring`` (``Scoring`` and ``describe``). Every score is a
range [low, high] over what the unknown facts could be; the ends are exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from auditkit.model.result import Status, Verdict
from auditkit.model.scoring import Scoring

# Half-points per unit of weight, so that every sum stays a whole number.
HALF_POINTS = {Status.MET: 2, Status.PARTIAL: 1, Status.NOT_MET: 0}
# A rule as scoring sees it: (weight, possible statuses, whether not meeting it fails its principle).
RuleView = tuple[int, frozenset[Status], bool]
Option = tuple[int, int]  # (earned, out of); (0, 0) leaves the item out of the mean


@dataclass(frozen=True)
class PrincipleBounds:
    """A principle's score range, verdict and whether it applies (None: it depends on unknown facts)."""

    low: float | None
    high: float | None
    verdict: Verdict
    applies: bool | None
    breach: bool  # a red-line or decisive rule of the principle is certainly not met


def percent(earned: int, out_of: int) -> float:
    """100 * earned / out_of, rounded half up to one decimal, in whole numbers (no floating-point ties)."""
    return tenths(1000 * earned, out_of)


def tenths(numerator: int, denominator: int) -> float:
    """The quotient of two whole numbers in tenths, rounded half up: 333 and 2 give 16.7."""
    return ((2 * numerator + denominator) // (2 * denominator)) / 10


def _extreme(fixed: Option, items: list[list[Option]], sign: int) -> Option | None:
    """The largest (sign 1) or smallest (sign -1) ratio sum(earned)/sum(out_of) over one option per item.

    Dinkelbach's method on whole numbers: exact, and it ends because each round strictly improves the
    ratio over finitely many choices. None when every choice leaves nothing to divide by.
    """
    e0, w0 = sign * fixed[0], fixed[1]
    signed = [[(sign * e, w) for e, w in options] for options in items]
    chosen = [max(options, key=lambda o: o[1]) for options in signed]
    num, den = e0 + sum(e for e, _ in chosen), w0 + sum(w for _, w in chosen)
    if den == 0:
        return None
    while True:
        p, q = num, den
        chosen = [max(options, key=lambda o: o[0] * q - p * o[1]) for options in signed]
        num, den = e0 + sum(e for e, _ in chosen), w0 + sum(w for _, w in chosen)
        if num * q - p * den <= 0:
            return sign * p, q


def _verdict_at(score: float, breach: bool, met_at: float, partially_met_at: float) -> Verdict:
    if breach or score < partially_met_at:
        return Verdict.NOT_MET
    return Verdict.MET if score >= met_at else Verdict.PARTIALLY_MET


@lru_cache(maxsize=100_000)
def _principle(rules: tuple[RuleView, ...], met_at: float, partially_met_at: float) -> PrincipleBounds:
    fixed_e = fixed_w = 0
    items: list[list[Option]] = []
    for weight, statuses, _ in rules:
        options = sorted({(HALF_POINTS[s] * weight, 2 * weight) if s in HALF_POINTS else (0, 0) for s in statuses})
        if len(options) == 1:
            fixed_e, fixed_w = fixed_e + options[0][0], fixed_w + options[0][1]
        else:
            items.append(options)
    if all(statuses == {Status.NOT_APPLICABLE} for _, statuses, _ in rules):
        return PrincipleBounds(None, None, Verdict.NOT_APPLICABLE, False, False)
    applies = True if any(Status.NOT_APPLICABLE not in statuses for _, statuses, _ in rules) else None
    high, low = _extreme((fixed_e, fixed_w), items, 1), _extreme((fixed_e, fixed_w), items, -1)
    assert high is not None and low is not None  # some rule can apply, so something can be scored
    hi, lo = percent(*high), percent(*low)
    # A breach for certain fails the principle; one that is possible fails it at the low end.
    certain = any(statuses == {Status.NOT_MET} for _, statuses, breaks in rules if breaks)
    possible = any(Status.NOT_MET in statuses for _, statuses, breaks in rules if breaks)
    best = _verdict_at(hi, certain, met_at, partially_met_at)
    worst = _verdict_at(lo, possible, met_at, partially_met_at)
    if applies is None:
        verdict = Verdict.INSUFFICIENT_INFORMATION  # it could turn out not to apply at all
    elif best is worst:
        verdict = best
    elif best is Verdict.MET:
        verdict = Verdict.INSUFFICIENT_INFORMATION
    else:
        verdict = Verdict.FALLS_SHORT
    return PrincipleBounds(lo, hi, verdict, applies, certain)


def principle_bounds(rules: list[RuleView], scoring: Scoring) -> PrincipleBounds:
    """Score range, verdict and applicability of one principle from its rules' possible statuses."""
    return _principle(tuple(rules), float(scoring.met_at), float(scoring.partially_met_at))


# What the overall mean reads of a principle: (low, high, applies), the scores in tenths of a point.
Ends = tuple[int | None, int | None, bool | None]


def ends(principle: PrincipleBounds) -> Ends:
    """The part of a principle's bounds that the overall score reads."""
    low, high = principle.low, principle.high
    return (None if low is None else round(low * 10)), (None if high is None else round(high * 10)), principle.applies


def overall(principles: list[PrincipleBounds]) -> tuple[float, float] | None:
    """(low, high) of the plain mean of the principle scores; None when no principle can be scored."""
    return overall_of(tuple(map(ends, principles)))


@lru_cache(maxsize=100_000)
def overall_of(principles: tuple[Ends, ...]) -> tuple[float, float] | None:
    """``overall`` from each principle's ends: callers trying many answers keep the ends and skip the bounds."""
    return _mean_range(principles)


def _mean_range(principles: Iterable[Ends]) -> tuple[float, float] | None:
    """``overall_of`` unkept. The principles' order does not matter: only which scores, and which may not apply."""
    lows, highs, optional_lows, optional_highs = _gathered(principles)
    lowest = _extreme_mean(sum(lows), len(lows), optional_lows, -1)
    highest = _extreme_mean(sum(highs), len(highs), optional_highs, 1)
    if lowest is None or highest is None:
        return None
    return tenths(*lowest), tenths(*highest)


def _gathered(principles: Iterable[Ends]) -> tuple[list[int], list[int], list[int], list[int]]:
    """The low and high scores of the principles that apply, and those of the principles that may not."""
    certain_lows: list[int] = []
    certain_highs: list[int] = []
    optional_lows: list[int] = []  # each is in the mean or out of it
    optional_highs: list[int] = []
    for low, high, applies in principles:
        lows, highs = (certain_lows, certain_highs) if applies else (optional_lows, optional_highs)
        if low is not None:
            lows.append(low)
        if high is not None:
            highs.append(high)
    return certain_lows, certain_highs, optional_lows, optional_highs


def _extreme_mean(num: int, den: int, optional: list[int], sign: int) -> Option | None:
    """The largest (sign 1) or smallest (sign -1) mean of ``den`` scores adding up to ``num`` and any of ``optional``.

    ``_extreme`` for items that are each one value or nothing, in closed form: whatever the count k of
    optional values taken, the k highest (lowest) give the highest (lowest) mean, so the optimum is the
    best of those n + 1 means. Fractions are compared in whole numbers, as ``_extreme`` does. None when
    nothing is scored.
    """
    best = (num, den) if den else None
    for value in sorted(optional, reverse=sign > 0):
        num, den = num + value, den + 1
        if best is None or sign * (num * best[1] - best[0] * den) > 0:
            best = (num, den)
    return best


@lru_cache(maxsize=10_000)
def narrowing(now: tuple[Ends, ...], moves: tuple[tuple[int, tuple[Ends, ...]], ...]) -> float:
    """How far one answer to a fact can narrow the overall score range, at most (unrounded).

    ``now``: every principle's ends. ``moves``: for each principle the fact moves, its position and its ends
    with the fact answered as each of its states in turn (the same states, in the same order, for all).
    The principles the fact does not move are summed once; each answer adds the moved ones to those sums
    (the mean does not mind the principles' order), which is all the varied part of a batch asks for: a
    description is asked this for each of its open facts (35 of them for a Moscow-sized one).
    """
    total = overall_of(now)
    width = 0.0 if total is None else total[1] - total[0]
    moved = {i for i, _ in moves}
    lows, highs, optional_lows, optional_highs = _gathered(e for i, e in enumerate(now) if i not in moved)
    low_sum, low_count, high_sum, high_count = sum(lows), len(lows), sum(highs), len(highs)
    unchanged = tuple(now[i] for i, _ in moves)  # an answer that moves no principle narrows nothing
    narrows = 0.0
    for combo in set(zip(*(answered for _, answered in moves), strict=True)) - {unchanged}:  # each once
        num_low, den_low, more_lows = low_sum, low_count, optional_lows
        num_high, den_high, more_highs = high_sum, high_count, optional_highs
        for low, high, applies in combo:
            if applies:
                if low is not None:
                    num_low, den_low = num_low + low, den_low + 1
                if high is not None:
                    num_high, den_high = num_high + high, den_high + 1
            else:
                if low is not None:
                    more_lows = [*more_lows, low]
                if high is not None:
                    more_highs = [*more_highs, high]
        lowest = _extreme_mean(num_low, den_low, more_lows, -1)
        highest = _extreme_mean(num_high, den_high, more_highs, 1)
        spread = 0.0 if lowest is None or highest is None else tenths(*highest) - tenths(*lowest)
        narrows = max(narrows, width - spread)
    return narrows


def grade_range(
    score: tuple[float, float] | None, red_line_crossed: bool, red_line_open: bool, scoring: Scoring
) -> tuple[str, str, bool]:
    """(low grade, high grade, capped): each end of the score range graded.

    A crossed red line caps both ends and one that could still be crossed caps the low end. 'incomplete'
    when nothing can be scored.
    """
    if score is None:
        return "incomplete", "incomplete", False
    low, high = grade_for(score[0], scoring.grades), grade_for(score[1], scoring.grades)
    cap = scoring.red_line_grade
    order = [*scoring.grades, "F"]
    capped = False
    if cap in order:
        if red_line_crossed and order.index(high) < order.index(cap):
            high, capped = cap, True
        if (red_line_crossed or red_line_open) and order.index(low) < order.index(cap):
            low, capped = cap, capped or red_line_crossed
    return low, high, capped


def grade_for(score: float, grades: Mapping[str, float]) -> str:
    """The first grade (best first) whose threshold the score reaches, else F."""
    for grade, threshold in grades.items():
        if score >= threshold:
            return grade
    return "F"
