"""The reader builds values straight from the pre-scan's events: the same as composing nodes and building them.

yamlio parses the text once and builds the values, marks and problems from the
libyaml events it kept; documents with anchors or aliases go through the safe
composer instead. These tests hold the two ways equal on every bundled file,
on hand-picked corner cases and on fuzzed text, down to each problem's line and
column and the order the problems come in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_fuzz import YAML_BITS, mutated

from auditkit import yamlio
from auditkit.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("examples", "principles", "tests/fixtures")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml")
)
CORNERS = {
    "explicit tags": "a: !!str 5\nb: !!int '7'\nc: !  7\nd: !!python/object:os.system x\ne: !local [1]\n",
    "merge and value keys": "<<: {a: 1}\n=: 2\nx: <<\ny: =\nz: '<<'\n",
    "complex keys": "? [a, b]\n: 1\n? {c: d}\n: 2\nk: v\n",
    "a tagged merge key": "!!merge a: 1\nb: 2\n",
    "duplicate keys": "a: 1\nb: {x: 1}\na: 2\nb: 3\n",
    "hidden characters": 'a: "x\\u202ey"\n"k\\u0007": 1\nl: ok\n',
    "plain words": "a: yes\nb: No\nc: ~\nd: null\ne: 1_000\nf: 1.5e3\ng: 0x1F\nh: 2020-01-01\ni:\nj: .5\n",
    "block and quoted text": "a: |\n  two\n  lines\nb: >\n  folded\n  text\nc: '1'\nd: \"true\"\n",
    "nested lists": "a:\n  - - 1\n    - [2, {b: c}]\n  - {}\n  - []\n",
    "a scalar document": "just text\n",
    "a list document": "- 1\n- two\n",
    "an explicit document": "--- \n...\n",
    "a tagged document": "--- !!map\na: 1\n",
    "a foreign-tagged document": "--- !thing\na: 1\n",
    "over-long text": "a: " + "x" * (yamlio.MAX_SCALAR_CHARS + 1) + "\nb: 1\n",
    "dropped values in lists and sections": "a:\n  - !foo [1, {b: 2}]\n  - 3\n  - !bar {c: [4]}\nd: !baz {e: [5]}\nf: 6\n",
    "standard tags on lists and sections": "a: !!seq [1, {b: !!map {c: 2}}]\nd: !!str 3\n",
    "keys that only look odd": "<a: 1\n'<<': 2\n!!str k: 3\n=x: 4\n'=': 5\n",
    "dropped keys before sections and lists": (
        '"k\\u202e":\n  a: [1, 2]\nk: 1\na: {x: 1}\na:\n  - 1\n  - {y: 2}\nb: [{c: 3}, {c: 3, c: 4}]\n'
    ),
    "plain words in lists": "- 1\n- [2, 3.5, true, ~, '', -0]\n- {a: null, b: }\n-\n- - x\n  -\n",
    "hidden characters as typed": "a: x\u202ey\n\u2066k: 1\nb: 'q\u2067'\nc: |\n  \u202a\nd: [\u2069]\ne: ok\n",
    "hidden characters from escapes in ASCII text": 'a: "x\\e"\nb: \'x\\e\'\n"k\\x9b": 1\nc: "\\u2066"\nd: x\\e\n',
    "escapes in text with other characters": 'a: "x\\u202e"\nb: "\u00e9t\u00e9"\n"k\\u0007\u00e9": 1\nc: d\u00e9j\u00e0\n',
    "a list of sections with repeats": "- a: 1\n  a: 2\n- a: [1]\n  a: {b: 1}\n- ? [x]\n  : 1\n  a: 3\n",
}


def by_nodes(text: str) -> yamlio.Loaded | str:
    """The old way: compose the nodes, then build them (what documents with anchors still take)."""
    node = yaml.compose(text, Loader=yamlio._SafeLoader)
    if node is None:
        return "no data"
    builder = yamlio._Builder("f.yaml")
    try:
        data = builder.build(node, (), 0)
    except InputError as exc:
        return "\n".join(map(str, exc.problems))
    return yamlio.Loaded("f.yaml", data, builder.marks, b"", builder.problems, builder.broken, builder.plain)


def by_events(text: str) -> yamlio.Loaded | str:
    """The way taken: the events read in one go and built, the pre-scan's checks run only when needed."""
    try:
        events = yamlio._events(text, "f.yaml")
        if events is None:
            return "composed"
        builder = yamlio._EventBuilder("f.yaml", events, text)
        data = builder.document("hint")
    except InputError as exc:
        text = "\n".join(map(str, exc.problems))
        return "no data" if "holds no data" in text else text
    except yaml.YAMLError as exc:
        return f"{type(exc).__name__}: {exc}"
    return yamlio.Loaded("f.yaml", data, builder.marks, b"", builder.problems, builder.broken, builder.plain)


