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

import hashlib
import itertools
import json
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from auditkit.errors import InputError, Problem
from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.facts import Duration
from auditkit.model.kinds import Count, Period
from auditkit.model.result import Status
from auditkit.model.scoring import Scoring
from auditkit.rules.model import (
    AllOf,
    AnyOf,
    Case,
    ChangelogEntry,
    Condition,
    Framework,
    Leaf,
    Not,
    Operator,
    Origin,
    Principle,
    Reference,
    Rule,
    Term,
    Threshold,
    parse_condition,
)
from auditkit.yamlio import MAX_PROBLEMS, Loaded, PathKey, cap_problems, did_you_mean, read_file, shown

if TYPE_CHECKING:  # imported where a file is checked against its schema (see _schema)
    import jsonschema

DEFAULT_FRAMEWORK = "agora-2020"
# Limits on what a pack may cost to load (docs/limits.md). Each is checked on the parsed data before the
# JSON Schema, whose checking of conditions (oneOf) costs about 0.4 ms per condition.
MAX_RULE_FILES = 150  # the bundled framework has 60; a report on 150 rules runs to about 150 pages
MAX_RULE_DEPTH = 8  # folders inside rules/; the bundled framework uses none
MAX_PACK_BYTES = 4 * 1024 * 1024  # all of a pack's files together; the bundled one is 110 KiB
MAX_PACK_VALUES = 60_000  # keys and values in all files together; the bundled one has about 6,000
MAX_RULE_CONDITIONS = 100  # conditions in one rule's applies_when, met_when and partial_when; bundled: 6
MAX_PACK_CONDITIONS = 2_000  # conditions in all rules together; bundled: about 150
MAX_RULE_CASES = 50  # test cases in one rule; bundled: 2 to 4
RULE_HINT = "a rule is 'key: value' lines (id, title, principle, met_when, ...); copy a bundled rule to start"
MANIFEST_HINT = "framework.yaml is 'key: value' lines (id, title, version, source, scoring, principles)"
_CONDITION_KEYS = ("all", "any", "not", "fact", "aspect", *Operator)
ASPECTS = ("law", "practice")  # the sides of a fact a condition may read alone (docs/format.md)
_CONDITION_FORM = (
    f"expected {{all: [...]}}, {{any: [...]}}, {{not: ...}} or {{fact: section.name, {'|'.join(Operator)}: ...}}"
)
_OPERATOR_WORDS = ", ".join(list(Operator)[:-1]) + f" or {list(Operator)[-1]}"
_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "a section of 'key: value' lines",
    "null": "empty",
}
_PATTERN_WORDS = {
    "id": "use capital letters, digits and '-', such as P7-01",
    "framework_id": "use lowercase letters, digits and '-', such as agora-2020",
    "version": 'write it like "1.0", in quotes',
    "url": "write a web address starting with https://",
    "fact": "write section.name, such as retention.max_days",
    "legal_order": "write international, council_of_europe, eu, civil_society or national: and a "
    "two-letter country code, such as national:RU",
}


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
    import jsonschema  # here, not at the top: loading the bundled rules needs none of it (see _checked_before)

    text = resources.files("auditkit").joinpath("schemas", name).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


# The digest of every bundled rule-pack file that passed its JSON Schema, committed beside this module and held
# current by tests/test_rule_packs.py (`pytest tests/test_rule_packs.py --update-golden` rewrites it).
CHECKED_NAME = "schema-checked.json"


def checked_digest(text: bytes, schema: str) -> str:
    """The sha256 of a schema's text and a file's bytes: what the schema check of that file depends on."""
    digest = _schema_digest(schema).copy()
    digest.update(text)
    return digest.hexdigest()


@cache
def _schema_digest(schema: str) -> hashlib._Hash:
    return hashlib.sha256(resources.files("auditkit").joinpath("schemas", schema).read_bytes() + b"\0")


@cache
def _checked() -> frozenset[str]:
    text = resources.files("auditkit").joinpath("rules", CHECKED_NAME).read_text(encoding="utf-8")
    return frozenset(json.loads(text)["files"].values())


