"""Read a deployment file into a validated Deployment, or report every problem.

Every message follows one pattern, for readers who are not programmers:
``file:line:col: field.path: what is wrong; what is expected``. Pydantic's
own wording never reaches the user: each error type it can raise for the
deployment models is translated here, and anything unforeseen falls back to
a neutral sentence rather than a developer message.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from auditkit.errors import InputError, Problem
from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import FORMAT_VERSION, HIRED_BY_WORDS, SECTIONS, SOURCE_KIND_MEANINGS, Deployment
from auditkit.yamlio import (
    MAX_PROBLEMS,
    Loaded,
    PathKey,
    Suggester,
    cap_problems,
    did_you_mean,
    parse_bytes,
    read_file,
    shown,
)

_MISSING_WORDS = ("unknown", "undisclosed")


@dataclass(frozen=True)
class LoadedDeployment:
    """A validated deployment with the bytes it came from."""

    deployment: Deployment
    file: str
    raw: bytes
    warnings: tuple[Problem, ...] = ()  # things a reader of the report will miss; --strict makes them errors
    notices: tuple[Problem, ...] = ()  # a format-1 file: read, and how to upgrade it

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the file's bytes as read, which a report prints so that readers can match it."""
        import hashlib  # only audits need it; validate's start-up does not

        return hashlib.sha256(self.raw).hexdigest()


def load_deployment(path: Path, display: str | None = None) -> LoadedDeployment:
    """Load and validate one deployment file; raise InputError listing every problem."""
    return validate_document(read_file(path, display, keep_problems=True))


def parse_deployment(raw: bytes, name: str) -> LoadedDeployment:
    """Validate a deployment given as bytes (used by tests and benchmarks)."""
    return validate_document(parse_bytes(raw, name, keep_problems=True))


def validate_document(doc: Loaded) -> LoadedDeployment:
    """Validate parsed data against the Deployment model and cross-check source ids.

    Problems found while reading (duplicate keys, refused tags), by the
    model, and in the source ids are reported together, one line each.
    """
    if doc.is_broken(()):
        raise InputError(doc.problems)  # the whole document was refused (a tag on it); nothing else to say
    if not isinstance(doc.data, dict):
        found = (
            "a list"
            if isinstance(doc.data, list)
            else "only an empty value"
            if doc.data is None
            else f"the single value {shown(doc.data)}"
        )
        raise InputError(
            [
                *doc.problems,
                doc.problem(
                    (),
                    f"the file holds {found}, but a deployment is a set "
                    "of 'key: value' lines starting with 'format_version: 1'; "
                    "run 'auditkit init' for a template",
                ),
            ]
        )
    problems = list(doc.problems)
    deployment = None
    try:
        deployment = Deployment.model_validate(doc.data)
    except ValidationError as exc:
        retried = _numbers_as_text(doc, exc)
        if retried is not None:
            try:
                deployment = Deployment.model_validate(retried)
            except ValidationError as again:
                exc = again
        if deployment is None:
            problems += pydantic_problems(exc, doc, Deployment)
    problems += source_problems(doc)
    if problems:
        raise InputError([p.finished() if isinstance(p, _Undeclared) else p for p in _ordered(problems)])
    assert deployment is not None
    notices: tuple[Problem, ...] = ()
    if deployment.format_version == 1:
        notices = (
            doc.problem(
                ("format_version",),
                (
                    f"notice: format_version 1 is read as a subset of format {FORMAT_VERSION} (sources without a kind count "
                    f"as reported); run 'auditkit migrate {doc.file}' to rewrite it as format {FORMAT_VERSION}"
                ),
            ),
        )
    return LoadedDeployment(
        deployment=deployment, file=doc.file, raw=doc.text, notices=notices, warnings=tuple(_warnings(doc, deployment))
    )


