"""Generate a Rego policy from a loaded framework, so the Rego baseline cannot drift from the rules.

The policy reads the *parsed* deployment document (plain data, as YAML
parsing yields it, before any validation) as ``input`` and defines
``data.auditkit.statuses``: rule id -> status, with the same three-valued
logic as ``auditkit.rules.logic`` (one translation per ``auditkit.rules.model.Operator``):

* a fact is *known* (a value), *unknown*, *undisclosed* or *absent*
  (left out, or an empty line); the shorthands and ``{value: ...}`` forms
  are normalised the way ``auditkit.model.facts`` does (case and spaces
  ignored, yes/no words read as booleans);
* a leaf over a fact that is not known is ``u`` (undecided), except
  ``disclosed``, which is ``f`` for an undisclosed fact;
* ``all`` is ``f`` if any part is ``f``, else ``u`` if any part is ``u``,
  else ``t``; ``any`` is the dual; ``not`` swaps ``t`` and ``f``.

The policy does not validate; it is only run on documents auditkit accepts.
"""

from __future__ import annotations

import json
import re
from typing import Any, assert_never

from auditkit.model.catalog import catalogue
from auditkit.model.facts import YES_NO_WORDS
from auditkit.rules.model import AllOf, AnyOf, Condition, Framework, Leaf, Not, Operator, Rule, facts_read

PACKAGE = "auditkit"
QUERY = f"x = data.{PACKAGE}.statuses"

# Shared helpers. Every fact and every node of every condition becomes a complete rule of its own
# (evaluated once per query): rego-cpp is much faster at that than at calling functions that read input.
_PRELUDE = """\
package auditkit

import rego.v1

yes_words := YES_WORDS

missing_words := {"unknown", "undisclosed"}
""".replace("YES_WORDS", json.dumps(YES_NO_WORDS))  # the words auditkit reads as yes and no, from its one table

_COERCE = {
    "yesno": "{v} if is_boolean({v}) else := yes_words[lower(trim_space({v}))]",
    "count": "{v}",
    "choice": "{v}",
}


def _fact_var(path: str) -> str:
    return "f_" + path.replace(".", "__")


def _rule_var(rule: Rule) -> str:
    return "r_" + "".join(c if c.isalnum() else "_" for c in rule.id)


def _fact(path: str, kind: str) -> str:
    """Rules giving a fact's state (known, unknown, undisclosed, absent) and its known value."""
    f = _fact_var(path)
    section, name = path.split(".", 1)
    return "\n".join(
        [
            f"default {f}_raw := null",
            f"{f}_raw := input.{section}.{name}",
            f"{f}_v := {f}_raw.value if is_object({f}_raw) else := {f}_raw",
            f'{f}_s := "absent" if {f}_v == null else := w if {{',
            f"\tis_string({f}_v)",
            f"\tw := lower(trim_space({f}_v))",
            "\tw in missing_words",
            '} else := "known"',
            f"{f} := " + _COERCE[kind].format(v=f"{f}_v"),
        ]
    )