def _checked_before(doc: Loaded, schema: str) -> bool:
    """True when these very bytes passed this very schema before the package was released.

    The check is a pure function of the two (the parsed data comes from the bytes alone), and it was most of
    the time loading the bundled rule set took (about 35 ms of 65, with 30 ms more to import jsonschema, on
    every command that audits). Any other file, an edited bundled rule among them, is checked.
    """
    return checked_digest(doc.text, schema) in _checked()


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
        raise InputError(
            [
                Problem(
                    file=spec,
                    message="this folder has no framework.yaml; a rule pack is a "
                    "folder with framework.yaml and a rules/ folder",
                )
            ]
        )
    raise InputError([Problem(file=spec, message=f"no framework with this id or folder; bundled: {known}")])


# Accepted in framework.yaml so that older rule packs still load, and ignored: min_coverage since result schema 2,
# explanation since the method's sentences are generated from the thresholds (auditkit.model.scoring).
_RETIRED_SCORING_KEYS = ("min_coverage", "explanation")


def _scoring(data: dict[str, Any]) -> Scoring:
    """The typed scoring thresholds of a framework.yaml that passed its schema."""
    return Scoring.model_validate({k: v for k, v in data.items() if k not in _RETIRED_SCORING_KEYS})


def load_framework(spec: str) -> Framework:
    """Load and check a framework by id or folder path; raise InputError listing every problem."""
    return _load_cached(str(resolve(spec).resolve()))


@cache
def _load_cached(folder: str) -> Framework:
    return _load(Path(folder))


def _schema_problems(doc: Loaded, schema: str) -> list[Problem]:
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"the single value {shown(doc.data)}"
        what = "a rule" if schema == "rule.schema.json" else "framework.yaml"
        return [doc.problem((), f"the file holds {found}, but {what} is a set of 'key: value' lines")]
    if _checked_before(doc, schema):
        return []
    problems = []
    # At most one more than will be printed: translating thousands of errors would only cost time.
    for error in itertools.islice(_schema(schema).iter_errors(doc.data), MAX_PROBLEMS + 1):
        path, message = _schema_message(error, tuple(error.absolute_path))
        problems.append(doc.problem(path, message))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def _manifest_problems(manifest: Loaded) -> list[Problem]:
    """What the schema cannot say about framework.yaml: grade thresholds must go down from best to worst.

    A score gets the first grade whose threshold it reaches, so {F: 50, A: 90}
    would give a score of 100 an F.
    """
    grades = list(manifest.data["scoring"]["grades"].items())
    return [
        manifest.problem(
            ("scoring", "grades", worse),
            f"grade '{shown(worse, quote=False)}' comes after "
            f"'{shown(better, quote=False)}' but its threshold {low:g} is not below {high:g}; list "
            "grades from best to worst, each with a lower threshold than the one before",
        )
        for (better, high), (worse, low) in itertools.pairwise(grades)
        if low >= high
    ]


