"""``auditkit compare``, ``plan`` and ``annex``: one document each, from one or two audited descriptions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from auditkit.cli.exits import EXIT_BELOW_THRESHOLD, UsageError
from auditkit.cli.inputs import audit_one, load_all, load_frameworks
from auditkit.cli.streams import Streams
from auditkit.cli.writing import ANNEX_FORMATS, COMPARE_FORMATS, document_output, write
from auditkit.errors import InputError, single

if TYPE_CHECKING:
    from auditkit.plan import Target


def compare(
    streams: Streams,
    before: Path,
    after: Path,
    frameworks: list[str],
    before_frameworks: list[str],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compare two descriptions of a programme: before and after an amendment, or two years apart.

    Shows each principle's verdict and score before and after, every rule whose
    status changed with the facts behind the change and their sources, what
    still caps the grade, and the facts added, removed and changed. The two
    files may be in different format versions; --before-framework audits
    BEFORE against another rule set (an older version), and the comparison
    says when the rule sets differ.
    """
    from auditkit import compare as comparing
    from auditkit.document import render

    chosen = document_output(fmt, output, [before, after], COMPARE_FORMATS)
    after_rules = load_frameworks(frameworks)
    before_rules = load_frameworks(before_frameworks) if before_frameworks else after_rules
    problems = []
    try:
        old_loaded, old = audit_one(streams, before, before_rules)
    except InputError as exc:
        problems += exc.problems
    try:
        new_loaded, new = audit_one(streams, after, after_rules)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    result = comparing.compare(old, new, old_loaded.deployment, new_loaded.deployment, before_rules, after_rules)
    if chosen == "json":
        from auditkit.render.jsonout import dumps

        data = dumps({"comparison_version": 1, **comparing.view(result)})
    else:
        data = render(comparing.document(result), chosen)
    write(streams, output, data)


def plan(
    streams: Streams,
    file: Path,
    targets: list[str],
    frameworks: list[str],
    fmt: str | None,
    output: Path | None,
    write_after: Path | None,
) -> None:
    """Plan an amendment: the fewest fact changes, from the rules' conditions, that reach a target grade.

    Each step names the rule, the facts it changes and the amendment clause (the
    rule's remedy), in order of effect; the plan is proved by auditing the
    changed description again, which --write-after saves for 'auditkit
    compare'. Targets: a grade (--target B) and/or principles (--target P3=met).
    Exit 0 when the target is reached, 1 when no set of changes reaches it (the
    rules that block it are named), 2 on bad input.
    """
    from auditkit import plan as planning
    from auditkit.document import render
    from auditkit.outputs import check_target, write_atomic

    if not targets:
        raise UsageError("Missing option --target GRADE (such as --target C, or --target P3=met)", "auditkit plan")
    target = _target(targets, "auditkit plan")
    chosen = document_output(fmt, output, [file], COMPARE_FORMATS)
    if write_after is not None:
        check_target(write_after, [file])
    rule_sets = load_frameworks(frameworks)
    known = {p.id for fw in rule_sets for p in fw.principles}
    unknown = [pid for pid, _ in target.principles if pid not in known]
    if unknown:
        raise single(
            "--target", f"no principle {unknown[0]} in the rule set; expected one of: {', '.join(sorted(known))}"
        )
    loaded = load_all(streams, [file])[0]
    result = planning.make_plan(loaded.deployment, rule_sets, target)
    name = loaded.deployment.deployment.name
    if chosen == "json":
        from auditkit.render.jsonout import dumps

        data = dumps({"plan_version": 1, **planning.view(result, name)})
    else:
        data = render(planning.document(result, name, loaded.deployment.deployment.audit_date), chosen)
    write(streams, output, data)
    if write_after is not None:
        write_atomic(write_after, result.after_yaml)
        streams.err.write(f"wrote {write_after}\n")
    if not result.reached:
        streams.exit_code = EXIT_BELOW_THRESHOLD


def annex(
    streams: Streams,
    file: Path,
    frameworks: list[str],
    targets: list[str],
    use_plan: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Write the amendments annex: every clause the audit proposes, definitions first, in one document.

    Formats: md (the default on screen), html, pdf and docx (for Word); the
    format follows -o's extension. With --plan and --target, only the clauses
    of that plan, in its order.
    """
    from auditkit import annex as annexes
    from auditkit.document import render

    if use_plan != bool(targets):
        raise UsageError(
            "--plan and --target go together: --plan --target C takes the clauses of the plan to grade C",
            "auditkit annex",
        )
    chosen = document_output(fmt, output, [file], ANNEX_FORMATS) if fmt or output else "md"
    rule_sets = load_frameworks(frameworks)
    loaded, result = audit_one(streams, file, rule_sets)
    proposal = None
    if use_plan:
        from auditkit import plan as planning

        target = _target(targets, "auditkit annex")
        proposal = planning.make_plan(loaded.deployment, rule_sets, target)
        if not proposal.reached:
            streams.err.write(
                f"auditkit: the plan does not reach {target.describe()}; the annex holds the "
                "clauses of the best plan found ('auditkit plan' names what blocks it)\n"
            )
    data = render(annexes.document(result, rule_sets, proposal), chosen)
    write(streams, output, data)


def _target(targets: list[str], command: str) -> Target:
    """The --target values as one plan target; a usage error of ``command`` when one is not understood."""
    from auditkit import plan as planning

    try:
        return planning.parse_target(targets)
    except ValueError as exc:
        raise UsageError(f"Invalid value for '--target': {exc}", command) from None
