"""Find, validate and load frameworks (rule sets kept as data folders).

A framework is a folder holding ``framework.yaml`` and a ``rules/`` folder
with one rule per YAML file. Rules are found by walking that folder, so
there is no registry to forget. Every file is checked against the published
JSON Schema, then against the deployment format (a rule may only read facts
that exist, and compare them with values those facts can hold). A pack read
from a stranger can do no more than that: no code runs, and nothing outside
its folder is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from auditkit.errors import InputError, Problem
from auditkit.model.catalog import FactInfo, catalogue
from auditkit.rules.logic import facts_read, leaves
from auditkit.yamlio import Loaded, read_file

DEFAULT_FRAMEWORK = "agora-2020"
MAX_RULE_FILES = 2000


@dataclass(frozen=True, kw_only=True)
class Reference:
    instrument: str
    locator: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.instrument + (f", {self.locator}" if self.locator else "")


@dataclass(frozen=True, kw_only=True)
class Rule:
    id: str
    title: str
    principle: str
    severity: str
    weight: int
    red_line: bool
    rationale: str
    failure_reason: str
    remedy: str
    references: tuple[Reference, ...]
    met_when: dict[str, Any]
    applies_when: dict[str, Any] | None
    partial_when: dict[str, Any] | None
    cases: tuple[dict[str, Any], ...]
    aliases: tuple[str, ...]
    file: str

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts this rule reads, derived from its conditions."""
        return facts_read(self.applies_when, self.met_when, self.partial_when)


@dataclass(frozen=True, kw_only=True)
class Principle:
    id: str
    title: str
    demand: str
    source_locator: str | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True, kw_only=True)
class Framework:
    id: str
    title: str
    version: str
    description: str | None
    source: dict[str, str]
    scoring: dict[str, Any]
    principles: tuple[Principle, ...]
    folder: str

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for p in self.principles for rule in p.rules)


def builtin_root() -> Path:
    """The folder holding the bundled frameworks."""
    packaged = Path(str(resources.files("auditkit"))) / "principles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "principles"


def builtin_ids() -> list[str]:
    """Ids of the bundled frameworks."""
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / "framework.yaml").is_file())


@cache
def _schema(name: str) -> jsonschema.Draft202012Validator:
    text = resources.files("auditkit").joinpath("schemas", name).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def schema_text(name: str) -> str:
    """The published JSON Schema text ('rule.schema.json' or 'framework.schema.json')."""
    return resources.files("auditkit").joinpath("schemas", name).read_text(encoding="utf-8")


def resolve(spec: str) -> Path:
    """A framework folder from an id of a bundled framework or a folder path."""
    candidate = Path(spec)
    if (candidate / "framework.yaml").is_file():
        return candidate
    if "/" not in spec and "\\" not in spec and (builtin_root() / spec / "framework.yaml").is_file():
        return builtin_root() / spec
    known = ", ".join(builtin_ids())
    if candidate.is_dir():
        raise InputError([Problem(file=spec, message="this folder has no framework.yaml; a rule pack is a "
                                  "folder with framework.yaml and a rules/ folder")])
    raise InputError([Problem(file=spec, message=f"no framework with this id or folder; bundled: {known}")])


def load_framework(spec: str) -> Framework:
    """Load and check a framework by id or folder path; raise InputError listing every problem."""
    return _load_cached(str(resolve(spec).resolve()))


@cache
def _load_cached(folder: str) -> Framework:
    return _load(Path(folder))


def _schema_problems(doc: Loaded, schema: str) -> list[Problem]:
    problems = []
    for error in sorted(_schema(schema).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        message = _schema_message(error)
        problems.append(doc.problem(path, message))
    return problems


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message}; remove it or check its spelling"
    if error.validator == "required":
        return f"{error.message}; add it"
    if error.validator == "oneOf":
        return ("not a valid condition; expected one of {all: [...]}, {any: [...]}, {not: ...}, or "
                "{fact: section.name, is|in|at_most|at_least|disclosed: ...}")
    if error.validator == "enum":
        allowed: list[Any] = list(error.validator_value)  # type: ignore[arg-type]
        return f"{error.instance!r} is not allowed; expected one of: " + ", ".join(map(str, allowed))
    return error.message