class _Budget:
    """What a pack has cost so far; refuses a file that takes it past a limit, before schema validation."""

    def __init__(self) -> None:
        self.bytes = self.values = self.conditions = 0

    def charge(self, doc: Loaded) -> list[Problem]:
        """Problems of this file alone (too many conditions or cases); raise when the pack is too big."""
        self.bytes += len(doc.text)
        self.values += _count(doc.data)
        if self.bytes > MAX_PACK_BYTES:
            raise InputError(
                [
                    Problem(
                        file=doc.file,
                        message=f"the rule pack is larger than "
                        f"{MAX_PACK_BYTES // (1024 * 1024)} MiB in all, with this file; a pack of "
                        "hundreds of rules is far smaller, so this is probably not a rule pack",
                    )
                ]
            )
        if self.values > MAX_PACK_VALUES:
            raise InputError(
                [
                    Problem(
                        file=doc.file,
                        message=f"the rule pack holds more than {MAX_PACK_VALUES} keys "
                        "and values in all, with this file; a pack of hundreds of rules has far "
                        "fewer",
                    )
                ]
            )
        if not isinstance(doc.data, dict):
            return []
        problems = []
        conditions = sum(_count(doc.data[key], dicts_only=True) for key in _CONDITION_FIELDS if key in doc.data)
        if conditions > MAX_RULE_CONDITIONS:
            problems.append(
                doc.problem(
                    next(((k,) for k in _CONDITION_FIELDS if k in doc.data), ()),
                    f"this rule has {conditions} conditions, more than the "
                    f"{MAX_RULE_CONDITIONS} allowed; split it into several rules",
                )
            )
        self.conditions += conditions
        if self.conditions > MAX_PACK_CONDITIONS:
            raise InputError(
                [
                    Problem(
                        file=doc.file,
                        message=f"the rule pack has more than {MAX_PACK_CONDITIONS} "
                        "conditions in all, with this file; split it into several packs",
                    )
                ]
            )
        cases = doc.data.get("cases")
        if isinstance(cases, list) and len(cases) > MAX_RULE_CASES:
            problems.append(
                doc.problem(
                    ("cases",),
                    f"this rule has {len(cases)} test cases, more than the "
                    f"{MAX_RULE_CASES} allowed; keep the ones that show something new",
                )
            )
        return problems


_CONDITION_FIELDS = ("applies_when", "met_when", "partial_when")


def _count(data: Any, *, dicts_only: bool = False) -> int:
    """How many keys and values (or only sections: in a condition tree, conditions) ``data`` holds."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += 1 if dicts_only else 1 + len(item)  # the section and its keys
            stack.extend(item.values())
        elif isinstance(item, list):
            count += 0 if dicts_only else 1
            stack.extend(item)
        elif not dicts_only:
            count += 1
    return count


def _schema_message(error: jsonschema.ValidationError, path: PathKey) -> tuple[PathKey, str]:
    """Where and what, in plain words, for one JSON Schema error (jsonschema's wording never leaks)."""
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "oneOf":
        return _condition_problem(instance, path) or (path, f"not a valid condition; {_CONDITION_FORM}")
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))  # type: ignore[union-attr]
        extra = [str(k) for k in instance if k not in allowed]
        return (*path, extra[0]), (
            f"unknown field '{shown(extra[0], quote=False)}'{did_you_mean(extra[0], allowed)}; "
            "check its spelling or remove it"
        )
    if kind == "required":
        found = re.match(r"'(.+)' is a required property", error.message)
        return path, f"the required field '{found[1] if found else value}' is missing; add it"
    if kind == "dependentRequired":
        found = re.match(r"'(.+)' is a dependency of '(.+)'", error.message)
        needed, given = (found[1], found[2]) if found else ("url", "locator")
        return path, (
            f"a reference with a '{given}' also needs a '{needed}': copy the supporting words from the "
            "instrument (quote) and give the address where they can be read (url), or drop the "
            "pinpoint and cite the instrument as a whole"
        )
    return path, _value_message(str(kind), value, instance, path)


def _value_message(kind: str, value: Any, instance: Any, path: PathKey) -> str:
    """A value the schema refuses: of the wrong type, not allowed, out of bounds, too short or out of form."""
    if kind == "type":
        wanted = value if isinstance(value, list) else [value]
        quote = "; put it in quotes" if wanted == ["string"] and isinstance(instance, (int, float, bool)) else ""
        return f"{shown(instance)} is not {' or '.join(_TYPE_WORDS.get(str(t), str(t)) for t in wanted)}{quote}"
    if kind == "enum":
        return f"{shown(instance)} is not allowed; expected one of: " + ", ".join(map(str, value))
    if kind in ("minimum", "maximum"):
        return f"{shown(instance)} is too {'small' if kind == 'minimum' else 'large'}; the {kind} is {value}"
    if kind == "minLength":
        return f"this text is too short; write at least {value} characters"
    if kind == "minItems":
        return f"this list is empty or too short; give at least {value}"
    if kind == "pattern":
        last = str(path[-1]) if path else ""
        last = "framework_id" if last == "id" and "a-z" in str(value) else last
        words = _PATTERN_WORDS.get(
            last,
            "write section.name, such as retention.max_days"
            if isinstance(instance, str) and "." in instance
            else "check its form",
        )
        return f"{shown(instance)} is not in the expected form; {words}"
    if kind == "const":
        return f"{shown(instance)} is not allowed here; write {json.dumps(value)}"
    return f"{shown(instance)} is not valid here"


