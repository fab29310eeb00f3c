"""The questionnaire, derived from the deployment models: nothing here is written per question.

Sections are the description's sections (``SECTIONS``), questions are the
fact catalogue (``auditkit.model.catalog``), the answers a fact takes are its
type's (yes/no, a number, or the choices with their meanings) plus the
ways a fact can be missing (``Missing``), and every other field (the
programme's details, a source's fields, a fact's note or any field a later
format adds) becomes a form control from its pydantic field: its type picks
the control and its description is the hint. A fact added to a model shows
up here without an edit.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import SECTIONS, About, Deployment, Source
from auditkit.model.facts import Cite, Fact, Missing
from auditkit.model.kinds import YesNo

# Plain words for the ways a fact can be missing; a value the format adds later falls back to its name.
MISSING_MEANINGS = {
    "unknown": "could not be established",
    "undisclosed": "the operator keeps it secret (this counts as evidence about transparency)",
    "not_applicable": "does not apply to this programme",
}
# Fields of a fact that get their own controls (the answer and the citations); the rest are generic.
FACT_CORE = ("value", "sources")
LONG_TEXT = ("description", "note", "reason")
# The radio button of an exact number (a count's plain {"type": "integer"} answer): typed in '<path>.number'.
EXACT = "known"
# Fields of a fact that hold a fact of their own, typed Any in the model (format 2's 'law' and 'practice').
SIDES = tuple(name for name, f in Fact.model_fields.items() if name not in FACT_CORE and f.annotation is Any)
SIDE_TITLES = {name: (Fact.model_fields[name].description or name).split(":", 1)[0] for name in SIDES}


@dataclass(frozen=True)
class Shape:
    """A known answer typed as numbers: an exact number, or a small mapping of them ({at_least: N}, {days: N}).

    Read from the fact type's own JSON Schema (``value_schema``), so bounds, approximate numbers and
    durations come from the model, never from a list here.
    """

    key: str  # the radio button's value
    meaning: str  # the schema's description of this form of answer
    fields: tuple[str, ...]  # the mapping's keys, one number box each; () for an exact number


@dataclass(frozen=True)
class Widget:
    """One form control for one model field."""

    name: str
    label: str
    hint: str
    kind: str  # "text" | "textarea" | "select" | "checkbox" | "number" | "list" | "cites"
    required: bool
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Question:
    """One fact as a question: its answers, the ways it can be missing, and its other fields."""

    info: FactInfo
    name: str
    anchor: str
    answers: tuple[tuple[str, str], ...]  # known answers that are words (value, meaning)
    missing: tuple[tuple[str, str], ...]
    extras: tuple[Widget, ...]
    pinpoints: bool = False  # a citation can say where in the source ({id, at})
    shapes: tuple[Shape, ...] = ()  # known answers that are numbers
    sides: tuple[str, ...] = ()  # the fact can be stated for each of these apart ('law', 'practice')
    bare: tuple[str, ...] = ()  # missing words the format lets a fact be written as alone ('published: unknown')

    @property
    def is_number(self) -> bool:
        """True when one of the answers is a number typed in a box."""
        return any(not shape.fields for shape in self.shapes)

    def side_title(self, side: str) -> str:
        """A side's heading, from the model's description of the field ('What the rules say: ...')."""
        return SIDE_TITLES.get(side, _label(side))

    def shape(self, key: str | None) -> Shape | None:
        """The number answer named ``key`` ('at_least-at_most'), or None."""
        return next((shape for shape in self.shapes if shape.key == key), None)


@dataclass(frozen=True)
class Section:
    """One page of the questionnaire: a section of the description and its facts as questions."""

    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]


def _plain_type(annotation: Any) -> Any:
    """The annotation without ``None`` or metadata (``Annotated[str, ...] | None`` is ``str``)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _plain_type(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain_type(args[0]) if len(args) == 1 else annotation
    return annotation


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def widget(name: str, field: Any) -> Widget | None:
    """The control for one pydantic field, chosen by its type.

    None for a structured field (a list, a nested fact), which the questionnaire leaves as the file has it.
    """
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()
    annotation = _plain_type(field.annotation)
    if annotation is str:
        kind = "textarea" if name in LONG_TEXT else "text"
    elif annotation is bool:
        kind = "checkbox"
    elif annotation is int:
        kind = "number"
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        kind, options = "select", tuple((str(m.value), _label(str(m.value))) for m in annotation)
    elif typing.get_origin(annotation) in (tuple, list) and typing.get_args(annotation)[:1] == (str,):
        kind = "list"  # a list of words: typed separated by commas
    elif typing.get_origin(annotation) is typing.Literal:
        kind, options = "select", tuple((str(v), _label(str(v))) for v in typing.get_args(annotation))
    elif typing.get_origin(annotation) is tuple and typing.get_args(annotation)[:1] == (Cite,):
        kind = "cites"  # citations of sources in the ledger (a disputed fact's 'contested_by')
    else:
        return None
    return Widget(
        name=name,
        label=_label(name),
        hint=field.description or "",
        kind=kind,
        required=field.is_required(),
        options=options,
    )


def widgets(model: type[BaseModel], skip: tuple[str, ...] = ()) -> tuple[Widget, ...]:
    """A control for each field of ``model`` that a form can show, in the model's order."""
    made = (widget(name, field) for name, field in model.model_fields.items() if name not in skip)
    return tuple(w for w in made if w is not None)


@cache
def about_widgets() -> tuple[Widget, ...]:
    """The controls of the programme's page (the description's 'deployment' fields)."""
    return widgets(About)


@cache
def source_widgets() -> tuple[Widget, ...]:
    """The controls of one entry of the sources list."""
    return widgets(Source)


def _fact_class(section: str, name: str) -> type[Fact]:
    model = Deployment.model_fields[section].annotation
    assert isinstance(model, type) and issubclass(model, BaseModel)
    fact = _plain_type(model.model_fields[name].annotation)
    assert isinstance(fact, type) and issubclass(fact, Fact)
    return fact


def _cites_with_pinpoint(fact: type[Fact]) -> bool:
    """True when the format lets a citation carry a pinpoint: its 'sources' items are models with an 'at'."""
    items = typing.get_args(_plain_type(fact.model_fields["sources"].annotation))
    return any(isinstance(i, type) and issubclass(i, BaseModel) and "at" in i.model_fields for i in items)


def answer_forms(fact: type[Fact]) -> tuple[tuple[tuple[str, str], ...], tuple[Shape, ...]]:
    """The known answers a fact type takes, from its JSON Schema: words (const) and numbers (Shape).

    A yes/no answer's schema (boolean, or the words yes and no) has neither: its answers are yes and no.
    """
    schema = fact.value_schema()
    words: list[tuple[str, str]] = []
    shapes: list[Shape] = []
    for alternative in schema.get("anyOf", [schema] if schema else []):
        meaning = str(alternative.get("description", ""))
        if "const" in alternative:
            words.append((str(alternative["const"]), meaning or _label(str(alternative["const"]))))
        elif alternative.get("type") == "integer":
            shapes.append(Shape(EXACT, meaning or "the exact number", ()))
        elif alternative.get("type") == "object" and alternative.get("properties"):
            fields = tuple(alternative["properties"])
            shapes.append(Shape("-".join(fields), meaning or ", ".join(fields), fields))
    return tuple(words), tuple(shapes)


def _bare(fact: type[Fact], word: str) -> bool:
    """True when the model reads ``word`` alone as a whole fact (not_applicable needs its reason beside it)."""
    from pydantic import ValidationError

    try:
        fact.model_validate(word)
    except ValidationError as exc:
        return all(e["type"] != "fact_shape" for e in exc.errors())
    return True


def anchor(path: str) -> str:
    """The HTML id of a fact's question: 'q-legality-published'."""
    return "q-" + path.replace(".", "-")


@cache
def sections() -> tuple[Section, ...]:
    """Every section of the description with its questions, in the format's order."""
    missing = tuple((m.value, MISSING_MEANINGS.get(m.value, _label(m.value))) for m in Missing)
    out = []
    for key in SECTIONS:
        questions = []
        for info in catalogue().values():
            if info.section != key:
                continue
            name = info.path.split(".", 1)[1]
            fact = _fact_class(key, name)
            words, shapes = answer_forms(fact)
            answers = (("yes", "yes"), ("no", "no")) if issubclass(info.kind, YesNo) else words or tuple(info.choices)
            extras = widgets(fact, skip=(*FACT_CORE, *SIDES))
            questions.append(
                Question(
                    info=info,
                    name=name,
                    anchor=anchor(info.path),
                    answers=tuple(answers),
                    missing=missing,
                    extras=extras,
                    pinpoints=_cites_with_pinpoint(fact),
                    shapes=shapes,
                    sides=tuple(side for side in SIDES if side in fact.model_fields),
                    bare=tuple(word for word, _ in missing if _bare(fact, word)),
                )
            )
        model = Deployment.model_fields[key].annotation
        intro = (model.__doc__ or "").strip() if isinstance(model, type) else ""
        title = (Deployment.model_fields[key].description or key).rstrip(".")
        out.append(Section(key=key, title=title, intro=intro, questions=tuple(questions)))
    return tuple(out)


def section(key: str) -> Section | None:
    """The section the URL names, or None."""
    return next((s for s in sections() if s.key == key), None)


def question(path: str) -> Question | None:
    """The question of a fact path ('legality.published'), or None."""
    for s in sections():
        for q in s.questions:
            if q.info.path == path:
                return q
    return None