def by_prescan(text: str) -> tuple[str, yamlio.Loaded | str]:
    """The old way: the whole pre-scan as the text is parsed, then the nodes composed and built.

    Returns how it ended ('refused' by the pre-scan, 'unparsable', 'composed' for anchors or aliases, or
    'built') and what came out.
    """
    try:
        events = yamlio._prescan(text, "f.yaml")
    except InputError as exc:
        return "refused", "\n".join(map(str, exc.problems))
    except yaml.YAMLError as exc:
        return "unparsable", f"{type(exc).__name__}: {exc}"
    if events is None:
        return "composed", "composed"
    return "built", by_nodes(text)


def same(text: str) -> str:
    """Both ways give equal values (with their types), marks, problems, dropped paths and plain texts.

    Or the same refusal, the same syntax error, or both leave the text to the composer. Returns how the
    old way ended (see ``by_prescan``).
    """
    how, old = by_prescan(text)
    new = by_events(text)
    assert type(new) is type(old)
    if isinstance(old, str):
        assert new == old
        return how
    assert isinstance(new, yamlio.Loaded)
    assert typed(new.data) == typed(old.data)
    assert places(new) == places(old) and list(new.marks) == list(old.marks)
    assert [str(p) for p in new.problems] == [str(p) for p in old.problems]
    assert new.broken == old.broken and new.plain == old.plain
    return how


def places(loaded: yamlio.Loaded) -> dict[Any, tuple[int, int] | None]:
    """Where each marked value stands (the marks hold events on one side and nodes on the other)."""
    return {path: loaded.locate(path) for path in loaded.marks}


