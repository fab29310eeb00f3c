"""The commented template that ``auditkit init`` writes, derived from the models."""

from __future__ import annotations

import textwrap

from auditkit.model.catalog import catalogue
from auditkit.model.deployment import FORMAT_VERSION, SECTIONS, Deployment

# The template's placeholder texts: 'auditkit validate' and 'audit' warn about any left in a file.
PLACEHOLDERS = {
    ("deployment", "name"): "Name of the programme",
    ("deployment", "jurisdiction"): "City, region or country",
    ("deployment", "operator"): "The body that runs it",
    ("deployment", "technology"): "for example: facial-recognition cameras",
}
SOURCE_PLACEHOLDERS = {"id": "example-2020", "publisher": "Who published it", "title": "Its title",
                       "url": "https://example.org/article"}

HEADER = f"""\
# yaml-language-server: $schema=deployment.schema.json
# (For completion and checks as you type in an editor with the YAML
# extension, run once:  auditkit schema deployment > deployment.schema.json)
#
# An auditkit deployment description. Fill in what you can establish and
# leave the rest 'unknown'. Write each known fact with the sources behind it:
#
#   published: {{value: yes, sources: [decree-2019]}}
#
# and declare each source once in the 'sources' list. If the operator refuses
# to say, write 'undisclosed' (that is itself evidence about transparency).
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
  #   publisher: "{SOURCE_PLACEHOLDERS["publisher"]}"
  #   title: "{SOURCE_PLACEHOLDERS["title"]}"
  #   date: "2020-05-01"
  #   url: "{SOURCE_PLACEHOLDERS["url"]}"
"""


def template() -> str:
    """The template text: every question, grouped by principle, all unknown."""
    parts = [HEADER]
    facts = catalogue()
    for section in SECTIONS:
        title = Deployment.model_fields[section].description or section
        parts.append(f"\n# {title}\n{section}:\n")
        for info in facts.values():
            if info.section != section:
                continue
            answers = {"yesno": "yes / no", "count": "a whole number"}.get(
                info.kind, " / ".join(k for k, _ in info.choices))
            hint = textwrap.shorten(info.question, 110, placeholder="...")
            parts.append(f"  # {hint}  [{answers}]\n  {info.path.split('.', 1)[1]}: unknown\n")
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
