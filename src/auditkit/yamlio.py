"""Load YAML (and JSON, which YAML reads too) into plain data, remembering where every value stood.

Validation errors can then name the line and column of what they complain about.

Reading happens in three bounded steps, each stopping at the first sign of
abuse so that no input can cost more than a fraction of a second:

1. bytes: size cap, binary and encoding checks (UTF-8, with or without a
   byte-order mark; UTF-16 with a byte-order mark is accepted as well);
2. libyaml's event stream (an iterative C parser, so deep nesting cannot
   exhaust the Python stack), checked for too many values, too deep nesting
   and several documents: those are refused before any other problem is
   reported (``_check``; for a description within the limits the builder
   stands in for it, see ``_events``);
3. building the Python values ourselves rather than calling ``safe_load``:
   that is where line marks come from, and it lets us refuse duplicate keys,
   foreign tags (such as ``!!python/object``) and alias bombs, and keep YAML
   1.1 words such as ``no`` or ``on`` as the text the author typed (fields
   that want a yes/no answer accept them; text fields keep them). The values
   are built straight from the events, so the text is parsed once; a
   document with anchors or aliases (rare in a description) is composed into
   nodes by the safe composer instead, which resolves them.

Nothing here ever constructs an object from a tag: only plain mappings,
lists, text, numbers, booleans and null come out. See docs/limits.md.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice, product
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import yaml

from auditkit.errors import InputError, Problem, single

# Limits on what one input may cost; documented (with measured times) in docs/limits.md.
MAX_BYTES = 2 * 1024 * 1024  # a full deployment description is ~30 KB
MAX_NODES = 20_000  # values after expanding aliases; a deployment has ~1,000
MAX_DEPTH = 40  # nesting levels; a deployment needs 5, a rule condition ~10
MAX_SCALAR_CHARS = 20_000  # one text value: about eight pages
MAX_PROBLEMS = 100  # problems listed for one file; past that, fixing the first ones comes first
# More events than a document within the limits can hold (keys and values, the ends of lists and sections).
_MOST_EVENTS = 4 * MAX_NODES + 8
_MOST_FLOW = (
    2_000  # '[' and '{' in a text read in one go: nested, libyaml takes ~10 ms over them (a deployment has ~200)
)

PathKey = tuple[str | int, ...]
TEMPLATE_HINT = "run 'auditkit init' for a template to fill in"
_SHOWN_CHARS = 60

_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Numbers longer than this stay text: Python refuses to convert very long digit strings.
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]{0,30})")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]{0,30})?\.[0-9]{1,30}([eE][-+]?[0-9]{1,3})?")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
# Characters a text value may not hold: C0/C1 controls (YAML allows them through "\e" or "\x1b" escapes;
# in a report or a terminal they can hide or rewrite text) and the bidirectional overrides and isolates
# that make text display in another order than it is written ("Trojan Source").
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The escapes of double-quoted YAML that can write one: \0 \a \b \e \f \v, \N (U+0085) and any code (\x \u \U).
_HIDDEN_ESCAPE = re.compile(r"\\[0abefvNxuU]")
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a Word, OpenDocument, Excel or zip file",
    b"\xd0\xcf\x11\xe0": "an old Word or Excel document",
    b"{\\rtf": "a rich-text (RTF) document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def dotted(path: PathKey) -> str:
    """A field path as a reader sees it: ``sources[1].id`` (list positions count from 1)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:  # keys come from the file: never let one put control characters on a terminal
            key = "".join(ch if ch.isprintable() else "?" for ch in str(part)[:60])
            out += ("." if out else "") + key
    return out


