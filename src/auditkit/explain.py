"""Plain-language listings and explanations of frameworks and rules."""

from __future__ import annotations

import textwrap

from auditkit.errors import single
from auditkit.model.catalog import catalogue
from auditkit.model.scoring import describe
from auditkit.rules.logic import words
from auditkit.rules.model import Framework, Principle, Rule

WIDTH = 88


def _wrap(text: str, indent: str = "  ", hang: str = "") -> list[str]:
    """Lines of at most WIDTH characters, broken only at spaces: a web address or an id is never split.

    ``hang`` further indents the lines after the first.
    """
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def listing(frameworks: list[Framework]) -> str:
    """Every framework, its principles and their rules, one line each."""
    out = []
    for fw in frameworks:
        out.append(f"{fw.id} {fw.version}: {fw.title} ({len(fw.rules)} rules)")
        for principle in fw.principles:
            out.append(f"  {principle.id} {principle.title}")
            for rule in principle.rules:
                mark = " [red line]" if rule.red_line else ""
                out.append(f"    {rule.id:<8} {rule.title}{mark}")
        out.append("")
    out.append("Explain a principle or a rule with: auditkit principles P3  or  auditkit principles P3-01")
    return "\n".join(out) + "\n"


def explain_rule(frameworks: list[Framework], rule_id: str) -> str:
    """A rule explained for a reader who never read its source."""
    found = _find_rule(frameworks, rule_id)
    if found is not None:
        return _rule_text(*found)
    for fw in frameworks:
        for entry in fw.changelog:
            if any(f"{rule_id.upper()} withdrawn" in " ".join(change.split()) for change in entry.changes):
                raise single(
                    rule_id,
                    f"this rule was withdrawn in version {entry.version} of {fw.id}; its "
                    "changelog (end of docs/rules.md) says why",
                )
    raise single(rule_id, "no principle or rule with this id; 'auditkit principles' lists them all")


def _find_rule(frameworks: list[Framework], rule_id: str) -> tuple[Framework, Principle, Rule] | None:
    """The rule with this id or alias (in any case), its principle and framework: the first framework's."""
    for fw in frameworks:
        for principle in fw.principles:
            for rule in principle.rules:
                if rule_id.upper() in (rule.id, *rule.aliases):
                    return fw, principle, rule
    return None


def _rule_text(fw: Framework, principle: Principle, rule: Rule) -> str:
    """The explanation of one rule: its principle, conditions, questions, weight, origin, remedy, references."""
    facts = catalogue()
    out = [f"{rule.id}: {rule.title}", ""]
    out.append(f"Principle {principle.id}, {principle.title} ({fw.title}):")
    out += _wrap(principle.demand)
    out += ["", "Why it matters:"] + _wrap(rule.rationale)
    if rule.applies_when is not None:
        out += ["", "Applies only when:"] + ["  " + w for w in words(rule.applies_when)]
    out += ["", "What it checks (the rule is met when):"] + ["  " + w for w in words(rule.met_when)]
    if rule.partial_when is not None:
        out += ["", "Partly met when:"] + ["  " + w for w in words(rule.partial_when)]
    out += ["", "Questions the auditor answers:"]
    out += [line for path in rule.facts for line in _wrap(f"{path}: {facts[path].question}")]
    out += ["", f"Severity: {_severity(rule)}.", "", "Where the requirement comes from:"]
    out += _wrap(str(rule.origin) + (f". {rule.origin.note}" if rule.origin.note else ""))
    out += [line for threshold in rule.thresholds for line in _wrap(str(threshold))]
    out += ["", "Remedy (amendment-ready):"] + _wrap(rule.remedy)
    out += ["", "References:"]
    for ref in rule.references:
        out += _wrap(f"- {ref} [{order_label(ref.legal_order)}]", hang="  ")
        out += [f"    <{ref.url}>"] if ref.url else []
        if ref.quote:
            out += _wrap(f'"{ref.quote}"', "    ")
    return "\n".join(out) + "\n"


def _severity(rule: Rule) -> str:
    """A rule's severity and weight, and what not meeting it does when it is a red line or decisive."""
    if rule.red_line:
        consequence = ", a red line: not meeting it fails its principle and caps the overall grade"
    elif rule.decisive:
        consequence = ", decisive: not meeting it fails its principle"
    else:
        consequence = ""
    return f"{rule.severity}, weight {rule.weight}{consequence}"


def find_principle(frameworks: list[Framework], wanted: str) -> tuple[Framework, Principle] | None:
    """The principle with this id (such as 'P3', in any case), in the first framework that has one."""
    for fw in frameworks:
        for principle in fw.principles:
            if principle.id.upper() == wanted.upper():
                return fw, principle
    return None