def _warnings(doc: Loaded, deployment: Deployment) -> list[Problem]:
    """What a format-2 file leaves a reader unable to check: sources with no address, sources with no kind."""
    if deployment.format_version == 1:
        return []  # the notice says to migrate; listing every source of an old file would bury it
    out = []
    for i, source in enumerate(deployment.sources):
        if source.url is None and source.archive is None:
            out.append(
                doc.problem(
                    ("sources", i),
                    "warning: this source has no url or archive; add 'url:' (or "
                    "'archive:' naming a copy kept elsewhere) so that readers can check it",
                )
            )
        if source.kind is None:
            out.append(
                doc.problem(
                    ("sources", i),
                    "warning: this source has no kind, so facts resting on it count "
                    "as reported; add 'kind:' with one of: " + ", ".join(SOURCE_KIND_MEANINGS),
                )
            )
    return out


def _ordered(problems: list[Problem]) -> list[Problem]:
    unique = {str(p): p for p in problems}
    return cap_problems(sorted(unique.values(), key=lambda p: (p.line or 0, p.column or 0, p.path, p.message)))


def _numbers_as_text(doc: Loaded, exc: ValidationError) -> Any | None:
    """The data with unquoted numbers/booleans put back as typed where text was expected.

    ``period: 2019`` or ``name: true`` are text to the author; YAML reads
    them as a number and a boolean. Returns None when there is nothing to fix.
    """
    fixes = [
        tuple(e["loc"])
        for e in exc.errors(include_url=False)
        if e["type"] == "string_type"
        and tuple(e["loc"]) in doc.plain
        and e["input"] is not None
        and not _is_source_id(tuple(e["loc"]))
    ]
    if not fixes:
        return None
    data = copy.deepcopy(doc.data)
    for loc in fixes:
        parent = data
        for part in loc[:-1]:
            parent = parent[part]
        parent[loc[-1]] = doc.plain[loc]
    return data


def _is_source_id(loc: PathKey) -> bool:
    """A source's id (sources[i].id) or a fact's citation of one (section.fact.sources[i]).

    These are text only: an unquoted 2019 is refused rather than turned into
    text, because a number and the text '2019' are different ids to a reader
    of JSON, and the check for undeclared ids compares text.
    """
    return (len(loc) == 3 and loc[0] == "sources" and loc[2] == "id") or (len(loc) == 4 and loc[2] == "sources")


def source_problems(doc: Loaded) -> list[Problem]:
    """Source ids cited by facts but never declared, and ids declared twice (on the raw data).

    Checked on the raw data so that these are reported even when other parts
    of the file are wrong too. Nothing in the file can switch the check off:
    an entry without a usable id is reported by the model and simply
    declares nothing here; a number where an id belongs is reported by the
    model (put it in quotes) and counts as declared under the digits typed,
    so that the one mistake is not reported twice.
    """
    declared, problems = _declared_sources(doc)
    ids = list(declared)
    suggester = Suggester(ids)
    problems += _instrument_problems(doc)
    for where, ref in _undeclared_citations(doc, declared):
        at = doc.problem(where, _undeclared(ref, ids, ""))
        problems.append(_Undeclared(**vars(at), ref=ref, ids=ids, suggester=suggester))
    return problems


def _declared_sources(doc: Loaded) -> tuple[dict[str, int], list[Problem]]:
    """Each declared source id with the index of its first entry, and the ids declared twice."""
    entries = doc.data.get("sources", [])
    if not isinstance(entries, list):
        entries = []  # the model reports it; every citation is then undeclared, which is true
    problems: list[Problem] = []
    declared: dict[str, int] = {}
    for index, entry in enumerate(entries):
        raw_id = entry.get("id") if isinstance(entry, dict) else None
        source_id = _typed(doc, ("sources", index, "id"), raw_id)
        if source_id is None:
            continue
        if source_id in declared and isinstance(raw_id, str):
            problems.append(
                doc.problem(
                    ("sources", index, "id"),
                    f"the source id '{shown(source_id, quote=False)}' "
                    f"is declared twice (also source {declared[source_id] + 1}); give each "
                    "source its own id",
                )
            )
        declared.setdefault(source_id, index)
    return declared, problems


