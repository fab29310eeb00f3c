"""The commented template that ``auditkit init`` writes, derived from the models.

Every question is there with the meaning of each answer it takes, so that an
author never has to look up what ``watchlist_only`` or ``mandatory`` claims.
"""

from __future__ import annotations

import textwrap

from auditkit.model.catalog import FactInfo, catalogue
from auditkit.model.deployment import FORMAT_VERSION, SECTIONS, SOURCE_KIND_MEANINGS, Deployment

WIDTH = 100

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
# A fact's standing (how sure it is) follows from its sources' kind: law,
# official records, courts, regulators and the operator's own statements
# establish it; press, NGOs and academics report it; a party_claim only
# alleges it. Say so where it differs:  standing: alleged  (or reported,
# established, or disputed with contested_by: [source-id]).
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
  name: "Name of the programme"
  jurisdiction: "City, region or country"
  operator: "The body that runs it"
  technology: "for example: facial-recognition cameras"
  # audit_date: "2026-01-31"    # printed on the report instead of leaving it out
  # auditor: "Your organisation"
  hypothetical: false

sources: []
  # - id: example-2020
  #   kind: press               # one of the kinds below
  #   role: secondary           # primary: the document itself; secondary: a report about it
  #   publisher: "Who published it"
  #   title: "Its title"
  #   date: "2020-05-01"        # YYYY, YYYY-MM, YYYY-MM-DD or undated
  #   url: "https://example.org/article"
  #   archive: "https://web.archive.org/..."   # a copy readers can still reach
  #
  # Kinds of source:
""" + "".join(f"  #   {kind}: {meaning}\n" for kind, meaning in SOURCE_KIND_MEANINGS.items())


def _answers(info: FactInfo) -> list[str]:
    """Comment lines giving every answer a fact takes and what each one claims."""
    if info.kind == "yesno":
        lines = [f"#   yes or no (yes means: {info.label})"]
    elif info.kind == "choice":
        lines = [f"#   {key}: {meaning}" for key, meaning in info.choices]
    else:
        lines = [f"#   {key}: {meaning}" for key, meaning in info.answers()[:-3]]
    return lines + ["#   (or unknown, undisclosed, or not_applicable with a reason)"]


def template() -> str:
    """The template text: every question, grouped by principle, with its answers' meanings, all unknown."""
    parts = [HEADER]
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
