"""Posted form fields into the description's data, and the data back into what a form shows.

This module only moves what the user typed into the shape a YAML file has
(``{value: ..., sources: [...], note: ...}``): it never judges an answer.
Whatever was typed is kept as typed, so that ``auditkit validate``'s own
message can be shown beside the field; keys the form does not know (from an
opened file) are kept as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from auditkit.model.kinds import YesNo
from auditkit.web.questions import EXACT, Question, Widget

KNOWN_NUMBER = EXACT  # the radio button that says "the number typed here"
KEEP = "keep"  # the radio button that keeps an answer the form cannot show
SPLIT = "split"  # the checkbox that states the rules and the practice apart ('<path>.split')


class Form(Protocol):
    """What a posted form offers (Starlette's FormData has both)."""

    def get(self, key: str, /) -> Any:
        """The last value posted under ``key``, or None."""

    def getlist(self, key: str, /) -> list[Any]:
        """Every value posted under ``key``, in the order posted."""


@dataclass(frozen=True)
class Shown:
    """A fact (or one side of it) as its question shows it."""

    answer: str | None  # the checked radio button; None when the file holds something no button means
    number: str = ""
    sources: tuple[str, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)
    pinpoints: Mapping[str, str] = field(default_factory=dict)  # source id -> where in it
    kept: str = ""  # the answer as the file states it, when it is kept (KEEP)
    numbers: Mapping[str, str] = field(default_factory=dict)  # a shape's number boxes: {"at_least": "100"}
    sides: Mapping[str, Shown] = field(default_factory=dict)  # 'law' and 'practice', each shown as a fact
    split: bool = False  # the file states the sides apart


_NO_VALUE = object()  # a fact written without 'value' (format 2's law: and practice:)


def _missing_words(q: Question) -> tuple[str, ...]:
    return tuple(value for value, _ in q.missing)


def _citations(refs: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    """Cited ids, and their pinpoints, from a fact's 'sources' list (ids, or {id, at} in format 2)."""
    ids: list[str] = []
    at: dict[str, str] = {}
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict):
            ids.append(str(ref.get("id")))
            if ref.get("at") is not None:
                at[str(ref.get("id"))] = str(ref["at"])
        else:
            ids.append(str(ref))
    return tuple(ids), at


def _as_text(value: Any) -> str:
    import json

    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _extra_shown(w: Widget, value: Any) -> Any:
    return list(_citations(value)[0]) if w.kind == "cites" else value


def shown(q: Question, raw: Any, *, side: bool = False) -> Shown:
    """How the fact ``raw`` (as in the file) fills in the question's controls; ``side``: law or practice."""
    sides = {} if side else {name: Shown(answer="unknown") for name in q.sides}
    if raw is None:
        return Shown(answer="unknown", sides=sides)
    body = raw if isinstance(raw, dict) else {"value": raw}
    value = body.get("value")
    sources, pinpoints = _citations(body.get("sources"))
    extras = {w.name: _extra_shown(w, body.get(w.name)) for w in q.extras if body.get(w.name) is not None}
    common = Shown(answer=None, sources=sources, extras=extras, pinpoints=pinpoints, sides=sides)
    if not side and q.sides and "value" not in body and any(name in body for name in q.sides):
        return replace(common, split=True, sides={name: shown(q, body.get(name), side=True) for name in q.sides})
    numbered = _numbered(q, value, common)
    if numbered is not None:
        return numbered
    if "value" not in body or isinstance(value, dict | list):  # something no control can show: kept
        rest = {k: v for k, v in body.items() if k not in ("sources", *extras, *q.sides)}
        return replace(common, answer=KEEP, kept=_as_text(rest.get("value", rest)))
    return _answered(q, value, common)


def _numbered(q: Question, value: Any, common: Shown) -> Shown | None:
    """``value`` in the boxes of the number answer that holds it ({at_least: 100}), or None when none does."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
        return None
    for shape in q.shapes:
        if shape.fields and set(value) <= set(shape.fields):
            return replace(common, answer=shape.key, numbers={k: str(v) for k, v in value.items()})
    return None


def _answered(q: Question, value: Any, common: Shown) -> Shown:
    """A plain value's button: a missing word, yes or no, a known word, a number typed, or none that fits.

    ``common`` is the fact as shown with no button checked: its citations, pinpoints, extras and sides.
    """
    if isinstance(value, str) and value.strip().lower() in _missing_words(q):
        return replace(common, answer=value.strip().lower())
    if issubclass(q.info.kind, YesNo):
        answer = YesNo.read_answer(value)
        return replace(common, answer=YesNo.describe(answer) if isinstance(answer, bool) else None)
    keys = [k for k, _ in q.answers]
    if value in keys:
        return replace(common, answer=value)
    if q.is_number:
        return replace(common, answer=KNOWN_NUMBER, number="" if value is None else str(value))
    return common


def _number(text: str) -> int | str:
    """Digits become a number, as YAML reads them; anything else stays the text typed."""
    return int(text) if re.fullmatch(r"[0-9]{1,30}", text) else text


def _typed(w: Widget, text: Any) -> Any:
    """A control's posted value in the file's terms; None leaves the key out."""
    if w.kind == "checkbox":
        return text is not None
    if text is None:
        return None
    text = str(text)
    if w.kind == "list":
        items = [item.strip() for item in text.split(",") if item.strip()]
        return items or None
    if w.kind == "number" and text.strip():
        return _number(text.strip())
    if text == "" and not w.required:
        return None
    return text


def read_fact(q: Question, form: Form, old: Any) -> Any:
    """The fact as the form now states it (None: leave it out of the file, which means unknown)."""
    path = q.info.path
    if form.get(path) is None and form.get(path + ".shown") is None:
        return old  # the form did not carry this question at all: the fact stays as it was
    if q.sides and form.get(f"{path}.{SPLIT}"):  # the rules and the practice, each a fact of its own
        before = old if isinstance(old, dict) else {}
        if not any(name in before or form.get(f"{path}.{name}.shown") for name in q.sides):
            # just split (the page had no controls for the sides yet): both sides start as the one answer
            one = _read_answer(q, form, path, old)
            return {name: "unknown" if one is None else one for name in q.sides}
        body: dict[str, Any] = {}
        for name in q.sides:
            stated = _read_answer(q, form, f"{path}.{name}", before.get(name))
            body[name] = "unknown" if stated is None else stated
        extras = _read_extras(q, form, path)
        keep = {k: v for k, v in before.items() if k not in ("value", "sources", *q.sides, *extras, *_names(q))}
        return {**body, **extras, **keep}
    return _read_answer(q, form, path, old)


def _names(q: Question) -> tuple[str, ...]:
    return tuple(w.name for w in q.extras)


def _read_extras(q: Question, form: Form, path: str) -> dict[str, Any]:
    extras = {}
    for w in q.extras:
        if w.kind == "cites":
            value: Any = [str(ref) for ref in form.getlist(f"{path}.{w.name}")] or None
        else:
            value = _typed(w, form.get(f"{path}.{w.name}"))
        if value is not None and value is not False:
            extras[w.name] = value
    return extras


def _read_answer(q: Question, form: Form, path: str, old: Any) -> Any:
    """One statement of the fact (the fact itself, or its law or practice side) from the controls under ``path``."""
    answer = form.get(path)
    before = shown(q, old, side=True)
    number = str(form.get(path + ".number") or "").strip()
    missing = _missing_words(q)
    kept_value = old.get("value", _NO_VALUE) if isinstance(old, dict) else "unknown" if old is None else old
    shape = q.shape(answer)
    if answer is None or answer == KEEP:  # no button is ticked, or 'keep': the answer stays as the file has it
        value: Any = kept_value
    elif q.is_number and (
        answer == KNOWN_NUMBER or (answer in missing and answer == before.answer and number and number != before.number)
    ):
        value = _number(number)  # a number typed without ticking its button still counts as the answer
    elif shape is not None:  # bounds, about, days, hours: the boxes filled in
        typed = {f: str(form.get(f"{path}.{f}") or "").strip() for f in shape.fields}
        value = {f: _number(text) for f, text in typed.items() if text}
    elif answer in missing:
        value = answer
    elif issubclass(q.info.kind, YesNo) and answer in ("yes", "no"):
        value = answer == "yes"
    else:
        value = answer
    cited = [str(s) for s in form.getlist(path + ".sources")]
    ids = [s for s in before.sources if s in cited] + [s for s in cited if s not in before.sources]
    ordered: list[Any] = []
    for ref in ids:
        at = str(form.get(f"{path}.at.{ref}") or "").strip() if q.pinpoints else ""
        ordered.append({"id": ref, "at": at} if at else ref)
    extras = _read_extras(q, form, path)
    keep = (
        {k: v for k, v in old.items() if k not in ("value", "sources", *q.sides, *extras, *_names(q))}
        if isinstance(old, dict)
        else {}
    )
    if isinstance(value, str) and value in q.bare and not ordered and not extras and not keep:
        return None if value == "unknown" and old is None else value
    body: dict[str, Any] = {} if value is _NO_VALUE else {"value": value}
    if ordered:
        body["sources"] = ordered
    return {**body, **extras, **keep}


def read_fields(widgets: Iterable[Widget], form: Form, prefix: str, old: Any) -> dict[str, Any]:
    """A section of plain fields (the programme's details, one source) as the form states it."""
    out = dict(old) if isinstance(old, dict) else {}
    for w in widgets:
        value = _typed(w, form.get(f"{prefix}.{w.name}"))
        if value is None or (w.kind == "checkbox" and value is False and w.name not in out):
            out.pop(w.name, None)
        else:
            out[w.name] = value
    return out