def typed(value: Any) -> Any:
    """The value with every leaf's type beside it (True == 1 would hide a wrong conversion)."""
    if isinstance(value, dict):
        return [(k, typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def _text(path: Path) -> str | None:
    """The file's text, or None for a fixture that is not text (refused before any parsing)."""
    try:
        return yamlio._decode(path.read_bytes(), path.name)
    except InputError:
        return None


NOT_TEXT = [p for p in FILES if _text(p) is None]


@pytest.mark.parametrize("path", [p for p in FILES if p not in NOT_TEXT], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_builds_the_same_from_events(path: Path) -> None:
    text = _text(path)
    assert text is not None
    same(text)


def test_the_files_that_are_not_text_are_only_bad_input_fixtures() -> None:
    """Those few never reach the builders: they are the fixtures of undecodable input, nothing else."""
    assert NOT_TEXT and all("invalid" in p.parts for p in NOT_TEXT)


def test_the_bundled_files_are_read_from_events() -> None:
    """The fast way is the way taken: no bundled description or rule uses anchors."""
    bundled = [p for p in FILES if "examples" in p.parts or "principles" in p.parts]
    assert len(bundled) > 20
    assert all(yamlio._events(p.read_text(encoding="utf-8"), p.name) is not None for p in bundled)


@pytest.mark.parametrize("name", sorted(CORNERS))
def test_corner_cases_build_the_same_from_events(name: str) -> None:
    assert same(CORNERS[name]) == "built"


_DEEP = "[" * (yamlio.MAX_DEPTH + 1) + "]" * (yamlio.MAX_DEPTH + 1)
_BLOCK_DEEP = "".join(" " * i + "k:\n" for i in range(yamlio.MAX_DEPTH + 2))
# The pre-scan's refusals (and syntax errors) come before any problem found while building, as when the
# whole text was pre-scanned first: the builder runs the checks when it meets what could fail them.
LIMITS = {
    "nesting after a dropped value": (f"a: !foo x\nb: {_DEEP}\n", "refused", "nested too deeply"),
    "nesting inside a dropped value": (f"a: !foo {_DEEP}\nb: 1\n", "refused", "nested too deeply"),
    "nesting inside a repeated key's value": (f"a: 1\na: {_DEEP}\n", "refused", "nested too deeply"),
    "nesting after too many problems": (
        "".join(f"k: {i}\n" for i in range(yamlio.MAX_PROBLEMS + 2)) + f"z: {_DEEP}\n",
        "refused",
        "nested too deeply",
    ),
    "block nesting after a problem": ("a: 1\na: 2\n" + _BLOCK_DEEP, "refused", "nested too deeply"),
    "flow nesting past the bracket guard": (
        "a: " + "[" * (yamlio._MOST_FLOW + 1) + "]" * (yamlio._MOST_FLOW + 1),
        "refused",
        "nested too deeply",
    ),
    "a second document": ("a: 1\n---\nb: 1\n", "refused", "more than one YAML document"),
    "a second document after a problem": ("a: 1\na: 2\n--- !foo\nb: 1\n", "refused", "more than one YAML document"),
    "keys and values past the limit": (
        "".join(f"k{i}: {i}\n" for i in range(yamlio.MAX_NODES)),
        "refused",
        "keys and values",
    ),
    "values past the builder's limit": ("- 1\n" * (yamlio.MAX_NODES + 1), "built", "more than 20000 values"),
    "a syntax error after a problem": ("a: 1\na: 2\nb: [\n", "unparsable", "ParserError"),
    "a syntax error after deep nesting": (f"a: {_DEEP}\nb: [\n", "refused", "nested too deeply"),
    "anchors and a problem": ("a: &x 1\na: 2\nb: [*x]\n", "composed", "composed"),
    "anchors and deep nesting": (f"a: &x 1\nb: {_DEEP}\n", "refused", "nested too deeply"),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_limits_and_syntax_errors_come_first_as_before(name: str) -> None:
    text, how, needle = LIMITS[name]
    assert same(text) == how
    outcome = by_events(text)
    assert isinstance(outcome, str) and needle in outcome


def test_a_text_with_more_events_than_a_document_may_hold_is_pre_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading in one go stops after _MOST_EVENTS; past it the pre-scan reads the text again, as before."""
    text = "a: [1, 2, 3]\nb: {c: [4, 5]}\n" * 3 + "b: 6\n"
    monkeypatch.setattr(yamlio, "_MOST_EVENTS", 12)
    prescans: list[str] = []
    prescan = yamlio._prescan
    monkeypatch.setattr(yamlio, "_prescan", lambda text, name: prescans.append(name) or prescan(text, name))
    assert same(text) == "built" and len(prescans) == 2  # the old way's and the new way's
    outcome = by_events(text)
    assert (
        isinstance(outcome, yamlio.Loaded) and [p.message.count("is given twice") for p in outcome.problems] == [1] * 5
    )


def test_the_bundled_files_are_read_in_one_go(monkeypatch: pytest.MonkeyPatch) -> None:
    """A description is not pre-scanned event by event: the builder's checks stand in for it."""
    calls: list[str] = []
    monkeypatch.setattr(yamlio, "_check", lambda events, name: calls.append(name) or list(events))
    loaded = yamlio.parse_bytes((ROOT / "examples" / "moscow-safe-city-frt.yaml").read_bytes(), "m.yaml")
    assert loaded.data["format_version"] == 2 and not calls
    with pytest.raises(InputError):
        yamlio.parse_bytes(b"a: 1\na: 2\n", "d.yaml")
    assert calls == ["d.yaml"]  # a problem: the checks ran


def test_the_corner_cases_are_not_trivial() -> None:
    """The corner cases do raise the problems they are there for (so ``same`` compares something)."""
    problems = {name: by_nodes(text) for name, text in CORNERS.items()}
    assert all(isinstance(p, yamlio.Loaded) for p in problems.values())
    messages = {
        name: " ".join(str(p) for p in loaded.problems)
        for name, loaded in problems.items()
        if isinstance(loaded, yamlio.Loaded)
    }
    assert "'!!python/object:os.system' is not allowed" in messages["explicit tags"]
    assert (
        "merge keys" in messages["merge and value keys"]
        and "'!!value' is not allowed" in messages["merge and value keys"]
    )
    assert messages["complex keys"].count("a key must be plain text") == 2
    assert messages["duplicate keys"].count("is given twice") == 2
    assert "U+202E" in messages["hidden characters"] and "U+0007" in messages["hidden characters"]
    assert "characters long" in messages["over-long text"]
    assert "'!thing' is not allowed" in messages["a foreign-tagged document"]
    dropped = messages["dropped values in lists and sections"]
    assert all(f"'!{tag}' is not allowed" in dropped for tag in ("foo", "bar", "baz"))
    assert messages["standard tags on lists and sections"] == ""
    odd = problems["keys that only look odd"]
    assert isinstance(odd, yamlio.Loaded) and not odd.problems and list(odd.data) == ["<a", "<<", "k", "=x", "="]
    assert messages["hidden characters as typed"].count("invisible control character") == 5
    assert messages["hidden characters from escapes in ASCII text"].count("invisible control character") == 3
    assert messages["escapes in text with other characters"].count("invisible control character") == 2
    before = messages["dropped keys before sections and lists"]
    assert "U+202E" in before and before.count("is given twice") == 2
    assert messages["a list of sections with repeats"].count("is given twice") == 2
    assert "a key must be plain text" in messages["a list of sections with repeats"]


def test_anchors_and_aliases_go_through_the_composer() -> None:
    assert yamlio._events("a: &x 1\nb: *x\n", "f.yaml") is None
    assert yamlio._events("a: &x 1\n", "f.yaml") is None
    assert yamlio._events("a: 'R&D *costs*'\n", "f.yaml") is not None
    assert yamlio.parse_bytes(b"a: &x [1, 2]\nb: *x\n", "f.yaml").data == {"a": [1, 2], "b": [1, 2]}


FUZZ = settings(max_examples=300, derandomize=True, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def as_read(text: str) -> str:
    """Fuzzed text as it would come out of a file: text no file decodes to (a lone surrogate) is left out."""
    try:
        return yamlio._decode(text.encode("utf-8", errors="surrogatepass"), "fuzz.yaml")
    except InputError:
        assume(False)
        raise


@FUZZ
@given(mutated())
def test_mutated_files_build_the_same_from_events(text: str) -> None:
    same(as_read(text))


@FUZZ
@given(st.lists(YAML_BITS | st.text(max_size=5), max_size=200))
def test_punctuation_soup_builds_the_same_from_events(parts: list[str]) -> None:
    same(as_read("".join(parts)))


@pytest.mark.parametrize("code", [c for c in range(128) if yamlio._HIDDEN.match(chr(c))])
def test_hidden_ascii_characters_as_typed_are_refused_by_the_parser(code: int) -> None:
    """The premise of looking only at double-quoted scalars in ASCII text: libyaml refuses these typed anywhere."""
    char = chr(code)
    for text in (
        f"a: x{char}y\n",
        f"k{char}: 1\n",
        f"a: '{char}'\n",
        f'a: "{char}"\n',
        f"a: |\n  {char}\n",
        f"# {char}\na: 1\n",
    ):
        with pytest.raises(InputError, match="control character|binary file"):
            yamlio.parse_bytes(text.encode(), "f.yaml")


def test_only_the_listed_escapes_can_write_a_hidden_character() -> None:
    """The premise of not looking for hidden characters in ASCII text without such an escape (_HIDDEN_ESCAPE)."""
    import string

    for char in string.printable:
        for digits in ("", "1b", "001b", "0000001b", "85", "0085", "202e", "0000202e"):
            try:
                value = yaml.load(f'"\\{char}{digits}"', Loader=yamlio._SafeLoader)
            except yaml.YAMLError:
                continue  # not an escape
            if yamlio._HIDDEN.search(value):
                assert yamlio._HIDDEN_ESCAPE.fullmatch(f"\\{char}"), char


def test_a_hidden_character_from_an_escape_is_found_in_any_style_of_text() -> None:
    """Keys and values, in ASCII and in other text, beside text that holds no such escape."""
    for text in (
        '"k\\x1b": 1\n',
        'a: "\\e"\n',
        'a: "x\\u202ey"\nb: ñ\n',
        'a: [b, "\\N"]\n',
        "a: '\\x1b'\nb: \"\\a\"\n",
    ):
        with pytest.raises(InputError, match="invisible control character"):
            yamlio.parse_bytes(text.encode(), "f.yaml")
    assert yamlio.parse_bytes(b"a: 'x\\x1b'\nb: \"\\\\x1b\"\n", "f.yaml").data == {"a": "x\\x1b", "b": "\\x1b"}


def test_the_words_that_are_not_text_are_every_casing_of_true_false_and_null() -> None:
    """The builder reads a plain scalar the whole way only if it is one of _CORE_WORDS or could be a number."""
    import sys

    for word in yamlio._CORE_WORDS:
        assert not isinstance(yamlio._plain_scalar(word), str), word
    others = [
        chr(i) + rest for i in range(sys.maxunicode + 1) if chr(i) not in yamlio._NUMBER_FIRST for rest in ("", "rue")
    ]
    others += ["tRuEs", "nul", "no", "none", "forklog-2021", "Nan", "~x", "FALSE!"]
    for word in others:
        if word not in yamlio._CORE_WORDS:
            assert yamlio._plain_scalar(word) == word, word


def test_plain_text_is_recognised_by_its_first_character() -> None:
    """_plain_scalar returns text at once when the first character cannot start true, false, null, ~ or a number.

    That holds only if no other character lowercases to t, f or n (which a future Unicode could change).
    """
    import sys

    starts = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).lower()[:1] in ("t", "f", "n")}
    assert starts == set("tTfFnN")
    assert starts <= yamlio._NOT_TEXT_FIRST
    words = (
        "True",
        "FALSE",
        "Null",
        "~",
        "-1_0",
        "+.5",
        ".5e3",
        "0",
        "text",
        "No",
        "ñ",
        "1x",
        "none",
        "~1",
        "t1",
        "n.5",
    )
    assert yamlio._NUMBER_FIRST <= yamlio._NOT_TEXT_FIRST  # a word that is not true, false or null is text
    for word in words:
        assert yamlio._plain_scalar(word) == yaml_core(word), word


def yaml_core(word: str) -> Any:
    """The same reading without the first-character shortcut."""
    lowered = word.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None
    if yamlio._INT.fullmatch(word):
        return int(word.replace("_", ""))
    if yamlio._FLOAT.fullmatch(word):
        return float(word.replace("_", ""))
    return word