def _condition_problem(cond: Any, path: PathKey) -> tuple[PathKey, str] | None:
    """The first thing wrong in a condition tree, located at the innermost place; None when it is well formed."""
    if not isinstance(cond, dict):
        return path, f"{shown(cond)} is not a condition; {_CONDITION_FORM}"
    unknown = [str(k) for k in cond if k not in _CONDITION_KEYS]
    if unknown:
        return (*path, unknown[0]), (
            f"unknown key '{shown(unknown[0], quote=False)}' in a condition"
            f"{did_you_mean(unknown[0], _CONDITION_KEYS)}; {_CONDITION_FORM}"
        )
    heads = [k for k in ("all", "any", "not", "fact") if k in cond]
    if len(heads) != 1 or (heads[0] != "fact" and len(cond) > 1):
        return path, f"a condition has exactly one of all, any, not or fact; this one has {', '.join(cond) or 'none'}"
    head = heads[0]
    if head in ("all", "any"):
        items = cond[head]
        if not isinstance(items, list) or not items:
            return (*path, head), f"'{head}' needs a list of one or more conditions"
        return next((p for i, c in enumerate(items) if (p := _condition_problem(c, (*path, head, i)))), None)
    if head == "not":
        return _condition_problem(cond["not"], (*path, "not"))
    tests = [op for op in Operator if op in cond]
    if len(tests) != 1:
        return path, (
            f"a fact condition needs exactly one test ({_OPERATOR_WORDS}); this one has {', '.join(tests) or 'none'}"
        )
    if not isinstance(cond["fact"], str) or not re.fullmatch(r"[a-z_]+\.[a-z_]+", cond["fact"]):
        return (*path, "fact"), f"{shown(cond['fact'])} is not a fact; {_PATTERN_WORDS['fact']}"
    if "aspect" in cond and cond["aspect"] not in ASPECTS:
        return (*path, "aspect"), (
            f"{shown(cond['aspect'])} is not a side of a fact; 'aspect' is law or practice "
            "(leave it out to read both sides)"
        )
    problem = _operand_problem(tests[0], cond[tests[0]])
    return None if problem is None else ((*path, tests[0]), problem)


def _operand_problem(op: Operator, value: Any) -> str | None:
    """What is wrong with the value an operator is given in a rule file; None when it is well formed."""
    match op:
        case Operator.AT_MOST | Operator.AT_LEAST:
            if _whole(value) or _period(value):
                return None
            return (
                f"'{op}' needs a whole number of zero or more, or a period such as {{days: 30}} or {{hours: 24}}, "
                f"not {_flow(value)}"
            )
        case Operator.IN:
            if isinstance(value, list) and value and not any(isinstance(v, (list, dict)) for v in value):
                return None
            return "'in' needs a list of one or more values, such as [a, b]"
        case Operator.IS:
            if value is not None and not isinstance(value, (list, dict)):
                return None
            return f"'{op}' needs one value (text, a number, true or false), not {shown(value)}"
        case Operator.DISCLOSED:
            if value is True:
                return None
            return "'disclosed' can only be true; for 'not disclosed' write {not: {fact: ..., disclosed: true}}"
        case _:
            assert_never(op)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _flow(value: Any) -> str:
    """A small mapping as a rule file writes it, {days: 30}; anything else as the loader shows values."""
    if isinstance(value, dict) and 0 < len(value) <= 3 and all(isinstance(v, int | str) for v in value.values()):
        return shown("{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}", quote=False)
    return shown(value)


def _period(value: Any) -> bool:
    """{days: N} or {hours: N}, N a whole number: what a duration is compared with."""
    return isinstance(value, dict) and len(value) == 1 and set(value) <= {"days", "hours"} and _whole(*value.values())