@dataclass
class Loaded:
    """A parsed document and the 1-based (line, column) of each value in it.

    ``problems`` holds what was wrong with the structure but did not stop
    reading (duplicate keys, refused tags, over-long text); ``broken`` holds
    the paths whose values were dropped because of them, so that validation
    does not report a second, confusing problem at the same place.
    ``plain`` keeps the text as typed of unquoted scalars that were read as
    numbers, booleans or null, so a text field can take them back as text.
    ``marks`` holds where each value (or its key) starts, as libyaml marks it
    (0-based line and column): a message turns it into 1-based numbers.
    """

    file: str
    data: Any
    marks: dict[PathKey, Any] = field(default_factory=dict)
    text: bytes = b""
    problems: list[Problem] = field(default_factory=list)
    broken: set[PathKey] = field(default_factory=set)
    plain: dict[PathKey, str] = field(default_factory=dict)

    def locate(self, path: PathKey) -> tuple[int, int] | None:
        """The mark of the longest prefix of ``path`` that we saw in the file."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark is not None:
                return mark.line + 1, mark.column + 1
        return None

    def problem(self, path: PathKey, message: str) -> Problem:
        """A Problem located at ``path`` (or its nearest present ancestor)."""
        mark = self.locate(path)
        if mark is None:
            return Problem(file=self.file, message=message, path=dotted(path))
        return Problem(file=self.file, message=message, line=mark[0], column=mark[1], path=dotted(path))

    def is_broken(self, path: PathKey) -> bool:
        """True when ``path`` or one of its ancestors was dropped while reading."""
        if not self.broken:  # as in most files
            return False
        return any(tuple(path[:end]) in self.broken for end in range(len(path) + 1))


def shown(value: Any, *, quote: bool = True) -> str:
    """A value from the input as it may be echoed in a message: short, one line, no control characters."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a section of 'key: value' lines"
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value)[: _SHOWN_CHARS + 1])
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "..."
    return f"'{text}'" if quote and isinstance(value, str) else text


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' for the closest option, or ''.

    Call it only for a problem that will be printed (at most MAX_PROBLEMS per
    file): each call costs time in proportion to the number of options. For a
    long list of options build one ``Suggester`` and ask it many times.
    """
    return Suggester(options).hint(word)


class Suggester:
    """Closest-match hints over a fixed list of options, at a bounded cost per question.

    Short lists (the fields of a section, the facts of the format) use
    difflib's similarity, as people expect from it. Long lists (a file's own
    source ids, which can run to thousands) would make that quadratic, so
    they are indexed once by every spelling with one character deleted; a
    question then costs a few dictionary look-ups and finds the ids one
    typing slip away (a letter added, dropped, changed or two swapped).
    """

    SMALL = 100  # up to this many options, difflib compares with each
    LONGEST = 80  # words longer than this get no hint (nobody mistypes a paragraph)

    def __init__(self, options: list[str] | tuple[str, ...]) -> None:
        self.options = list(options)
        self._index: dict[str, list[str]] | None = None

    def hint(self, word: str) -> str:
        """The hint that follows a message: ``(did you mean 'x'?)`` for the closest option to ``word``, or nothing."""
        close = self.closest(word)
        return f" (did you mean '{close}'?)" if close else ""

    def closest(self, word: str) -> str | None:
        """The option ``word`` is most likely a slip for, if any is close enough."""
        import difflib  # only a mistake needs it; start-up does not (benchmarks/, section 3)

        if len(word) > self.LONGEST:
            return None
        if len(self.options) <= self.SMALL:
            close = difflib.get_close_matches(word.lower(), self.options, n=1, cutoff=0.6)
            return close[0] if close else None
        if self._index is None:
            self._index = {}
            for option in self.options:
                if len(option) <= self.LONGEST:
                    for variant in _deletions(option.lower()):
                        self._index.setdefault(variant, []).append(option)
        found = {o for v in _deletions(word.lower()) for o in self._index.get(v, ())}
        if not found:
            return None
        return max(sorted(found), key=lambda o: difflib.SequenceMatcher(None, word.lower(), o.lower()).ratio())


def _deletions(word: str) -> set[str]:
    """``word`` and every spelling of it with one character left out."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def read_file(
    path: Path, display: str | None = None, *, keep_problems: bool = False, hint: str = TEMPLATE_HINT
) -> Loaded:
    """Read and parse ``path``; raise InputError with located messages when it is unusable.

    With ``keep_problems`` the structural problems that did not stop reading
    are returned in ``Loaded.problems`` instead of raised, so that the caller
    can report them together with its own. ``hint`` tells the reader of an
    empty file what to put in it.
    """
    name = display or str(path)
    if path.is_dir():
        raise single(name, "this is a folder, not a file; give the path of a .yaml or .json file")
    try:
        with path.open("rb") as handle:
            raw = _read_capped(handle)
    except FileNotFoundError:
        raise single(name, "no such file; check the path and spelling") from None
    except PermissionError:
        raise single(name, "auditkit may not read this file; check its permissions") from None
    except OSError as exc:
        raise single(name, f"the file cannot be read ({exc.strerror or exc})") from None
    return parse_bytes(raw, name, keep_problems=keep_problems, hint=hint)