def _undeclared_citations(doc: Loaded, declared: dict[str, int]) -> list[tuple[PathKey, str]]:
    """Every source id the instruments and the facts cite that is not ``declared``, where.

    Parts the model found broken are skipped.
    """
    data = doc.data
    cited: list[tuple[PathKey, str]] = []
    for key in ("instruments", "contractors"):
        entries = data.get(key)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not doc.is_broken((key, index)):
                cited += _citations(entry, (key, index), declared)
    for section in SECTIONS:
        facts = data.get(section)
        if not isinstance(facts, dict):
            continue
        for name, fact in facts.items():
            if not doc.is_broken((section, name)):
                cited += _citations(fact, (section, name), declared)
    return cited


def _instrument_problems(doc: Loaded) -> list[Problem]:
    """Instrument and contractor ids given twice, and a contractor's chain (on the raw data, like source ids)."""
    problems = _twice(doc, "instruments", "instrument") + _twice(doc, "contractors", "contractor")
    return problems + _chain_problems(doc)


def _ids(doc: Loaded, key: str) -> dict[str, int]:
    """The text ids of a top-level list's entries, each with the index where it is first declared."""
    entries = doc.data.get(key)
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        raw_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(raw_id, str):
            seen.setdefault(raw_id, index)
    return seen


