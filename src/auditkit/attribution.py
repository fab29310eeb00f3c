"""Attribution: a finding that rests on reported or alleged facts says so, with the source.

A report must survive a hostile reading: "The data is sold" asserts, "It is
alleged [4], but not established, that the data is sold" attributes. The
engine calls ``attribute`` once the sources are numbered, so the sentence
can name them.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditkit.model.facts import STANDING_RANK, Standing
from auditkit.model.result import Finding, SourceInfo, Status

DEFAULT_EVIDENCE = "reported"
PARTLY = "Partly met: "  # how the engine opens a partial finding's explanation


def weakest(standings: Iterable[str | None]) -> str | None:
    """The weakest standing among those given (disputed before alleged), or None when none is known."""
    return _weakest(frozenset(standings))


_WEAKEST: dict[frozenset[str | None], str | None] = {}


def _weakest(standings: frozenset[str | None]) -> str | None:
    """``weakest`` by the set of standings given, kept: it reads nothing else, and there are 32 sets at most."""
    if standings in _WEAKEST:
        return _WEAKEST[standings]
    found = _WEAKEST[standings] = _plain_weakest(standings)
    return found


def _plain_weakest(standings: Iterable[str | None]) -> str | None:
    known = [Standing(s) for s in standings if s is not None]
    if not known:
        return None
    order = [Standing.DISPUTED, Standing.ALLEGED, Standing.REPORTED, Standing.ESTABLISHED]
    return min(known, key=lambda s: (STANDING_RANK[s], order.index(s))).value


def _lower_first(sentence: str) -> str:
    """'The data ...' -> 'the data ...', leaving acronyms and names such as 'DIT' or 'NtechLab' alone."""
    first = sentence.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence


SHOWN_REFS = 3  # the sentence names a few sources; the finding's own list of facts names them all


def _refs(ids: list[str], numbers: dict[str, int]) -> str:
    found = sorted({numbers[i] for i in ids if i in numbers})
    more = len(found) - SHOWN_REFS
    return "".join(f"[{n}]" for n in found[:SHOWN_REFS]) + (f" (and {more} more)" if more > 0 else "")


def sentence(finding: Finding, numbers: dict[str, int]) -> str:
    """The finding's explanation, attributed to its sources when it rests on facts that are not established."""
    standing = finding.standing
    if standing in (None, Standing.ESTABLISHED.value) or finding.status in (Status.UNKNOWN, Status.NOT_APPLICABLE):
        return finding.explanation
    weak = [f for f in finding.facts if f.counted and f.standing == standing]
    refs = _refs([s for f in weak for s in f.sources], numbers)
    contested = _refs([s for f in weak for s in f.contested_by], numbers)
    ref = f" {refs}" if refs else ""
    if standing == Standing.DISPUTED.value:
        lead = f"It is alleged{ref}, and contested by the operator{' ' + contested if contested else ''},"
    elif standing == Standing.ALLEGED.value:
        lead = f"It is alleged{ref}, but not established,"
    else:
        lead = f"It has been reported{ref}, but not established,"
    if finding.status is Status.MET:
        return f"{lead} that the facts meet the requirement."
    if finding.status is Status.PARTIAL:
        reached = finding.explanation.removeprefix(PARTLY)
        return f"{lead} that the requirement is only partly met: {reached}"
    return f"{lead} that {_lower_first(finding.explanation)}"


def attribute(findings: list[Finding], sources: list[SourceInfo]) -> list[Finding]:
    """Findings with their explanations attributed (unchanged when they rest on established facts)."""
    numbers = {s.id: s.number for s in sources}
    out = []
    for finding in findings:
        text = sentence(finding, numbers)
        out.append(finding if text == finding.explanation else finding.model_copy(update={"explanation": text}))
    return out