def _read_capped(handle: BinaryIO) -> bytes:
    """The file's bytes, or its first MAX_BYTES + 1 when it is larger (then refused without parsing).

    Asking for MAX_BYTES + 1 at once allocates 2 MiB for every file, a ~22 KB description included:
    that cost 0.05 ms a file, read and parse. So the read is sized by the file; a file that grew since,
    or has no size (a pipe), is read on up to the cap.
    """
    size = os.fstat(handle.fileno()).st_size
    raw = handle.read(min(size, MAX_BYTES) + 1)
    if len(raw) > size:
        raw += handle.read(MAX_BYTES + 1 - len(raw))
    return raw


def parse_bytes(raw: bytes, name: str, *, keep_problems: bool = False, hint: str = TEMPLATE_HINT) -> Loaded:
    """Parse YAML or JSON bytes into a Loaded document (see ``read_file``)."""
    if len(raw) > MAX_BYTES:
        raise single(
            name,
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; "
            "a deployment description or rule is far smaller, so this is probably the wrong file",
        )
    text = _decode(raw, name)
    if not text.strip():
        raise single(name, f"the file is empty; {hint}")
    text = _json_text(text, name)
    try:
        events = _events(text, name)
        node = yaml.compose(text, Loader=_SafeLoader) if events is None else None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, name) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise single(
            name,
            f"the file contains a control character (code {exc.character!r}) that YAML "
            "does not allow; delete it or retype the text around it",
            line=line,
            column=col,
        ) from None
    except yaml.YAMLError as exc:
        raise single(name, f"the file is not valid YAML ({exc}); check the indentation and quoting") from None
    except RecursionError:  # unreachable after the pre-scan; kept so no traceback can ever escape
        raise single(name, f"the document is nested too deeply (more than {MAX_DEPTH} levels)") from None
    builder: _Builder
    if events is not None:
        builder = _EventBuilder(name, events, text)
        data = builder.document(hint)
    else:
        if node is None:
            raise single(name, f"the file holds no data, only comments; {hint}")
        builder = _Builder(name)
        data = builder.build(node, (), 0)
    loaded = Loaded(
        file=name,
        data=data,
        marks=builder.marks,
        text=raw,
        problems=builder.problems,
        broken=builder.broken,
        plain=builder.plain,
    )
    if loaded.problems and not keep_problems:
        raise InputError(loaded.problems)
    return loaded


def _decode(raw: bytes, name: str) -> str:
    """The text of ``raw``, or an InputError saying in plain words why it is not text."""
    for magic, kind in _BINARY_MAGIC.items():
        if raw.startswith(magic):
            raise single(name, f"this is {kind}, not a text file; auditkit reads YAML or JSON text")
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):  # Windows editors save "Unicode" text like this; it is still text
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise single(name, "the file says it is UTF-16 text but is damaged; save it again as UTF-8") from None
    if b"\x00" in raw:
        raise single(name, "this looks like a binary file, not text; give a YAML or JSON text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1
        raise single(
            name,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02X} here; it may have "
            "been saved as Latin-1 or Windows-1252); save it with the UTF-8 encoding",
            line=line,
            column=column,
        ) from None


def _json_text(text: str, name: str) -> str:
    """For JSON input: report JSON syntax errors in JSON terms, and let tab-indented JSON through.

    YAML forbids tabs for indentation but JSON allows them between tokens; a
    valid JSON document has no raw tab inside a string, so turning its tabs
    into spaces changes nothing but lets the YAML reader keep line marks.
    """
    stripped = text.lstrip()
    is_json_name = name.lower().endswith(".json")
    if not (is_json_name or stripped.startswith(("{", "["))):
        return text
    import json  # YAML files, the common case, do not need it: start-up (benchmarks/, section 3)

    try:  # numbers stay text: int() refuses more than 4,300 digits, and only the syntax matters here
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as exc:
        if is_json_name:
            raise single(
                name, f"JSON syntax error: {_json_words(exc.msg)}", line=exc.lineno, column=exc.colno
            ) from None
        return text  # YAML flow style such as {a: b}; the YAML reader reports real errors
    except RecursionError:
        raise single(name, f"the document is nested too deeply (more than {MAX_DEPTH} levels)") from None
    return text.replace("\t", " ")