def _load(folder: Path) -> Framework:
    """Read and check a framework folder: its manifest, then every rule file; every problem, or the Framework."""
    root = folder.resolve()
    if not (root / "framework.yaml").resolve().is_relative_to(root):
        raise _refusal(
            folder / "framework.yaml",
            "framework.yaml is a link to a file outside the framework folder; a pack may only use files inside its folder",
        )
    budget = _Budget()
    manifest = read_file(root / "framework.yaml", display=str(folder / "framework.yaml"), hint=MANIFEST_HINT)
    budget.charge(manifest)
    problems = cap_problems(_schema_problems(manifest, "framework.schema.json") or _manifest_problems(manifest))
    if problems:
        raise InputError(problems)
    principle_ids = [p["id"] for p in manifest.data["principles"]]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in _rule_files(root, folder):
        try:
            doc = read_file(path, display=str(folder / path.relative_to(root)), hint=RULE_HINT)
        except InputError as exc:  # report every broken file, not only the first
            problems += exc.problems
            continue
        rule, file_problems = _rule_file(doc, budget, principle_ids, seen)
        problems += cap_problems(file_problems)
        if rule is not None:
            rules.append(rule)
    data = manifest.data
    for pid in principle_ids:
        if not any(r.principle == pid for r in rules) and not problems:
            problems.append(manifest.problem(("principles",), f"principle {pid} has no rules; add at least one"))
    if problems:
        raise InputError(problems)
    principles = tuple(
        Principle(
            id=p["id"],
            title=p["title"],
            demand=p["demand"],
            source_locator=p.get("source_locator"),
            rules=tuple(sorted((r for r in rules if r.principle == p["id"]), key=lambda r: r.id)),
        )
        for p in data["principles"]
    )
    definitions = data.get("definitions") or {}
    return Framework(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        description=data.get("description"),
        source=data["source"],
        scoring=_scoring(data["scoring"]),
        principles=principles,
        folder=str(folder),
        definitions_clause=definitions.get("clause"),
        definitions=tuple(
            Term(term=d["term"], means=" ".join(d["means"].split()), forms=tuple(d.get("forms", ())))
            for d in definitions.get("terms", ())
        ),
        changelog=tuple(
            ChangelogEntry(version=e["version"], date=e["date"], changes=tuple(e["changes"]))
            for e in data.get("changelog", ())
        ),
    )


def _rule_file(
    doc: Loaded, budget: _Budget, principle_ids: list[str], seen: dict[str, str]
) -> tuple[Rule | None, list[Problem]]:
    """One rule file checked (size budget, schema, meaning, unique ids): the rule, or its problems.

    ``seen`` maps each rule id and alias met so far to its file, and gains this rule's.
    """
    problems = budget.charge(doc) or _schema_problems(doc, "rule.schema.json")
    conditions: dict[str, Condition] = {}
    if not problems:  # parsed once, now that the schema holds
        conditions = {key: parse_condition(doc.data[key]) for key in _CONDITION_FIELDS if key in doc.data}
        problems = _semantic_problems(doc, principle_ids, conditions)
    for name in [doc.data.get("id")] + list(doc.data.get("aliases", [])) if not problems else []:
        if name in seen:
            problems.append(
                doc.problem(("id",), f"the rule id '{name}' is also used in {seen[name]}; ids must be unique")
            )
        seen[name] = doc.file
    return (None, problems) if problems else (_rule(doc, conditions), [])


def _rule_files(root: Path, shown: Path) -> list[Path]:
    """The rule files under rules/, in a stable order, walked without recursion and within the limits."""
    files = []
    folders = [(_rules_folder(root, shown), 0)]
    while folders:
        folder, depth = folders.pop()
        for entry in _entries(folder, root, shown):
            path = Path(entry.path)
            if entry.is_symlink():
                raise _refusal(
                    shown / path.relative_to(root),
                    "rule files must be plain files inside the framework folder, not links",
                )
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_RULE_DEPTH:
                    raise _refusal(
                        shown / path.relative_to(root),
                        f"folders inside rules/ are nested more than {MAX_RULE_DEPTH} levels deep; keep "
                        "rule files at most that deep",
                    )
                folders.append((path, depth + 1))
            elif entry.name.endswith((".yaml", ".yml")) and entry.is_file(follow_symlinks=False):
                files.append(path)
                if len(files) > MAX_RULE_FILES:
                    raise _refusal(shown, f"more than {MAX_RULE_FILES} rule files; a rule pack holds at most that many")
    return sorted(files)


