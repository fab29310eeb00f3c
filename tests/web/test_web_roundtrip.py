"""An opened file, edited in the questionnaire: the author's text with only the edited values changed."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditkit.cli import main
from auditkit.web.roundtrip import RoundTrip
from auditkit.yamlio import parse_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

COMMENTED = """\
# The head of the file.
format_version: 2

deployment:
  name: "A programme"  # its working name
  jurisdiction: Somewhere

sources:
  - id: first-2020
    title: "First"
  # The second source, read in May.
  - id: second-2021
    title: "Second"
    note: >-
      A folded note
      on two lines.

# P1 Legality.
legality:
  instrument_type: unknown  # ask the ministry
  # Nobody has said.
  published: unknown
  names_technology:
    value: no
    sources: [first-2020]
    note: >-
      Folded, at the end of the section.

# P7 Deletion.
retention:
  max_days: unknown
"""


def edited(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    """The text after ``change`` to its data, as the questionnaire writes it."""
    raw = text.encode("utf-8")
    data = parse_bytes(raw, "t.yaml").data
    trip = RoundTrip.of(raw, data)
    assert trip is not None
    new = copy.deepcopy(data)
    change(new)
    out = trip.text(new, "t.yaml")
    assert out is not None, "the round trip did not read back as the data"
    return out[0].decode("utf-8")


def changes(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def init_template(tmp_path: Path) -> Path:
    path = tmp_path / "new.yaml"
    assert main(["init", str(path)]) == 0
    return path


def test_written_key_by_key_it_is_the_whole_file(tmp_path: Path) -> None:
    """Only changed sections are written again: together they must be the file ruamel writes at once."""
    paths = [*sorted(EXAMPLES.glob("*.yaml")), init_template(tmp_path)]
    for path in paths:
        raw = path.read_bytes()
        trip = RoundTrip.of(raw, parse_bytes(raw, path.name).data)
        assert trip is not None
        assert "".join(trip.written(k) for k in trip.tree) == trip.whole() == raw.decode("utf-8"), path.name


def test_a_changed_value_keeps_the_comment_on_its_line() -> None:
    after = edited(COMMENTED, lambda d: d["legality"].update(instrument_type="undisclosed"))
    assert changes(COMMENTED, after) == [
        "-  instrument_type: unknown  # ask the ministry",
        "+  instrument_type: undisclosed # ask the ministry",
    ]


def test_an_answer_with_sources_replaces_one_line_and_keeps_the_comment_before_the_next() -> None:
    after = edited(COMMENTED, lambda d: d["legality"].update(published={"value": False, "sources": ["second-2021"]}))
    assert changes(COMMENTED, after) == [
        "-  published: unknown",
        "+  published:",
        "+    value: false",
        "+    sources:",
        "+      - second-2021",
    ]


def test_a_fact_added_at_the_end_of_a_section_goes_before_the_next_section_comment() -> None:
    after = edited(COMMENTED, lambda d: d["legality"].update(defines_users="undisclosed"))
    assert "      Folded, at the end of the section.\n  defines_users: undisclosed\n\n# P7 Deletion.\n" in after
    assert changes(COMMENTED, after) == ["+  defines_users: undisclosed"]


def test_sources_added_and_removed_keep_the_other_entries_and_comments() -> None:
    added = edited(COMMENTED, lambda d: d["sources"].append({"id": "third-2022", "title": "Third"}))
    assert changes(COMMENTED, added) == ["+  - id: third-2022", "+    title: Third"]
    assert "      on two lines.\n  - id: third-2022\n" in added
    removed = edited(COMMENTED, lambda d: d["sources"].pop(0))
    # Known limit: comment lines after the first entry go with it (ruamel keeps the lines before a list's
    # first item with the list's parent); every other entry and comment is kept.
    assert changes(COMMENTED, removed) == [
        "-  - id: first-2020",
        '-    title: "First"',
        "-  # The second source, read in May.",
    ]
    last = edited(COMMENTED, lambda d: d["sources"].pop())
    assert "# P1 Legality." in last
    assert changes(COMMENTED, last) == [
        "-  # The second source, read in May.",
        "-  - id: second-2021",
        '-    title: "Second"',
        "-    note: >-",
        "-      A folded note",
        "-      on two lines.",
    ]


def test_a_removed_field_takes_only_its_own_line() -> None:
    after = edited(COMMENTED, lambda d: d["deployment"].pop("jurisdiction"))
    assert changes(COMMENTED, after) == ["-  jurisdiction: Somewhere"]


@pytest.mark.parametrize("typed", ["true", "no", "2026-01-31", "1", "1.5", "null", "~", "", "a: b", "# not a comment"])
def test_text_that_yaml_would_read_otherwise_stays_text(typed: str) -> None:
    after = edited(COMMENTED, lambda d: d["deployment"].update(name=typed))
    assert parse_bytes(after.encode("utf-8"), "t.yaml").data["deployment"]["name"] == typed
    assert len(changes(COMMENTED, after)) == 2


def test_an_edit_undone_gives_back_the_file_byte_for_byte() -> None:
    raw = COMMENTED.encode("utf-8")
    data = parse_bytes(raw, "t.yaml").data
    trip = RoundTrip.of(raw, data)
    assert trip is not None
    changed = copy.deepcopy(data)
    changed["legality"]["published"] = "undisclosed"
    first = trip.text(changed, "t.yaml")
    assert first is not None and b"published: undisclosed" in first[0]
    back = trip.text(copy.deepcopy(data), "t.yaml")
    assert back is not None and back[0] == raw
    # and a later edit starts from the file again, not from a stale copy of the undone one
    other = copy.deepcopy(data)
    other["retention"]["max_days"] = "undisclosed"
    later = trip.text(other, "t.yaml")
    assert later is not None
    assert changes(COMMENTED, later[0].decode()) == ["-  max_days: unknown", "+  max_days: undisclosed"]


def test_a_json_file_is_written_afresh() -> None:
    raw = b'{"format_version": 2, "deployment": {"name": "x"}}'
    assert RoundTrip.of(raw, parse_bytes(raw, "t.json").data) is None


def test_text_that_would_not_read_back_is_not_used() -> None:
    """The bytes audited must say what the form holds: otherwise the description is written afresh."""
    raw = COMMENTED.encode("utf-8")
    trip = RoundTrip.of(raw, parse_bytes(raw, "t.yaml").data)
    assert trip is not None
    data = copy.deepcopy(parse_bytes(raw, "t.yaml").data)
    data["deployment"]["name"] = ("x" * 30_000).encode("utf-8")  # bytes: not something YAML text reads back as
    assert trip.text(data, "t.yaml") is None
