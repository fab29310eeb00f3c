"""The source ids a description cites but never declares: every place a citation can stand, and none twice.

model/load.py walks the raw data for citations (facts' sources and contested_by, on either side of a
fact stating law and practice, instruments and contractors) and reports the undeclared ones; these
tests hold each place and the places it must leave alone.
"""

from __future__ import annotations

from auditkit.model.load import source_problems
from auditkit.yamlio import parse_bytes

AWKWARD = b"""\
format_version: 2
deployment:
  name: Riverside cameras
sources:
  - {id: act-2019, kind: law}
  - {id: 2020, kind: court}
  - {kind: press}
legality:
  published: {value: no, sources: [act-2019, missing-1, {id: act-2019, at: s 4}, {id: missing-2, at: p 1}]}
  competent_body: {value: no, sources: [42, {at: p 2}, {id: 7}, "2020"], contested_by: [missing-3]}
  names_technology:
    law: {value: no, sources: [missing-4], standing: disputed, contested_by: [{id: missing-5}]}
    practice: {value: no, sources: [act-2019, missing-8], law: {value: no, sources: [not-walked]}}
  defines_users: {value: no, sources: missing-6}
  defines_purposes: {practice: {value: no, sources: [missing-9]}}
  defines_retention: unknown
instruments:
  - {id: i1, sources: [missing-7]}
  - not an entry
"""


def test_every_undeclared_citation_is_found_where_it_stands() -> None:
    doc = parse_bytes(AWKWARD, "f.yaml", keep_problems=True)
    found = [(p.path, p.message.split(";")[0]) for p in source_problems(doc)]
    assert found == [
        ("instruments[1].sources[1]", "no source has the id 'missing-7'"),
        ("legality.published.sources[2]", "no source has the id 'missing-1'"),
        ("legality.published.sources[4].id", "no source has the id 'missing-2'"),
        ("legality.competent_body.contested_by[1]", "no source has the id 'missing-3'"),
        ("legality.names_technology.law.sources[1]", "no source has the id 'missing-4'"),
        ("legality.names_technology.law.contested_by[1].id", "no source has the id 'missing-5'"),
        ("legality.names_technology.practice.sources[2]", "no source has the id 'missing-8'"),
        ("legality.defines_purposes.practice.sources[1]", "no source has the id 'missing-9'"),
    ]


def test_a_declared_id_is_not_reported_even_beside_undeclared_ones() -> None:
    doc = parse_bytes(AWKWARD.replace(b"{kind: press}", b"{id: missing-1, kind: press}"), "f.yaml", keep_problems=True)
    messages = " ".join(p.message for p in source_problems(doc))
    assert "'missing-1'" not in messages and "'missing-2'" in messages and "'act-2019'" not in messages


def test_a_part_dropped_while_reading_is_not_walked() -> None:
    """A fact whose text was refused (a hidden character) is reported once, by the reader, not for its citations."""
    raw = AWKWARD.replace(b"  published: {", b'  "published\\u202e": {')
    doc = parse_bytes(raw, "f.yaml", keep_problems=True)
    assert doc.broken and len(doc.problems) == 1
    paths = [p.path for p in source_problems(doc)]
    assert not any("published" in path for path in paths) and "legality.competent_body.contested_by[1]" in paths