def _rules_folder(root: Path, shown: Path) -> Path:
    """The framework's rules/ folder, refused when it is missing or a link."""
    rules_dir = root / "rules"
    if not rules_dir.is_dir():
        raise _refusal(shown, "this framework has no rules/ folder; add one with one YAML file per rule")
    if rules_dir.is_symlink() or not rules_dir.resolve().is_relative_to(root):
        raise _refusal(shown / "rules", "rules/ must be a plain folder inside the framework folder, not a link")
    return rules_dir


def _entries(folder: Path, root: Path, shown: Path) -> list[os.DirEntry[str]]:
    """A folder's entries sorted by name, refused in words when it cannot be read."""
    try:
        return sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise _refusal(
            shown / folder.relative_to(root),
            f"this folder cannot be read ({exc.strerror or exc}); check its permissions",
        ) from None


def _refusal(file: Path, message: str) -> InputError:
    """The error for a rule pack refused as a whole, naming the file or folder as the user gave it."""
    return InputError([Problem(file=str(file), message=message)])


def _semantic_problems(doc: Loaded, principle_ids: list[str], conditions: dict[str, Condition]) -> list[Problem]:
    """What the schema cannot check.

    The principle exists, each leaf reads a fact of the deployment format with
    values that fact can take, instruments are cited, and cases name facts
    that exist. Past MAX_PROBLEMS the checks stop early: no more will be
    printed (cap_problems), and "did you mean" costs time.
    """
    data = doc.data
    problems = []
    if data["principle"] not in principle_ids:
        problems.append(
            doc.problem(
                ("principle",),
                f"no principle '{data['principle']}' in framework.yaml; expected one of: {', '.join(principle_ids)}",
            )
        )
    _add_leaf_problems(doc, conditions, problems)
    if len(problems) > MAX_PROBLEMS:
        return problems
    problems += _uncited_instruments(doc)
    _add_case_problems(doc, problems)
    return problems


def _add_leaf_problems(doc: Loaded, conditions: dict[str, Condition], problems: list[Problem]) -> None:
    """Add a problem for each leaf that reads no fact, a test its fact's kind cannot take, or a value it cannot."""
    facts = catalogue()
    for key, cond in conditions.items():
        for leaf, where in _located_leaves(cond, (key,)):
            if len(problems) > MAX_PROBLEMS:
                return
            info = facts.get(leaf.fact)
            if info is None:
                hint = did_you_mean(leaf.fact, list(facts))
                problems.append(
                    doc.problem(
                        (*where, "fact"),
                        f"no fact '{leaf.fact}' in the deployment format"
                        f"{hint}; run 'auditkit schema deployment' for the list",
                    )
                )
                continue
            problem = _kind_problem(leaf, info)
            bad = _misfits(leaf, info) if problem is None else []
            if bad:
                problem = f"{leaf.fact} cannot be {shown(bad[0])}; expected {info.kind.expected}"
            if problem:
                problems.append(doc.problem((*where, leaf.op), problem))


def _uncited_instruments(doc: Loaded) -> list[Problem]:
    """Instruments the origin or a threshold names that the rule's references do not cite."""
    data = doc.data
    cited = [r["instrument"] for r in data["references"]]
    named: list[tuple[PathKey, str | None]] = [(("origin", "instrument"), data["origin"].get("instrument"))]
    named += [
        (("thresholds", i, "instrument"), th.get("instrument")) for i, th in enumerate(data.get("thresholds", ()))
    ]
    return [
        doc.problem(
            where,
            f"'{shown(instrument, quote=False)}' is not among this rule's "
            f"references{did_you_mean(instrument, cited)}; cite it there first",
        )
        for where, instrument in named
        if instrument is not None and instrument not in cited
    ]