def _twice(doc: Loaded, key: str, what: str) -> list[Problem]:
    """An id given to two entries of one top-level list."""
    entries = doc.data.get(key)
    first = _ids(doc, key)
    return [
        doc.problem(
            (key, index, "id"),
            f"the {what} id '{shown(entry['id'], quote=False)}' is declared twice (also {what} "
            f"{first[entry['id']] + 1}); give each {what} its own id",
        )
        for index, entry in enumerate(entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and first[entry["id"]] != index
    ]


def _chain_problems(doc: Loaded) -> list[Problem]:
    """A contractor hired by an entry that is not there, by itself or in a loop; a contract not listed."""
    entries = doc.data.get("contractors")
    entries = [e if isinstance(e, dict) else {} for e in entries] if isinstance(entries, list) else []
    ids, instruments = _ids(doc, "contractors"), list(_ids(doc, "instruments"))
    problems = []
    for index, entry in enumerate(entries):
        hired_by, contract = entry.get("hired_by"), entry.get("contract")
        if isinstance(hired_by, str) and hired_by not in HIRED_BY_WORDS:
            loop = _loop(entries, ids, index)
            if hired_by not in ids:
                named = [*HIRED_BY_WORDS, *ids]
                problems.append(
                    doc.problem(
                        ("contractors", index, "hired_by"),
                        f"no contractor has the id '{shown(hired_by, quote=False)}'"
                        f"{did_you_mean(hired_by, named)}; write operator, unknown, or the id of the entry "
                        "that hired it",
                    )
                )
            elif loop:
                problems.append(
                    doc.problem(
                        ("contractors", index, "hired_by"),
                        "the chain of contractors goes round in a circle ("
                        + " -> ".join(shown(i, quote=False) for i in loop)
                        + "); one of them was hired by the operator or by someone else: say who",
                    )
                )
        if isinstance(contract, str) and contract not in instruments:
            listed = f"list it under 'instruments' or cite one of: {', '.join(instruments)}"
            problems.append(
                doc.problem(
                    ("contractors", index, "contract"),
                    f"no instrument has the id '{shown(contract, quote=False)}'{did_you_mean(contract, instruments)}; "
                    + (
                        listed if instruments else "list the contract under 'instruments' with this id, or leave it out"
                    ),
                )
            )
    return problems


def _loop(entries: list[dict[str, Any]], ids: dict[str, int], start: int) -> list[str]:
    """The ids round a circle of hired_by from entry ``start`` back to itself, or [] when the chain ends."""
    path = [str(entries[start].get("id"))]
    index = start
    for _ in range(len(entries)):
        hired_by = entries[index].get("hired_by")
        if not isinstance(hired_by, str) or hired_by not in ids:
            return []
        index = ids[hired_by]
        path.append(hired_by)
        if index == start:
            return path
    return []


def _citations(fact: Any, where: PathKey, declared: dict[str, int]) -> list[tuple[PathKey, str]]:
    """The source ids a raw fact cites as text that are not ``declared``, each with its place.

    Citations are read from sources and contested_by, on either side (law, practice). A number where an id belongs is reported by the model (put it in quotes), not here.
    """
    if not isinstance(fact, dict):
        return []
    out: list[tuple[PathKey, str]] = []
    for key in ("sources", "contested_by"):
        refs = fact.get(key)
        if isinstance(refs, list):
            out += _undeclared_refs(refs, (*where, key), declared)
    if ("law" in fact or "practice" in fact) and where[-1] not in ("law", "practice"):
        for side in ("law", "practice"):
            if isinstance(fact.get(side), dict):
                out += _citations(fact[side], (*where, side), declared)
    return out


def _undeclared_refs(refs: list[Any], where: PathKey, declared: dict[str, int]) -> list[tuple[PathKey, str]]:
    """The ids in a list of citations (plain ids or {id, at}) that are not ``declared``, each with its place."""
    out: list[tuple[PathKey, str]] = []
    for i, ref in enumerate(refs):
        if isinstance(ref, str):
            if ref not in declared:
                out.append(((*where, i), ref))
        elif isinstance(ref, dict) and isinstance(ref.get("id"), str) and ref["id"] not in declared:
            out.append(((*where, i, "id"), ref["id"]))
    return out


def _typed(doc: Loaded, loc: PathKey, value: Any) -> str | None:
    """An id as the author typed it: text as is, an unquoted number as its digits, anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return doc.plain.get(loc, str(value))
    return None


@dataclass(frozen=True, kw_only=True)
class _Undeclared(Problem):
    """An undeclared citation whose "did you mean" is worked out only if it is among the problems printed."""

    ref: str
    ids: list[str]
    suggester: Suggester

    def finished(self) -> Problem:
        return Problem(
            file=self.file,
            message=_undeclared(self.ref, self.ids, self.suggester.hint(self.ref)),
            line=self.line,
            column=self.column,
            path=self.path,
        )


def _undeclared(ref: str, declared: list[str], hint: str) -> str:
    if not declared:
        return (
            f"no source has the id '{shown(ref, quote=False)}'; the file declares no sources yet: add one "
            "under the top-level 'sources' list with this id"
        )
    return (
        f"no source has the id '{shown(ref, quote=False)}'{hint}; declare it under the top-level 'sources' "
        "list, or cite one of: "
        + ", ".join(shown(d, quote=False) for d in declared[:8])
        + (", ..." if len(declared) > 8 else "")
    )


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names a model accepts at ``loc`` (for did-you-mean hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = getattr(current, "__args__", (current,))[0]
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        args = [a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)]
        current = args[0] if args else annotation
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def pydantic_problems(exc: ValidationError, doc: Loaded, model: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors into located, plain-words Problems, one per place."""
    problems: dict[tuple[Any, ...], Problem] = {}
    for error in exc.errors(include_url=False):
        if len(problems) > MAX_PROBLEMS:
            break  # cap_problems says that more follow; translating thousands would only cost time
        loc = tuple(error["loc"])
        if doc.is_broken(loc):
            continue  # already reported while reading (a refused tag, an over-long text)
        for where, message in _messages(error, loc, model):
            problems.setdefault(where, doc.problem(where, message))
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.column or 0, p.path))


def _fact_at(loc: PathKey) -> FactInfo | None:
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], str):
        return catalogue().get(f"{loc[0]}.{loc[1]}")
    return None