def explain_principle(fw: Framework, principle: Principle) -> str:
    """A whole principle for a reader: its demand, its rules and their weights, its red lines, how it scores."""
    total = sum(rule.weight for rule in principle.rules)
    where = fw.source.get("title") or fw.title
    locator = principle.source_locator or f"principle {principle.id}"
    out = [
        f"{principle.id}: {principle.title}",
        "",
        f"A principle of {fw.title} ({fw.id}, version {fw.version}).",
        "",
        "What it demands:",
    ]
    out += _wrap(principle.demand)
    out += _wrap(f"(Source: {fw.source.get('publisher', '')}, {where}, {locator}.)".replace("(Source: , ", "(Source: "))
    out += ["", f"Its {len(principle.rules)} rules, with their weight out of {total}:"]
    width = max((len(rule.id) for rule in principle.rules), default=0)
    for rule in principle.rules:
        mark = ", RED LINE" if rule.red_line else ""
        out += _wrap(
            f"{rule.id:<{width}}  {rule.title} (weight {rule.weight}, severity {rule.severity}{mark})",
            hang=" " * (width + 2),
        )
    red = [rule.id for rule in principle.rules if rule.red_line]
    cap = fw.scoring.red_line_grade
    out += ["", "Red lines:"]
    if red:
        out += _wrap(
            f"{', '.join(red)}. If any of them is not met, the principle is not met whatever its score, "
            + f"and the overall grade is at most {cap}."
        )
    else:
        out += _wrap("none: no single rule of this principle decides it alone.")
    method = describe(fw.scoring)
    out += ["", "How it is scored:"]
    out += _wrap(f"{method.steps[0]} {method.steps[2]}")  # the principle's score, then its verdict
    out += ["", f"Explain one rule with: auditkit principles {principle.rules[0].id if principle.rules else 'RULE_ID'}"]
    return "\n".join(out) + "\n"


def explain(frameworks: list[Framework], wanted: str) -> str:
    """A principle ('P3') or a rule ('P3-01') explained; an error naming what exists otherwise."""
    found = find_principle(frameworks, wanted)
    if found is not None:
        return explain_principle(*found)
    return explain_rule(frameworks, wanted)


def order_label(order: str) -> str:
    """A legal-order tag in words: 'eu' -> 'EU law'."""
    if order.startswith("national:"):
        return f"national law, {order.split(':', 1)[1]}"
    return {
        "international": "international law",
        "council_of_europe": "Council of Europe",
        "eu": "EU law",
        "civil_society": "civil-society standard",
    }.get(order, order)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(frameworks: list[Framework]) -> str:
    """The rule catalogue as a Markdown page (docs/rules.md is this output)."""
    out = ["<!-- Generated by 'auditkit principles --markdown'; do not edit by hand. -->", ""]
    for fw in frameworks:
        out += _framework_markdown(fw)
    return "\n".join(out)


def _framework_markdown(fw: Framework) -> list[str]:
    """One framework's part of the catalogue: its source, definitions, principles with their rules, changes."""
    about = (
        f"Framework `{fw.id}`, version {fw.version}, {len(fw.rules)} rules. "
        f"Source: {fw.source['publisher']}, *{fw.source['title']}* ({fw.source['date']})."
    )
    out = [f"# {fw.title}", "", about, ""]
    if fw.description:
        out += [" ".join(fw.description.split()), ""]
    out += [
        (
            "Each rule says where its requirement comes from: the principle's own text, a named instrument, "
            "or auditkit's own policy choice. Every figure a rule uses is marked as auditkit's threshold or "
            "an instrument's. Every reference with a pinpoint quotes the words it rests on, with the address "
            "where they were read; its legal order says where it binds (reports on a deployment show "
            "regional and national law only where the deployment says it binds)."
        ),
        "",
    ]
    if fw.definitions:
        out += ["## Definitions used by the remedies", "", f"{fw.definitions_clause}", ""]
        out += [f"- **{_md(term.term)}** means {_md(term.means)}" for term in fw.definitions]
        out.append("")
    for principle in fw.principles:
        out += [f"## {principle.id} {principle.title}", "", principle.demand, ""]
        for rule in principle.rules:
            out += _rule_markdown(rule)
    if fw.changelog:
        out += ["## Changes", ""]
        for entry in fw.changelog:
            out += [f"### Version {entry.version} ({entry.date})", ""]
            out += [f"- {_md(' '.join(change.split()))}" for change in entry.changes]
            out.append("")
    return out


def _rule_markdown(rule: Rule) -> list[str]:
    """One rule in the catalogue: rationale, conditions in words, origin and thresholds, remedy, references."""
    red = " (red line)" if rule.red_line else " (decisive)" if rule.decisive else ""
    out = [
        f"### {rule.id}: {rule.title}{red}",
        "",
        rule.rationale,
        "",
        f"*Severity {rule.severity}, weight {rule.weight}.* Met when:",
        "",
    ]
    out += [f"    {line}" for line in words(rule.met_when)]
    if rule.applies_when is not None:
        out += ["", "Applies only when:", ""] + [f"    {line}" for line in words(rule.applies_when)]
    if rule.partial_when is not None:
        out += ["", "Partly met when:", ""] + [f"    {line}" for line in words(rule.partial_when)]
    origin = str(rule.origin) + (f". {rule.origin.note}" if rule.origin.note else "")
    out += ["", f"**Origin.** {_md(origin)}", ""]
    out += [f"- {_md(str(threshold))}" for threshold in rule.thresholds]
    out += [""] if rule.thresholds else []
    out += [f"**Remedy.** {rule.remedy}", "", "References:", ""]
    for ref in rule.references:
        link = f" <{ref.url}>" if ref.url else ""
        out.append(f"- {_md(str(ref))} ({order_label(ref.legal_order)}){link}")
        if ref.quote:
            out.append(f"  > {_md(ref.quote)}")
    out.append("")
    return out