class _Emitter:
    """Turns condition trees into named complete rules whose value is "t", "f" or "u"."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def node(self, cond: Condition) -> str:
        self.count += 1
        name = f"c{self.count}"
        match cond:
            case AllOf(parts) | AnyOf(parts):
                first, second, last = ("f", "u", "t") if isinstance(cond, AllOf) else ("t", "u", "f")
                listed = "[" + ", ".join(self.node(c) for c in parts) + "]"
                self.lines.append(
                    f'{name} := "{first}" if "{first}" in {listed} else := "{second}" '
                    f'if "{second}" in {listed} else := "{last}"'
                )
            case Not(part):
                self.lines.append(f'{name} := {{"t": "f", "f": "t", "u": "u"}}[{self.node(part)}]')
            case Leaf():
                self.lines.append(self._leaf(name, cond))
            case _:
                assert_never(cond)
        return name

    @staticmethod
    def _leaf(name: str, leaf: Leaf) -> str:
        f = _fact_var(leaf.fact)
        match leaf.op:
            case Operator.DISCLOSED:
                return f'{name} := "u" if {f}_s in {{"absent", "unknown"}} else := "f" if {f}_s == "undisclosed" else := "t"'
            case Operator.IS | Operator.IN:
                check = f"{f} in {json.dumps(list(leaf.values))}"
            case Operator.AT_MOST:
                check = f"{f} <= {leaf.bound}"
            case Operator.AT_LEAST:
                check = f"{f} >= {leaf.bound}"
            case _:
                assert_never(leaf.op)
        return f'{name} := "u" if {f}_s != "known" else := "t" if {check} else := "f"'


def _status(rule: Rule, emit: _Emitter) -> str:
    """The status rule for one rule: the same decision order as engine.rule_status."""
    var = _rule_var(rule)
    emit.lines = [f"# {rule.id}: {rule.title}"]
    steps: list[str] = []
    if rule.applies_when is not None:
        applies = emit.node(rule.applies_when)
        steps += [f'"not_applicable" if {applies} == "f"', f'"unknown" if {applies} == "u"']
    met = emit.node(rule.met_when)
    steps += [f'"met" if {met} == "t"', f'"unknown" if {met} == "u"']
    if rule.partial_when is not None:
        partial = emit.node(rule.partial_when)
        steps += [f'"partial" if {partial} == "t"', f'"unknown" if {partial} == "u"']
    emit.lines.append(f"{var} := " + "\nelse := ".join(steps) + '\nelse := "not_met"')
    return "\n".join(emit.lines)


def policy(framework: Framework) -> str:
    """The whole Rego module for a framework's rules."""
    rules = framework.rules
    paths = facts_read(*(c for r in rules for c in (r.applies_when, r.met_when, r.partial_when)))
    info = catalogue()
    emit = _Emitter()
    table = ",\n".join(f"\t{json.dumps(r.id)}: {_rule_var(r)}" for r in rules)
    return (
        "\n\n".join(
            [
                _PRELUDE.rstrip(),
                *(_fact(p, info[p].kind) for p in paths),
                *(_status(r, emit) for r in rules),
                "statuses := {\n" + table + ",\n}",
            ]
        )
        + "\n"
    )


def rule_count(source: str) -> int:
    """How many rules (not counting defaults and else branches) a generated policy defines."""
    return sum(1 for line in source.splitlines() if re.match(r"[a-z_][a-z0-9_]* := ", line))


class RegoAuditor:
    """The generated policy compiled once into a bundle, evaluated per document."""

    def __init__(self, framework: Framework) -> None:
        import regopy  # optional: only the benchmark and the differential test need it

        self.source = policy(framework)
        builder = regopy.Interpreter()
        builder.add_module(f"{PACKAGE}.rego", self.source)
        self.bundle = builder.build(QUERY, [])
        self.interpreter = regopy.Interpreter()

    def statuses(self, document: dict[str, Any]) -> dict[str, str]:
        """Rule id -> status value (as in auditkit.model.result.Status) for one parsed document."""
        self.interpreter.set_input(document)
        output = self.interpreter.query_bundle(self.bundle)
        if not output.ok():
            raise RuntimeError(f"Rego evaluation failed: {output}")
        result: dict[str, str] = json.loads(output.binding("x").json())
        return result


def default_framework() -> tuple[Framework, str]:
    """The default rule set, and a note when only part of it could be loaded.

    While a rule set is being written some principles may have no rules yet,
    which the loader rightly refuses; the benchmark then runs on a copy of the
    framework that lists only the principles that do have rules, and says so.
    """
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    import yaml

    from auditkit.errors import InputError
    from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework, resolve

    try:
        return load_framework(DEFAULT_FRAMEWORK), ""
    except InputError:
        pass
    source = resolve(DEFAULT_FRAMEWORK)
    scratch = tempfile.mkdtemp(prefix="auditkit-bench-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    target = Path(scratch) / DEFAULT_FRAMEWORK
    shutil.copytree(source, target)
    manifest = yaml.safe_load((target / "framework.yaml").read_text(encoding="utf-8"))
    with_rules = {
        yaml.safe_load(p.read_text(encoding="utf-8")).get("principle") for p in (target / "rules").glob("*.yaml")
    }
    manifest["principles"] = [p for p in manifest["principles"] if p["id"] in with_rules]
    (target / "framework.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    kept = ", ".join(p["id"] for p in manifest["principles"])
    return load_framework(str(target)), f"partial rule set: only principles {kept} have rules so far"
