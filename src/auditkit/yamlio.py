"""Load YAML (and JSON, which YAML reads too) into plain data, remembering
where every value stood so that validation errors can name a line.

We compose nodes with PyYAML's safe composer and build the Python values
ourselves rather than calling ``safe_load``: that is where line marks come
from, and it lets us refuse duplicate keys, foreign tags and alias bombs,
and keep YAML 1.1 words such as ``no`` or ``on`` as the text the author
typed (fields that want a yes/no answer accept them; text fields keep them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditkit.errors import InputError, Problem, single

# Limits on what one input may cost; documented in docs/limits.md.
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 40
MAX_SCALAR_CHARS = 20_000

PathKey = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9]+([eE][-+]?[0-9]+)?")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


@dataclass
class Loaded:
    """A parsed document and the 1-based (line, column) of each value in it."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    text: bytes = b""

    def locate(self, path: PathKey) -> tuple[int, int] | None:
        """The mark of the longest prefix of ``path`` that we saw in the file."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark is not None:
                return mark
        return None

    def problem(self, path: PathKey, message: str) -> Problem:
        """A Problem located at ``path`` (or its nearest present ancestor)."""
        mark = self.locate(path)
        dotted = ".".join(str(p) for p in path)
        if mark is None:
            return Problem(file=self.file, message=message, path=dotted)
        return Problem(file=self.file, message=message, line=mark[0], column=mark[1], path=dotted)


def read_file(path: Path, display: str | None = None) -> Loaded:
    """Read and parse ``path``; raise InputError with a located message when it is unusable."""
    name = display or str(path)
    if path.is_dir():
        raise single(name, "this is a folder, not a file; give the path of a .yaml or .json file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise single(name, "no such file; check the path and spelling") from None
    except OSError as exc:
        raise single(name, f"cannot be read ({exc.strerror or exc}); check its permissions") from None
    if len(raw) > MAX_BYTES:
        raise single(name, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; "
                     "a deployment description should be far smaller")
    return parse_bytes(raw, name)


def parse_bytes(raw: bytes, name: str) -> Loaded:
    """Parse YAML or JSON bytes into a Loaded document."""
    if b"\x00" in raw:
        raise single(name, "this looks like a binary file; give a YAML or JSON text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise single(name, "the file is not UTF-8 text; save it as UTF-8", line=line,
                     column=exc.start - raw.rfind(b"\n", 0, exc.start)) from None
    if not text.strip():
        raise single(name, "the file is empty; run 'auditkit init' for a template to fill in")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "invalid YAML").strip()
        hint = _syntax_hint(what)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise single(name, f"YAML syntax error: {what}{hint}", line=line, column=col) from None
    except yaml.YAMLError as exc:
        raise single(name, f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise single(name, f"the document is nested too deeply (more than {MAX_DEPTH} levels)") from None
    if node is None:
        raise single(name, "the file holds no data; run 'auditkit init' for a template to fill in")
    builder = _Builder(name)
    data = builder.build(node, (), 0)
    return Loaded(file=name, data=data, marks=builder.marks, text=raw)


def _syntax_hint(problem: str) -> str:
    if "\\t" in problem or "tab" in problem:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "; put a space after each ':' and quote text that contains ': '"
    if "could not find expected ':'" in problem:
        return "; every line inside a section needs 'key: value'"
    return "; check the indentation and quoting on this line"


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.count = 0

    def fail(self, node: yaml.Node, message: str) -> InputError:
        mark = node.start_mark
        return single(self.name, message, line=mark.line + 1, column=mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"the document expands to more than {MAX_NODES} values "
                            "(repeated YAML aliases?); write the values out plainly")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the document is nested too deeply (more than {MAX_DEPTH} levels)")
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"the tag '{node.tag}' is not allowed; remove it "
                            "(auditkit reads plain YAML values only)")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "YAML merge keys ('<<') are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "a key must be plain text")
            key = str(key_node.value)
            if key in out:
                first = self.marks.get((*path, key), (0, 0))[0]
                raise self.fail(key_node, f"duplicate key '{key}' (first given on line {first}); "
                                "keep one of them")
            self.marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        value = node.value
        if len(value) > MAX_SCALAR_CHARS:
            raise self.fail(node, f"this value is longer than {MAX_SCALAR_CHARS} characters; shorten it")
        if node.style is not None:  # quoted or block text is always text
            return value
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered in ("null", "~", ""):
            return None
        if _INT.fullmatch(value):
            return int(value.replace("_", ""))
        if _FLOAT.fullmatch(value):
            return float(value.replace("_", ""))
        return value
