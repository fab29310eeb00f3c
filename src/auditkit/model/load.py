"""Read a deployment file into a validated Deployment, or report every problem."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from auditkit.errors import InputError, Problem
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.yamlio import Loaded, parse_bytes, read_file


@dataclass(frozen=True)
class LoadedDeployment:
    """A validated deployment with the bytes it came from."""

    deployment: Deployment
    file: str
    raw: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def load_deployment(path: Path, display: str | None = None) -> LoadedDeployment:
    """Load and validate one deployment file; raise InputError listing every problem."""
    return validate_document(read_file(path, display))


def parse_deployment(raw: bytes, name: str) -> LoadedDeployment:
    """Validate a deployment given as bytes (used by tests and benchmarks)."""
    return validate_document(parse_bytes(raw, name))


def validate_document(doc: Loaded) -> LoadedDeployment:
    """Validate parsed data against the Deployment model and cross-check source ids."""
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "the file must be a mapping of keys to values "
                                      "(start with 'format_version: 1'); run 'auditkit init' for a template")])
    try:
        deployment = Deployment.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(exc, doc, Deployment)) from None
    problems = _source_problems(deployment, doc)
    if problems:
        raise InputError(problems)
    return LoadedDeployment(deployment=deployment, file=doc.file, raw=doc.text)


def _source_problems(deployment: Deployment, doc: Loaded) -> list[Problem]:
    declared: dict[str, int] = {}
    problems: list[Problem] = []
    for index, source in enumerate(deployment.sources):
        if source.id in declared:
            problems.append(doc.problem(("sources", index, "id"), f"the source id '{source.id}' is declared "
                                        f"twice; give each source its own id"))
        declared.setdefault(source.id, index)
    for path in catalogue():
        fact = get_fact(deployment, path)
        if fact is None:
            continue
        section, name = path.split(".", 1)
        for i, ref in enumerate(fact.sources):
            if ref not in declared:
                hint = _did_you_mean(ref, list(declared))
                problems.append(doc.problem((section, name, "sources", i),
                                            f"no source has the id '{ref}'{hint}; declare it under the "
                                            f"top-level 'sources' list"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            allowed = _fields_at(model, loc[:-1])
            hint = _did_you_mean(str(loc[-1]), allowed)
            listing = f"; expected one of: {', '.join(allowed)}" if allowed and not hint else ""
            message = f"unknown field '{loc[-1]}'{hint}{listing}"
        elif kind == "missing":
            message = "this required field is missing; add it"
        elif kind in ("fact_shape", "fact_value", "fact_unsourced"):
            message = error["msg"]
        elif kind == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
        elif kind == "string_type":
            message = "expected text here"
        elif kind in ("model_type", "dict_type"):
            message = "expected a section of 'key: value' lines here"
        elif kind in ("tuple_type", "list_type"):
            message = "expected a list here (lines starting with '- ')"
        elif kind == "string_pattern_mismatch":
            message = "this text is not in the expected form"
            if loc and loc[-1] == "id":
                message += "; use letters, digits, '-', '_' or '.'"
            elif loc and loc[-1] == "audit_date":
                message += "; write the date as YYYY-MM-DD"
        else:
            message = f"{error['msg']}"
        key = loc if kind != "missing" else loc
        problems.setdefault(key, doc.problem(loc, message))
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.column or 0, p.path))