def _json_words(msg: str) -> str:
    hints = {
        "Expecting property name enclosed in double quotes": "expected a key in double quotes; remove a trailing ',' before '}' or put the key in \"quotes\"",
        "Expecting ',' delimiter": "a ',' is missing between two entries, or a bracket is not closed",
        "Expecting ':' delimiter": "a ':' is missing between a key and its value",
        "Expecting value": "a value is missing here (or a trailing ',' before ']' or '}')",
        "Extra data": "there is more text after the end of the JSON document",
        "Unterminated string starting at": "a text in quotes is not closed; add the closing '\"'",
        "Invalid control character at": "a text in quotes runs over a line end or holds a tab; "
        "write \\n or \\t instead",
        "Invalid \\escape": "a backslash starts an unknown escape; write \\\\ for a backslash",
    }
    return hints.get(msg, msg[:1].lower() + msg[1:] + "; check the brackets, quotes and commas")


def _events(text: str, name: str) -> list[Any] | None:
    """libyaml's events for ``text``, refused as ``_prescan`` refuses them; None when it has anchors or aliases.

    The events are read in one go (libyaml's own loop, no Python per event) and handed to the builder,
    which runs the pre-scan's checks (``_check``) only when it meets what could fail them: nesting
    deeper than MAX_DEPTH, too many values, a dropped value, anything after the document. A text that
    does not parse, or holds more events than a document within the limits can, is read again by
    ``_prescan``, so that its refusal or syntax error comes exactly as before. So is a text with many
    '[' and '{': libyaml's time grows with the square of their nesting, which only the pre-scan,
    stopping at the first level too deep, keeps short.
    """
    if text.count("[") + text.count("{") > _MOST_FLOW:
        return _prescan(text, name)
    loader = _SafeLoader(text)
    events: list[Any] = []
    try:
        events.extend(islice(iter(loader.get_event, None), _MOST_EVENTS))
    except yaml.YAMLError:
        return _prescan(text, name)
    finally:
        loader.dispose()
    if type(events[-1]) is not yaml.StreamEndEvent:
        return _prescan(text, name)
    if _anchored(text, events):
        _check(events, name)
        return None
    return events


def _prescan(text: str, name: str) -> list[Any] | None:
    """Walk libyaml's event stream as it is parsed (stops early) and refuse abusive structure.

    Returns the events, from which the values are then built without parsing the text again;
    or None when the document has anchors or aliases, which the safe composer resolves.
    """
    loader = _SafeLoader(text)
    try:
        events = _check(iter(loader.get_event, None), name)
    finally:
        loader.dispose()
    return None if _anchored(text, events) else events


def _check(events: Iterable[Any], name: str) -> list[Any]:
    """Refuse too deep nesting, too many values and a second document, at the first event that passes a limit.

    Returns the events walked. The loop runs without recursion, so deep nesting cannot exhaust the
    Python stack; the events are compared by their exact type (a tenth of a description's loading
    time went on the generator and isinstance checks of yaml.parse).
    """
    depth = nodes = documents = 0
    kept: list[Any] = []
    keep = kept.append
    limit = 2 * MAX_NODES
    scalar, alias, document, end = yaml.ScalarEvent, yaml.AliasEvent, yaml.DocumentStartEvent, yaml.StreamEndEvent
    opens, closes = {yaml.MappingStartEvent, yaml.SequenceStartEvent}, {yaml.MappingEndEvent, yaml.SequenceEndEvent}
    for event in events:
        keep(event)
        kind = type(event)
        if kind is scalar or kind is alias:
            nodes += 1
        elif kind in opens:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise _refuse(
                    name,
                    event,
                    f"the document is nested too deeply (more than {MAX_DEPTH} levels "
                    "of lists or sections); a deployment needs about five",
                )
        elif kind in closes:
            depth -= 1
        elif kind is document:
            documents += 1
            if documents > 1:
                raise _refuse(
                    name,
                    event,
                    "the file holds more than one YAML document (a second '---'); keep one document per file",
                )
        elif kind is end:
            break
        if nodes > limit:
            raise _refuse(
                name,
                event,
                f"the document holds more than {limit} keys and values; a deployment description has about a thousand",
            )
    return kept


def _anchored(text: str, events: list[Any]) -> bool:
    """True when the events hold an anchor ('&name') or an alias ('*name')."""
    if "&" not in text and "*" not in text:  # neither can be written without its character
        return False
    return any(type(e) is yaml.AliasEvent or getattr(e, "anchor", None) is not None for e in events)