def _messages(error: Any, loc: PathKey, model: type[BaseModel]) -> list[tuple[PathKey, str]]:
    """(where, message) pairs for one pydantic error; usually one, two for an unsourced bad value."""
    kind, value = error["type"], error.get("input")
    fact = _fact_at(loc)
    if fact is not None and len(loc) == 2 and kind in ("fact_shape", "fact_value", "fact_unsourced"):
        return _fact_messages(kind, value, loc, fact)
    if kind == "fact_novalue":
        has_sources = isinstance(value, dict) and value.get("sources")
        what = "sources but " if has_sources else ""
        return [((*loc, "value"), f"this fact has {what}no 'value'; add 'value: ...' or write unknown")]
    if kind == "fact_bounds":
        return [((*loc, "value"), str(error["msg"]))]
    if kind.startswith(("fact_", "instrument_", "contractor_")) or kind == "cite_shape":
        return [(loc, str(error["msg"]))]
    return [(loc, _field_message(kind, value, loc, error, model))]


def _fact_messages(kind: str, value: Any, loc: PathKey, fact: FactInfo) -> list[tuple[PathKey, str]]:
    expected = fact.kind.expected
    form = "{value: ..., sources: [source-id]}"
    if kind == "fact_unsourced":
        answer = shown(value.get("value") if isinstance(value, dict) else value, quote=False)
        return [
            (
                loc,
                (
                    f"the answer {answer} has no source; add 'sources: [source-id]' naming an entry of "
                    "the top-level 'sources' list, or write unknown if you cannot source it"
                ),
            )
        ]
    if kind == "fact_shape":
        if not isinstance(value, (list, dict)) and fact.kind.accepts(value):
            answer = shown(value, quote=False)
            return [
                (
                    loc,
                    (
                        f"the answer {answer} needs its source; write {{value: {answer}, sources: "
                        f"[source-id]}} naming an entry of the 'sources' list, or write unknown"
                    ),
                )
            ]
        hint = did_you_mean(value, [*_MISSING_WORDS, *(k for k, _ in fact.choices)]) if isinstance(value, str) else ""
        return [
            (
                loc,
                (
                    f"{shown(value)} is not an answer here{hint}; expected {expected}, written {form}, "
                    "or unknown or undisclosed"
                ),
            )
        ]
    raw = value.get("value") if isinstance(value, dict) else value
    hint = did_you_mean(str(raw), list(fact.kind.choices)) if fact.kind.choices else ""
    out: list[tuple[PathKey, str]] = [
        ((*loc, "value"), (f"{shown(raw)} is not an answer here{hint}; expected {expected}, or unknown or undisclosed"))
    ]
    if isinstance(value, dict) and not value.get("sources"):
        out.append(((*loc, "sources"), "this answer has no source either; add 'sources: [source-id]'"))
    return out


def _field_message(kind: str, value: Any, loc: PathKey, error: Any, model: type[BaseModel]) -> str:
    """Plain words for every pydantic error type the deployment models can raise."""
    name = str(loc[-1]) if loc else ""
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_field(loc, model)
    if kind == "missing":
        if name == "value":
            return "this fact has sources but no 'value'; add 'value: ...' or write unknown"
        return f"the required field '{name}' is missing; add it" + (
            f" (write 'format_version: {FORMAT_VERSION}')" if name == "format_version" else ""
        )
    if loc == ("format_version",):
        return (
            f"this file says format_version {shown(value, quote=False)}, but this auditkit reads format_version "
            f"{FORMAT_VERSION} (and 1); write 'format_version: {FORMAT_VERSION}' (or upgrade auditkit if the "
            "file was made by a newer version)"
        )
    for message in (
        _scalar_message(kind, value, name, ctx),
        _shape_message(kind, value, loc),
        _text_message(kind, value, name, ctx),
    ):
        if message is not None:
            return message
    return _value_message(kind, value, name, error)