def _add_case_problems(doc: Loaded, problems: list[Problem]) -> None:
    """Add a problem for each fact a test case names that the deployment format does not have."""
    facts = catalogue()
    for i, case in enumerate(doc.data["cases"]):
        for path in case["facts"]:
            if len(problems) > MAX_PROBLEMS:
                return
            if path not in facts:
                problems.append(
                    doc.problem(
                        ("cases", i, "facts", path),
                        f"no fact '{path}' in the deployment format{did_you_mean(path, list(facts))}",
                    )
                )


def _kind_problem(leaf: Leaf, info: FactInfo) -> str | None:
    """A test the fact's kind cannot take: a period compared with a number, or a count with a period."""
    period = isinstance(leaf.limit, Duration)
    match leaf.op:
        case Operator.AT_MOST | Operator.AT_LEAST if issubclass(info.kind, Count) and period:
            return f"{leaf.fact} is a number, not a period; compare it with a whole number, not {_flow(leaf.written_limit)}"
        case Operator.AT_MOST | Operator.AT_LEAST if issubclass(info.kind, Period) and not period:
            return (
                f"{leaf.fact} is a period; compare it with {{days: N}} or {{hours: N}}, not {_flow(leaf.written_limit)}"
            )
        case Operator.IS | Operator.IN if issubclass(info.kind, Period):
            return f"{leaf.fact} is a period; test it with at_most or at_least and {{days: N}} or {{hours: N}}"
        case _:
            return None


def _misfits(leaf: Leaf, info: FactInfo) -> list[Any]:
    """The values a leaf compares its fact with that the fact cannot take."""
    match leaf.op:
        case Operator.IS | Operator.IN:
            return [v for v in leaf.values if not info.kind.comparable(v)]
        case Operator.AT_MOST | Operator.AT_LEAST:
            return [] if info.kind.ordered else [leaf.written_limit]
        case Operator.DISCLOSED:
            return []
        case _:
            assert_never(leaf.op)


def _located_leaves(cond: Condition, path: PathKey) -> list[tuple[Leaf, PathKey]]:
    """The leaves of a condition, each with its place in the file."""
    match cond:
        case AllOf(parts):
            return [leaf for i, c in enumerate(parts) for leaf in _located_leaves(c, (*path, "all", i))]
        case AnyOf(parts):
            return [leaf for i, c in enumerate(parts) for leaf in _located_leaves(c, (*path, "any", i))]
        case Not(part):
            return _located_leaves(part, (*path, "not"))
        case Leaf():
            return [(cond, path)]
        case _:
            assert_never(cond)


def _rule(doc: Loaded, conditions: dict[str, Condition]) -> Rule:
    d = doc.data
    return Rule(
        id=d["id"],
        title=d["title"].strip(),
        principle=d["principle"],
        severity=d["severity"],
        weight=d["weight"],
        red_line=d.get("red_line", False),
        decisive=d.get("decisive", False),
        rationale=" ".join(d["rationale"].split()),
        failure_reason=" ".join(d["failure_reason"].split()),
        remedy=" ".join(d["remedy"].split()),
        references=tuple(
            Reference(**{k: " ".join(v.split()) if k == "quote" else v for k, v in r.items()}) for r in d["references"]
        ),
        origin=Origin(**{k: " ".join(v.split()) for k, v in d["origin"].items()}),
        thresholds=tuple(Threshold(**t) for t in d.get("thresholds", ())),
        met_when=conditions["met_when"],
        applies_when=conditions.get("applies_when"),
        partial_when=conditions.get("partial_when"),
        cases=tuple(
            Case(
                name=c["name"],
                facts=c["facts"],
                expect=Status(c["expect"]),
                missing=tuple(c["missing"]) if "missing" in c else None,
            )
            for c in d["cases"]
        ),
        aliases=tuple(d.get("aliases", ())),
        file=doc.file,
    )