def _refuse(name: str, event: yaml.Event, message: str) -> InputError:
    mark = event.start_mark
    if mark is None:
        return single(name, message)
    return single(name, message, line=mark.line + 1, column=mark.column + 1)


def cap_problems(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS problems, and a last line saying how many were left out."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [
        *problems[:MAX_PROBLEMS],
        Problem(
            file=problems[0].file,
            message=f"more problems follow but only the first {MAX_PROBLEMS} are listed; fix these, then run again",
        ),
    ]


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, name: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    char = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
    what = _syntax_words((exc.problem or "").strip(), (exc.context or "").strip(), char, exc.context_mark)
    return single(name, f"YAML syntax error: {what}", line=line, column=col)


# libyaml's terse messages (its 'problem', and the 'context' it was in) -> what is wrong and what to do, in
# plain words. The first entry that matches is used; {where} names the line an unclosed bracket or quote
# opened on.
_SYNTAX_WORDS: tuple[tuple[Callable[[str, str], bool], str], ...] = (
    (
        lambda problem, _: "mapping values are not allowed" in problem,
        "a ':' appears where it is not expected; put a space after each ':' and quote text that contains ': '",
    ),
    (
        lambda problem, _: "expected ',' or ']'" in problem,
        "the list{where} with '[' is not closed, or a ',' is missing between its items; add the ']' or ','",
    ),
    (
        lambda problem, _: "expected ',' or '}'" in problem,
        "the section{where} with '{{' is not closed, or a ',' is missing between its entries; add the '}}' or ','",
    ),
    (
        lambda problem, _: "expected key" in problem,
        (
            "this line is not indented like the lines above it, or a ':' is missing; line up keys "
            "of the same section and write 'key: value'"
        ),
    ),
    (
        lambda problem, _: "expected '-' indicator" in problem,
        "this line is not indented like the list items above it; start each item with '- ' at the same indentation",
    ),
    (lambda problem, _: "expected ':'" in problem, "every line inside a section needs 'key: value'; add the ':'"),
    (
        lambda problem, context: "end of stream" in problem and "quoted" in context,
        "a text in quotes{where} is not closed; add the closing quote",
    ),
    (
        lambda problem, _: "escape" in problem or "hexdecimal" in problem,
        (
            "a backslash inside double quotes starts a special code such as \\n; write each backslash "
            "twice, or put the text in single quotes instead"
        ),
    ),
    (
        lambda problem, _: "undefined alias" in problem,
        "'*' refers to an anchor ('&name') that is not defined above; write the value out",
    ),
    (
        lambda problem, context: "duplicate anchor" in context or "second occurrence" in problem,
        "the same anchor ('&name') is defined twice; rename one",
    ),
    (
        lambda problem, _: "expected node content" in problem,
        "a value is missing or starts with a character that needs quotes; put the value in quotes",
    ),
)


def _syntax_words(problem: str, context: str, char: str, opened: Any) -> str:
    """libyaml's terse messages in plain words: what is wrong; what to do."""
    if char == "\t" or "tab" in problem:
        return "a tab character is used for indentation; indent with spaces, not tabs"
    if "cannot start any token" in problem:
        return (
            f"the character '{char}' cannot start a value; put the text in quotes"
            if char.strip()
            else "unexpected character; put the text in quotes"
        )
    where = f" opened on line {opened.line + 1}" if opened is not None else ""
    for matches, words in _SYNTAX_WORDS:
        if matches(problem, context):
            return words.format(where=where)
    return f"{problem or 'the file is not valid YAML'}; check the indentation and quoting on this line"


_TOO_MANY = (
    f"the document expands to more than {MAX_NODES} values, because "
    "'*name' aliases repeat other parts of it; write the values out plainly"
)


class _Marked(Protocol):
    """A node or an event: where it starts in the text."""

    @property
    def start_mark(self) -> Any: ...


