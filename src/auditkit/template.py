"""The commented template that ``auditkit init`` writes, derived from the models.

Every question is there with the meaning of each answer it takes, so that an
author never has to look up what ``watchlist_only`` or ``mandatory`` claims.
"""

from __future__ import annotations

import textwrap

from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import (
    CONTRACTOR_ROLES,
    FORMAT_VERSION,
    HIRED_BY_WORDS,
    INSTRUMENT_TYPES,
    SECTIONS,
    SOURCE_KIND_MEANINGS,
    Deployment,
)

WIDTH = 100

# The template's placeholder texts: 'auditkit validate' and 'audit' warn about any left in a file.
PLACEHOLDERS = {
    ("deployment", "name"): "Name of the programme",
    ("deployment", "jurisdiction"): "City, region or country",
    ("deployment", "operator"): "The body that runs it",
    ("deployment", "technology"): "for example: facial-recognition cameras",
}
SOURCE_PLACEHOLDERS = {
    "id": "example-2020",
    "publisher": "Who published it",
    "title": "Its title",
    "url": "https://example.org/article",
}

HEADER = f"""\
# yaml-language-server: $schema=deployment.schema.json
# (For completion and checks as you type in an editor with the YAML
# extension, run once:  auditkit schema deployment > deployment.schema.json)
#
# An auditkit deployment description (format {FORMAT_VERSION}; docs/format.md explains it).
# Fill in what you can establish and leave the rest 'unknown'. Write each
# known fact with the sources behind it, a pinpoint where it helps:
#
#   published: {{value: no, sources: [decree-2019]}}
#   names_technology: {{value: no, sources: [{{id: court-2020, at: "para 94"}}]}}
#
# and declare each source once in the 'sources' list. A fact's standing (how
# sure it is) follows from its sources' kind: law, official records, courts,
# regulators and the operator's own statements establish it; press, NGOs and
# academics report it; a party_claim only alleges it. Say so where it
# differs:  standing: alleged  (or reported, established, or disputed with
# contested_by: [source-id]).
#
# Other answers: 'undisclosed' (the operator refuses to say: that is itself
# evidence about transparency); 'not_applicable' with a reason, when the
# question does not arise; numbers within bounds, {{at_least: 100000}} or
# {{about: 40000}}; and what the rules say against what happens:
#
#   scanning:
#     law: {{value: targeted, sources: [act-2019]}}
#     practice: {{value: untargeted, sources: [court-2020]}}
#
# Check the file with:  auditkit validate THIS-FILE
# Audit it with:        auditkit audit THIS-FILE
format_version: {FORMAT_VERSION}

deployment:
  name: "{PLACEHOLDERS["deployment", "name"]}"
  jurisdiction: "{PLACEHOLDERS["deployment", "jurisdiction"]}"
  operator: "{PLACEHOLDERS["deployment", "operator"]}"
  technology: "{PLACEHOLDERS["deployment", "technology"]}"
  # audit_date: "2026-01-31"    # printed on the report instead of leaving it out
  # auditor: "Your organisation"
  hypothetical: false

# Declare each source once: uncomment the lines below and fill them in; copy
# the '- id:' block for each further source. Left as it is, the list is empty.
sources:
  # - id: {SOURCE_PLACEHOLDERS["id"]}
  #   kind: press               # one of the kinds listed below
  #   role: secondary           # primary: the document itself; secondary: a report about it
  #   publisher: "{SOURCE_PLACEHOLDERS["publisher"]}"
  #   title: "{SOURCE_PLACEHOLDERS["title"]}"
  #   date: "2020-05-01"        # YYYY, YYYY-MM, YYYY-MM-DD or undated
  #   url: "{SOURCE_PLACEHOLDERS["url"]}"
  #   archive: "https://web.archive.org/..."   # a copy readers can still reach
  #
  # Kinds of source:
""" + "".join(f"  #   {kind}: {meaning}\n" for kind, meaning in SOURCE_KIND_MEANINGS.items())
INSTRUMENTS = """
# The legal instruments the programme rests on, one block each (a statute, the
# decree that applies it, the operator's order, a contract). The legality
# questions below say what they provide, taken together. Left as it is, the
# list is empty.
instruments:
  # - id: act-2019
  #   type: statute               # one of the types listed below
  #   title: "Its title, as adopted"
  #   adopted_by: "The body that adopted it"
  #   date: "2019-03-14"          # YYYY, YYYY-MM or YYYY-MM-DD
  #   publication: "Official Gazette No. 12/2019, p. 4"   # or unpublished
  #   sources: [example-2020]     # ids from the sources list, pinpoints allowed
  #
  # Types of instrument:
""" + "".join(f"  #   {kind}: {meaning}\n" for kind, meaning in INSTRUMENT_TYPES.items())


CONTRACTORS = (
    """
# The companies behind the programme, one block each: the vendor of the
# technology, a company that runs it, hosts the data or maintains it, and any
# subcontractor (hired_by names the entry that hired it). Left as it is, the
# list is empty.
contractors:
  # - id: vendor-1
  #   name: "The company's name, as the sources give it"
  #   role: vendor                # one of the roles listed below
  #   hired_by: operator          # operator, unknown, or the id of the entry that hired it
  #   contract: contract-2021     # its contract's id in 'instruments', if listed there
  #   sources: [example-2020]     # ids from the sources list, pinpoints allowed
  #
  # Roles:
"""
    + "".join(f"  #   {role}: {meaning}\n" for role, meaning in CONTRACTOR_ROLES.items())
    + "  # hired_by:\n"
    + "".join(f"  #   {word}: {meaning}\n" for word, meaning in HIRED_BY_WORDS.items())
)


def _answers(info: FactInfo) -> list[str]:
    """Comment lines giving every answer a fact takes and what each one claims."""
    lines = [f"#   {line}" for line in info.kind.answer_lines(info.label)]
    return lines + ["#   (or unknown, undisclosed, or not_applicable with a reason)"]


def template() -> str:
    """The template text: every question, grouped by principle, with its answers' meanings, all unknown."""
    parts = [HEADER, INSTRUMENTS, CONTRACTORS]
    facts = catalogue()
    for section in SECTIONS:
        title = Deployment.model_fields[section].description or section
        parts.append(f"\n# {title}\n{section}:\n")
        for info in facts.values():
            if info.section != section:
                continue
            question = textwrap.wrap(info.question, WIDTH - 4, initial_indent="# ", subsequent_indent="# ")
            lines = [*question, *_answers(info)]
            parts.append("".join(f"  {line}\n" for line in lines) + f"  {info.path.split('.', 1)[1]}: unknown\n")
    return "".join(parts)


def placeholders(deployment: Deployment) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every template placeholder still in a deployment, in file order."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for (section, field), text in PLACEHOLDERS.items():
        if getattr(deployment.deployment, field) == text:
            out.append(((section, field), text))
    for index, source in enumerate(deployment.sources):
        for field, text in SOURCE_PLACEHOLDERS.items():
            if getattr(source, field, None) == text:
                out.append((("sources", index, field), text))
    return out