def fact_listing() -> str:
    """Every fact of the deployment format: its path, its question, and each answer with its meaning."""
    from auditkit.model.deployment import (
        CONTRACTOR_FIELDS,
        CONTRACTOR_ROLES,
        HIRED_BY_WORDS,
        INSTRUMENT_FIELDS,
        INSTRUMENT_TYPES,
        SOURCE_KIND_MEANINGS,
    )
    from auditkit.model.facts import STANDING_MEANINGS

    out = ["Every fact a deployment description can state (format 2; docs/format.md).", ""]
    out += answer_forms_explained()
    section = ""
    for info in catalogue().values():
        if info.section != section:
            section = info.section
            out += [f"[{section}]", ""]
        out.append(info.path)
        out += _wrap(info.question)
        out += [line for key, meaning in info.answers() for line in _wrap(f"{key}: {meaning}", "    ")]
        out.append("")
    glossaries = (
        ("Standing of a fact (how sure it is):", STANDING_MEANINGS),
        ("Kinds of source (a fact's default standing follows from them):", SOURCE_KIND_MEANINGS),
        (
            "Legal instruments (the top-level 'instruments' list; give each instrument its own entry):",
            INSTRUMENT_FIELDS,
        ),
        ("Types of instrument:", INSTRUMENT_TYPES),
        (
            "Contractors (the top-level 'contractors' list: the vendor and every company in the chain):",
            CONTRACTOR_FIELDS,
        ),
        ("Roles of a contractor:", CONTRACTOR_ROLES),
        ("hired_by, besides the id of another entry:", HIRED_BY_WORDS),
    )
    for i, (heading, meanings) in enumerate(glossaries):
        out += [heading] if i == 0 else ["", heading]
        out += [line for key, meaning in meanings.items() for line in _wrap(f"{key}: {meaning}")]
    return "\n".join(out) + "\n"


def answer_forms_explained() -> list[str]:
    """How any fact is written: its fields, the law:/practice: form, bounds and periods, from the models."""
    from auditkit.model.facts import SIDES_RULE, Fact, about_bounds
    from auditkit.model.kinds import PER_MEANINGS, Count, Period, Tally

    fields = Fact.model_fields
    out = ["How a fact is written: {value: ..., sources: [source-id]}, with these fields:"]
    for name in ("value", "sources", "standing", "contested_by", "reason", "note"):
        out += _wrap(f"{name}: {fields[name].description}", hang="  ")
    out += ["", "Law and practice: a fact may state each apart, each side a fact of its own:"]
    out += ["    scanning:", "      law: {value: targeted, sources: [act-2019]}"]
    out += ['      practice: {value: untargeted, sources: [{id: court-2020, at: "para 12"}]}']
    for name in ("law", "practice"):
        out += _wrap(f"{name}: {fields[name].description}", hang="  ")
    out += _wrap(SIDES_RULE)
    low, high = about_bounds(1000)
    out += ["", "Numbers (every fact whose answers below include a number):"]
    out += [line for form, meaning in Count.answer_forms("") for line in _wrap(f"{form}: {meaning}", hang="  ")]
    out += _wrap(
        f"For example {{about: 1000}} is read as {low:,} to {high:,} (this project's policy choice), and "
        f"{{at_least: 100000}} leaves a rule 'at most 1,000' {_against(100000, 1000)}, and a rule "
        f"'at most 200,000' {_against(100000, 200000)}."
    )
    tallies = ", ".join(path for path, info in catalogue().items() if issubclass(info.kind, Tally))
    out += _wrap(f"per (only for {tallies}): the period the number covers, beside 'value':", hang="  ")
    out += [line for key, meaning in PER_MEANINGS.items() for line in _wrap(f"{key}: {meaning}", "    ")]
    out += ["", "Periods (how long data is kept):"]
    out += [line for form, meaning in Period.answer_forms("") for line in _wrap(f"{form}: {meaning}", hang="  ")]
    out.append("")
    return out


BOUND_OUTCOMES = {True: "met", False: "not met", None: "unknown (the bound straddles the threshold)"}


def _against(at_least: int, at_most: int) -> str:
    """What {at_least: N} makes of a rule's 'at most M', worded from the rules' own three-valued logic."""
    from auditkit.model.kinds import Count
    from auditkit.rules.logic import evaluate
    from auditkit.rules.model import parse_condition

    value = Count.coerce({"at_least": at_least})
    outcome = evaluate(parse_condition({"fact": "scope.camera_count", "at_most": at_most}), lambda *_: value)
    return BOUND_OUTCOMES[outcome.value]