class _Builder:
    """Builds Python values from composed nodes, recording marks and problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, Any] = {}  # libyaml's marks, see Loaded
        self.problems: list[Problem] = []
        self.broken: set[PathKey] = set()
        self.plain: dict[PathKey, str] = {}
        self.count = 0

    def _problem(self, node: _Marked, path: PathKey, message: str) -> Problem:
        mark = node.start_mark
        return Problem(file=self.name, message=message, line=mark.line + 1, column=mark.column + 1, path=dotted(path))

    def fail(self, node: _Marked, message: str) -> InputError:
        """A problem that stops reading (limits): raised with those found so far."""
        return InputError([*self.problems, self._problem(node, (), message)])

    def drop(self, node: _Marked, path: PathKey, message: str) -> None:
        """Record a problem, drop the value at ``path`` and keep reading."""
        self.add(self._problem(node, path, message))
        self.broken.add(path)

    def add(self, problem: Problem) -> None:
        """Record a problem; stop reading when there are too many to be useful."""
        self.problems.append(problem)
        if len(self.problems) > MAX_PROBLEMS:
            raise InputError(cap_problems(self.problems))

    def twice(self, node: _Marked, path: PathKey, key: str) -> Problem:
        """The problem of a key given twice in the section at ``path``."""
        first = self.marks.get((*path, key))
        line = first.line + 1 if first is not None else 0
        return self._problem(
            node, (*path, key), f"the key '{key}' is given twice (first on line {line}); keep one of them"
        )

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, _TOO_MANY)
        if depth > MAX_DEPTH:  # aliases can nest what the pre-scan saw as shallow
            raise self.fail(node, f"the document is nested too deeply (more than {MAX_DEPTH} levels)")
        self.marks.setdefault(path, node.start_mark)
        if node.tag not in _STANDARD_TAGS:
            self.drop(
                node,
                path,
                f"the tag '{_short_tag(node.tag)}' is not allowed; remove it "
                "(auditkit reads plain values only and never runs code from a file)",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.drop(key_node, path, "YAML merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.drop(key_node, path, "a key must be plain text, not a list or section")
                continue
            key = str(key_node.value)
            hidden = _HIDDEN.search(key)
            if hidden:  # keys reach terminals and reports too (a grade's name, a field in a message)
                self.drop(
                    key_node,
                    (*path, key),
                    f"this key holds an invisible control character "
                    f"(U+{ord(hidden[0]):04X}) that could hide or reorder what a report shows; remove it",
                )
                continue
            if key in out or (*path, key) in self.broken:
                self.add(self.twice(key_node, path, key))
                continue
            self.marks[(*path, key)] = key_node.start_mark
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def scalar(self, node: Any, path: PathKey) -> Any:
        """A scalar node's (or event's) value: text, or a number, boolean or null when written plainly."""
        value = node.value
        if len(value) > MAX_SCALAR_CHARS:
            self.drop(
                node,
                path,
                f"this text is {len(value)} characters long, more than the {MAX_SCALAR_CHARS} allowed; shorten it",
            )
            return None
        hidden = _HIDDEN.search(value)
        if hidden:
            self.drop(
                node,
                path,
                f"this text holds an invisible control character (U+{ord(hidden[0]):04X}) that "
                "could hide or reorder what a report shows; remove it",
            )
            return None
        if node.style:  # quoted or block text is always text ('' is libyaml's plain style)
            return value
        converted = _plain_scalar(value)
        if not isinstance(converted, str):
            self.plain[path] = value
        return converted


_MAP, _SEQ, _STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"
# The first characters of plain scalars that the safe resolver may tag with something other than text, a
# number, a boolean, null or a date ('<<' merge, '=' value, '!' '&' '*' yaml): those are asked of it.
_RESOLVER = yaml.resolver.Resolver()  # the safe loaders' resolver (plain scalars' implicit tags)
_ODD_FIRST = {
    first
    for first, resolvers in _RESOLVER.yaml_implicit_resolvers.items()
    if any(tag not in _STANDARD_TAGS for tag, _ in resolvers)
}
_ALL_ODD = None in _ODD_FIRST  # a resolver for scalars of any first character


_SCALAR, _MAP_START, _SEQ_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAP_END, _SEQ_END = yaml.MappingEndEvent, yaml.SequenceEndEvent


class _EventBuilder(_Builder):
    """Builds the values straight from libyaml's events (a document without anchors or aliases).

    The same values, marks and problems, in the same order, as composing the nodes and building them
    (``_Builder.build``); tests/test_yaml_events.py compares the two.
    """

    def __init__(self, name: str, events: list[Any], text: str) -> None:
        super().__init__(name)
        self.events = events
        self.at = 0  # where the document's events end, once built
        # A hidden character reaches a key or a value only as typed, or from an escape inside double quotes
        # (_HIDDEN_ESCAPE). Typed, libyaml refuses the ASCII ones (C0 controls and DEL); so when the text is
        # ASCII or holds none, and holds no such escape, no key or value can hold one and none is searched
        # (searching every scalar took 0.12 of 0.6 ms building a Moscow-sized description, looking at the
        # style of each 0.02).
        self.hidden = (not text.isascii() and _HIDDEN.search(text) is not None) or (
            _HIDDEN_ESCAPE.search(text) is not None
        )
        # Every tag ('!name', '!!str', '!<...>') is written with a '!': without one, no event has a tag.
        self.tagged = "!" in text

    def document(self, hint: str) -> Any:
        """The document's value; an InputError when it holds none (only comments).

        One loop over the events with a stack of the open sections and lists, rather than a call per
        value as ``_Builder.build`` makes: the calls, and asking each key and value for its tag, cost
        more than libyaml's parsing (0.9 against 0.8 ms for a Moscow-sized description). Keys and
        values that need more than the common case (a tag, a first character the resolver may read as
        something else, a hidden character, a repeated key, over-long text) go to the methods below.
        Where the pre-scan's checks could fail (nesting deeper than MAX_DEPTH, too many values, a
        dropped value whose events were skipped, anything after the document), they are run over all
        the events: their refusal comes before any problem found while building, as it always has.
        """
        if [type(e) for e in self.events[:2]] != [yaml.StreamStartEvent, yaml.DocumentStartEvent]:
            raise single(self.name, f"the file holds no data, only comments; {hint}")
        try:
            value = self.values()
        except InputError:
            self.check()
            raise
        if self.problems or self.at + 2 != len(self.events):  # a dropped value, or more after the document
            self.check()
        return value

    def check(self) -> None:
        """The pre-scan's checks, whose refusal comes before any problem found while building."""
        _check(self.events, self.name)

    def values(self) -> Any:
        """The document's value, built in one loop (see ``document``)."""
        events, marks, broken, hidden, tagged = self.events, self.marks, self.broken, self.hidden, self.tagged
        # The section or list being filled, its path, and in a section the path of the value whose key came
        # last (None when a key comes next); the enclosing ones wait on the stack. The document's value is
        # the one item of the list ``top``.
        into: Any = []
        into_path: PathKey = ()
        key_path: PathKey | None = None
        stack: list[tuple[Any, PathKey, PathKey | None]] = []
        top, count, at = into, self.count, 2
        while not top:
            event = events[at]
            at += 1
            kind = type(event)
            if kind is _MAP_END or kind is _SEQ_END:
                value = into
                into, into_path, key_path = stack.pop()
            elif key_path is None and type(into) is dict:
                key = event.value if kind is _SCALAR else None
                if (
                    key is None
                    or (tagged and event.tag is not None)
                    or _ALL_ODD
                    or key[:1] in _ODD_FIRST
                    or (hidden and _HIDDEN.search(key))
                    or key in into
                    or (broken and (*into_path, key) in broken)
                ):
                    at, key_path = self.key(at, event, into, into_path)
                else:
                    key_path = (*into_path, key)
                    marks[key_path] = event.start_mark
                continue
            else:
                # A section's value has its key's mark; an item of a list (or the document) its own.
                path = key_path or self.item(event, (*into_path, len(into)) if stack else ())
                count += 1
                if count > MAX_NODES:
                    raise self.fail(event, _TOO_MANY)
                if (
                    (tagged and event.tag is not None)
                    or _ALL_ODD
                    or (kind is _SCALAR and event.value[:1] in _ODD_FIRST)
                ) and self.refused(event, path):
                    at, value = _skip(events, at - 1), None
                elif kind is _SCALAR:
                    value = event.value
                    if (
                        len(value) > MAX_SCALAR_CHARS
                        or (hidden and _HIDDEN.search(value))
                        or (not event.style and (not value or value[0] in _NUMBER_FIRST or value in _CORE_WORDS))
                    ):  # dropped, or a number, a boolean or null: worked out the whole way
                        value = self.scalar(event, path)
                else:  # a section or list opens: fill it next (a refusal when it nests too deeply)
                    stack.append((into, into_path, key_path))
                    into = ({} if kind is _MAP_START else []) if len(stack) <= MAX_DEPTH else self.too_deep(event)
                    into_path, key_path = path, None
                    continue
            if key_path is None:
                into.append(value)
            else:
                into[key_path[-1]] = value
                key_path = None
        self.count, self.at = count, at
        return top[0]

    def too_deep(self, event: Any) -> Any:
        """Stop building: ``document`` then finds the pre-scan's refusal of the nesting, which comes first."""
        raise self.fail(event, f"the document is nested too deeply (more than {MAX_DEPTH} levels)")

    def item(self, event: Any, path: PathKey) -> PathKey:
        """``path``, the path of an item of a list (or of the document), with its mark recorded."""
        self.marks[path] = event.start_mark
        return path

    def refused(self, event: Any, path: PathKey) -> bool:
        """True, with the problem recorded, when a node's tag is not a standard one (the node is then dropped)."""
        tag = self.tag(event)
        if tag in _STANDARD_TAGS:
            return False
        self.drop(
            event,
            path,
            f"the tag '{_short_tag(tag)}' is not allowed; remove it "
            "(auditkit reads plain values only and never runs code from a file)",
        )
        return True

    def key(self, at: int, event: Any, into: dict[str, Any], path: PathKey) -> tuple[int, PathKey | None]:
        """A section's key, the whole way (``_Builder.mapping``), for the keys that are not the common case.

        Merge keys, lists or sections as keys, hidden characters and repeated keys are dropped with their values.
        ``at`` is where the events go on after the key; returns where they go on and the path of the key's
        value, or None when it was dropped.
        """
        events = self.events
        if self.tag(event) == "tag:yaml.org,2002:merge":
            self.drop(event, path, "YAML merge keys ('<<') are not supported; write the keys out")
            return _skip(events, _skip(events, at - 1)), None
        if type(event) is not _SCALAR:
            self.drop(event, path, "a key must be plain text, not a list or section")
            return _skip(events, _skip(events, at - 1)), None
        key = str(event.value)
        hidden = _HIDDEN.search(key)
        if hidden:
            self.drop(
                event,
                (*path, key),
                f"this key holds an invisible control character "
                f"(U+{ord(hidden[0]):04X}) that could hide or reorder what a report shows; remove it",
            )
            return _skip(events, at), None
        if key in into or (*path, key) in self.broken:
            self.add(self.twice(event, path, key))
            return _skip(events, at), None
        self.marks[(*path, key)] = event.start_mark
        return at, (*path, key)

    def tag(self, event: Any) -> str:
        """The node's tag as the safe composer resolves it."""
        tag = event.tag
        if tag is not None and tag != "!":
            return str(tag)
        kind = type(event)
        if kind is _SCALAR:  # most often: checked first
            value = event.value
            if event.implicit[0] and (_ALL_ODD or value[:1] in _ODD_FIRST):
                return str(_RESOLVER.resolve(yaml.ScalarNode, value, event.implicit))  # type: ignore[no-untyped-call]
            return _STR  # or another standard tag: only whether it is one matters here
        return _MAP if kind is _MAP_START else _SEQ