def _load(folder: Path) -> Framework:
    root = folder.resolve()
    manifest = read_file(root / "framework.yaml", display=str(folder / "framework.yaml"))
    problems = _schema_problems(manifest, "framework.schema.json")
    if problems:
        raise InputError(problems)
    principle_ids = [p["id"] for p in manifest.data["principles"]]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in _rule_files(root, folder):
        doc = read_file(path, display=str(folder / path.relative_to(root)))
        file_problems = _schema_problems(doc, "rule.schema.json")
        if not file_problems:
            file_problems = _semantic_problems(doc, principle_ids)
        for name in [doc.data.get("id")] + list(doc.data.get("aliases", [])) if not file_problems else []:
            if name in seen:
                file_problems.append(doc.problem(("id",), f"the rule id '{name}' is also used in {seen[name]}; "
                                                 "ids must be unique"))
            seen[name] = doc.file
        problems += file_problems
        if not file_problems:
            rules.append(_rule(doc))
    data = manifest.data
    for pid in principle_ids:
        if not any(r.principle == pid for r in rules) and not problems:
            problems.append(manifest.problem(("principles",), f"principle {pid} has no rules; add at least one"))
    if problems:
        raise InputError(problems)
    principles = tuple(
        Principle(id=p["id"], title=p["title"], demand=p["demand"], source_locator=p.get("source_locator"),
                  rules=tuple(sorted((r for r in rules if r.principle == p["id"]), key=lambda r: r.id)))
        for p in data["principles"])
    return Framework(id=data["id"], title=data["title"], version=data["version"],
                     description=data.get("description"), source=data["source"], scoring=data["scoring"],
                     principles=principles, folder=str(folder))


def _rule_files(root: Path, shown: Path) -> list[Path]:
    rules_dir = root / "rules"
    if not rules_dir.is_dir():
        raise InputError([Problem(file=str(shown), message="this framework has no rules/ folder; add one with "
                                  "one YAML file per rule")])
    files = []
    for path in sorted(rules_dir.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            raise InputError([Problem(file=str(shown / path.relative_to(root)),
                                      message="rule files must be plain files inside the framework folder, "
                                      "not links")])
        files.append(path)
        if len(files) > MAX_RULE_FILES:
            raise InputError([Problem(file=str(shown), message=f"more than {MAX_RULE_FILES} rule files")])
    return files


def _value_fits(info: FactInfo, value: Any) -> bool:
    if info.kind == "yesno":
        return isinstance(value, bool)
    if info.kind == "count":
        return isinstance(value, int) and not isinstance(value, bool)
    return value in dict(info.choices)


def _semantic_problems(doc: Loaded, principle_ids: list[str]) -> list[Problem]:
    data = doc.data
    facts = catalogue()
    problems = []
    if data["principle"] not in principle_ids:
        problems.append(doc.problem(("principle",), f"no principle '{data['principle']}' in framework.yaml; "
                                    f"expected one of: {', '.join(principle_ids)}"))
    for key in ("applies_when", "met_when", "partial_when"):
        if key not in data:
            continue
        for leaf in leaves(data[key]):
            info = facts.get(leaf["fact"])
            if info is None:
                problems.append(doc.problem((key,), f"no fact '{leaf['fact']}' in the deployment format; "
                                            "run 'auditkit schema deployment' for the list"))
                continue
            for op in ("is", "in", "at_most", "at_least"):
                values = leaf.get(op)
                values = values if isinstance(values, list) else [values] if op in leaf else []
                bad = [v for v in values if not _value_fits(info, v)]
                if op in ("at_most", "at_least") and op in leaf and info.kind != "count":
                    bad = values
                if bad:
                    problems.append(doc.problem((key,), f"{leaf['fact']} cannot be {bad[0]!r}; "
                                                f"expected {_expected(info)}"))
    for i, case in enumerate(data["cases"]):
        for path in case["facts"]:
            if path not in facts:
                problems.append(doc.problem(("cases", i, "facts", path), f"no fact '{path}' in the deployment format"))
    return problems


def _expected(info: FactInfo) -> str:
    if info.kind == "yesno":
        return "true or false"
    if info.kind == "count":
        return "a whole number"
    return "one of: " + ", ".join(k for k, _ in info.choices)


def _rule(doc: Loaded) -> Rule:
    d = doc.data
    return Rule(
        id=d["id"], title=d["title"].strip(), principle=d["principle"], severity=d["severity"],
        weight=d["weight"], red_line=d.get("red_line", False), rationale=" ".join(d["rationale"].split()),
        failure_reason=" ".join(d["failure_reason"].split()), remedy=" ".join(d["remedy"].split()),
        references=tuple(Reference(**r) for r in d["references"]), met_when=d["met_when"],
        applies_when=d.get("applies_when"), partial_when=d.get("partial_when"),
        cases=tuple(d["cases"]), aliases=tuple(d.get("aliases", ())), file=doc.file)