def _scalar_message(kind: str, value: Any, name: str, ctx: dict[str, Any]) -> str | None:
    """A value that is not one of a list, a yes/no, a whole number or a date; None for other errors."""
    if kind in ("enum", "literal_error"):
        allowed = {"kind": ", ".join(SOURCE_KIND_MEANINGS), "role": "primary, secondary"}.get(
            name, str(ctx.get("expected", "")).replace("'", "")
        )
        return f"{shown(value)} is not allowed here; expected one of: {allowed}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown(value)} is not a yes/no answer; expected yes or no"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{shown(value)} is not a whole number; expected a number such as 1"
    if kind == "date":
        return f"{shown(value)} is not a date; {ctx.get('reason')}"
    return None


def _shape_message(kind: str, value: Any, loc: PathKey) -> str | None:
    """Text, a section or a list where something else was written; None for other errors."""
    if kind == "string_type" and _is_source_id(loc) and isinstance(value, (int, float)):
        typed = shown(value, quote=False)
        return f'the source id {typed} is a number, but source ids are text; put it in quotes: "{typed}"'
    if kind == "string_type":
        if value is None:
            return "this is empty; write the text here"
        return (
            f"expected text here, not {shown(value)}; write the text on the same line, in quotes "
            "if it contains ': ' or starts with a symbol"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a section of 'key: value' lines here, not {shown(value)}"
    if kind in ("tuple_type", "list_type"):
        example = f"[{shown(value, quote=False)}]" if isinstance(value, str) else "[a, b]"
        return f"expected a list here, not {shown(value)}; write {example}, or one '- item' per line"
    return None


def _text_message(kind: str, value: Any, name: str, ctx: dict[str, Any]) -> str | None:
    """Text that is empty, too long or not in its form (a source id, an audit date); None for other errors."""
    if kind == "string_too_short":
        return "this is empty; write the text here"
    if kind == "string_too_long":
        return f"this text is longer than {ctx.get('max_length')} characters; shorten it"
    if kind == "string_pattern_mismatch":
        if name == "id":
            return (
                f"{shown(value)} cannot be a source id; use up to 64 letters, digits, '-', '_' or '.', "
                "starting with a letter or digit"
            )
        if name == "audit_date":
            return f"{shown(value)} is not a date; write it as YYYY-MM-DD"
        return f"{shown(value)} is not in the expected form"
    return None


def _value_message(kind: str, value: Any, name: str, error: Any) -> str:
    """A value a validator refused (a source's date or url, a fact's answer), or any other error in its words."""
    if kind == "value_error" and name == "date":
        return f"{shown(value)} is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD, or write undated"
    if kind == "value_error" and name == "url":
        return f"{shown(value)} is not a web address; write it in full, starting with https:// or http://"
    if kind in ("value_error", "assertion_error"):
        reason = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{shown(value)} is not valid here; {reason}"
    return f"{shown(value)} is not valid here ({str(error['msg']).lower()})"


def _unknown_field(loc: PathKey, model: type[BaseModel]) -> str:
    key = str(loc[-1])
    allowed = _fields_at(model, loc[:-1])
    home = [info.section for info in catalogue().values() if info.path.split(".", 1)[1] == key]
    # Only a fact written at the top level or in another section is told to move; a source's mistyped
    # field ('published' for 'publisher') is a spelling slip, answered below.
    in_a_section = len(loc) == 1 or (len(loc) == 2 and loc[0] in SECTIONS)
    if home and in_a_section and (len(loc) == 1 or loc[0] != home[0]):
        return (
            f"unknown field '{shown(key, quote=False)}' here; it is a question of the '{home[0]}' section, "
            "so move it there"
        )
    hint = did_you_mean(key, allowed)
    if hint or not allowed:
        return f"unknown field '{shown(key, quote=False)}'{hint}; check its spelling or remove it"
    return f"unknown field '{shown(key, quote=False)}'; expected one of: {', '.join(allowed)}"