def _skip(events: list[Any], at: int) -> int:
    """Where the events go on after the node that starts at ``at`` (a value that was dropped)."""
    kind = type(events[at])
    at += 1
    if kind is not _MAP_START and kind is not _SEQ_START:
        return at
    depth = 1
    while depth:
        kind = type(events[at])
        at += 1
        if kind is _MAP_START or kind is _SEQ_START:
            depth += 1
        elif kind is _MAP_END or kind is _SEQ_END:
            depth -= 1
    return at


_NUMBER_FIRST = frozenset("+-.0123456789")  # how _INT and _FLOAT can start
_NOT_TEXT_FIRST = _NUMBER_FIRST | frozenset("tTfFnN~")  # how true, false, null, ~ and numbers can start
# true, false and null in every mix of cases, and ~: the unquoted words that are not text.
_CORE_WORDS = frozenset(
    {"".join(chars) for word in ("true", "false", "null") for chars in product(*zip(word, word.upper(), strict=True))}
    | {"~"}
)


def _plain_scalar(value: str) -> Any:
    """An unquoted scalar: YAML 1.2 core booleans, null and numbers; everything else stays text."""
    if value and value[0] not in _NOT_TEXT_FIRST:  # most text: none of the tests below can match
        return value
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None
    if value[0] not in _NUMBER_FIRST:  # a word such as no, none or forklog-2021 (a source id) stays text
        return value
    if _INT.fullmatch(value):
        return int(value.replace("_", ""))
    if _FLOAT.fullmatch(value):
        return float(value.replace("_", ""))
    return value


def _short_tag(tag: str) -> str:
    """'tag:yaml.org,2002:python/object' as the author wrote it: '!!python/object'."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
