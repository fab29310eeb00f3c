"""An opened file, edited: the user's own text with only the edited values changed.

A description opened from a file keeps the author's comments, key order,
quoting and layout after an edit in the questionnaire: the file is read once
in ruamel.yaml's round-trip mode (set up as ``auditkit migrate`` sets it up),
and each revision changes in that tree only the values whose plain data
changed. A fact added where the file had none goes after the fact before it,
and the comment lines that stood before the next key stay before that key.

What is audited is still the project's own reading of the bytes: a revision
is written this way only when those bytes read back (with the loader every
command uses) as exactly the data the form holds; otherwise the description
is written afresh (``yamlout``), so a download never says something other
than what the page showed.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from auditkit.errors import InputError
from auditkit.yamlio import Loaded, parse_bytes

# A comment token's slot in ruamel's comment lists: after a mapping's value, after a sequence's item.
_MAP_SLOT = 2
_SEQ_SLOT = 0


class RoundTrip:
    """The round-trip tree of one opened YAML file, kept in step with the questionnaire's data.

    The text is written one top-level key at a time (the same text as writing the whole tree, a test
    holds), and only the keys whose data changed are written again: ruamel.yaml's emitter is pure
    Python, and one answer changes one section.
    """

    def __init__(self, tree: Any, plain: dict[str, Any], raw: bytes) -> None:
        self.tree = tree
        self.plain = copy.deepcopy(plain)  # what the tree says, as the project's loader reads it
        self.opened = (raw, copy.deepcopy(plain))  # an edit undone gives back the file byte for byte
        self.first = self.sliced(decoded_text(raw))  # each top-level key's text as the author wrote it
        self.parts: dict[Any, str] = dict(self.first)  # each top-level key's text, as last written

    @classmethod
    def of(cls, raw: bytes, plain: dict[str, Any]) -> RoundTrip | None:
        """The round trip of ``raw`` (whose plain data is ``plain``), or None for JSON or what ruamel cannot read."""
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.error import YAMLError

        from auditkit.migrate import decoded, round_trip_yaml

        text = decoded(raw)
        if text.lstrip().startswith("{"):
            return None  # JSON has no comments to keep; written afresh as YAML
        try:
            tree = round_trip_yaml().load(text)
        except (YAMLError, ValueError):
            return None
        return cls(tree, plain, raw) if isinstance(tree, CommentedMap) else None

    def text(self, data: dict[str, Any], name: str) -> tuple[bytes, Loaded | None] | None:
        """The file with ``data``'s values and its reading, or None when it would not read back as ``data``."""
        before = self.plain
        shape = list(before) == list(data)
        _sync_map(self.tree, before, data)
        self.plain = copy.deepcopy(data)
        if data == self.opened[1]:
            self.parts = dict(self.first)  # changed and changed back: the author's text again
            return self.opened[0], None
        changed = {k for k in data if not shape or k not in self.parts or _differs(before.get(k, _Absent), data[k])}
        for key in changed:
            self.parts[key] = self.written(key)
        if not shape:
            self.parts = {k: self.parts[k] for k in self.tree}
        raw = "".join(self.parts[k] for k in self.tree).encode("utf-8")
        try:
            back = parse_bytes(raw, name, keep_problems=True)
        except InputError:
            return None
        return (raw, back) if back.data == data else None

    def sliced(self, text: str) -> dict[Any, str]:
        """The file's text cut at its top-level keys, so that a key left alone keeps its text to the letter.

        The head goes with the first key, and comment lines before a key with the key above it, as ruamel
        keeps them.
        """
        lines = text.splitlines(keepends=True)
        keys = list(self.tree)
        starts = [0] + [self.tree.lc.key(k)[0] for k in keys[1:]]
        if starts != sorted(starts) or any(self.tree.lc.key(k)[1] != 0 for k in keys):
            return {}  # not one key a line at the margin: ruamel writes every key
        ends = [*starts[1:], len(lines)]
        return {k: "".join(lines[a:b]) for k, a, b in zip(keys, starts, ends, strict=True)}

    def written(self, key: Any) -> str:
        """The text of one top-level key, with the comments that belong to it (the file's head with the first)."""
        from ruamel.yaml.comments import CommentedMap

        from auditkit.migrate import round_trip_yaml

        one = CommentedMap()
        one[key] = self.tree[key]
        if key in self.tree.ca.items:
            one.ca.items[key] = self.tree.ca.items[key]
        if key == next(iter(self.tree)):
            one.ca.comment = self.tree.ca.comment
        out = io.StringIO()
        round_trip_yaml().dump(one, out)
        return out.getvalue()

    def whole(self) -> str:
        """The whole tree written at once (what ``text`` must equal)."""
        from auditkit.migrate import round_trip_yaml

        out = io.StringIO()
        round_trip_yaml().dump(self.tree, out)
        return out.getvalue()


def decoded_text(raw: bytes) -> str:
    """The file's text as ``auditkit migrate`` reads it (UTF-8, or UTF-16 with a byte-order mark)."""
    from auditkit.migrate import decoded

    return decoded(raw)


def _differs(old: Any, new: Any) -> bool:
    return type(old) is not type(new) or bool(old != new)


def _built(value: Any) -> Any:
    """A plain value as a round-trip node (mappings and lists in block style)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((k, _built(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_built(v) for v in value)
    return value


def _slots(node: Any, key: Any) -> list[Any]:
    """The comment list of ``node[key]``, made when it has none."""
    items: list[Any] = node.ca.items.setdefault(key, [None, None, None, None])
    while len(items) <= _slot(node):
        items.append(None)
    return items


def _slot(node: Any) -> int:
    from ruamel.yaml.comments import CommentedSeq

    return _SEQ_SLOT if isinstance(node, CommentedSeq) else _MAP_SLOT


def _last_key(node: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if isinstance(node, CommentedMap):
        return next(reversed(node), None) if len(node) else None
    return len(node) - 1 if len(node) else None


def _tail_places(node: Any) -> list[tuple[Any, Any]]:
    """Where the comment lines after ``node`` can be held: its last item, that item's last item, and so on."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    places = []
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = _last_key(node)
        places.append((node, key))
        node = node[key]
    return places


def _take_tail(node: Any, key: Any) -> Any:
    """Remove and return the comment lines that follow ``node[key]`` (not a comment on the value's own line).

    The token is returned as it would follow a one-line value: a block scalar (``>-``, ``|``) ends with its
    own line break, so what follows one starts a line earlier.
    """
    from ruamel.yaml.tokens import CommentToken

    places = [(node, key), *_tail_places(node[key])]
    for holder, at in reversed(places):
        items = holder.ca.items.get(at)
        slot = _slot(holder)
        token = items[slot] if items and len(items) > slot else None
        if token is None:
            continue
        value: str = token.value
        if value.startswith("#"):  # a comment on the value's own line stays there; the lines after it move
            own, _, rest = value.partition("\n")
            token.value = own + "\n"
            value = "\n" + rest
        else:
            items[slot] = None
            if _is_block(holder[at]):
                value = "\n" + value
        return CommentToken(value, token.start_mark, None) if value.strip() or value.count("\n") > 1 else None
    return None


def _is_block(value: Any) -> bool:
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    return isinstance(value, FoldedScalarString | LiteralScalarString)


def _put_tail(node: Any, key: Any, token: Any) -> None:
    """Make ``token`` (from ``_take_tail``) the comment lines that follow ``node[key]``.

    Lines already there (after a comment on the value's own line) are replaced: they stood before an
    item that is gone or that moved.
    """
    if token is None:
        return
    places = [(node, key), *_tail_places(node[key])]
    holder, at = places[-1]
    items = _slots(holder, at)
    slot = _slot(holder)
    value: str = token.value
    if _is_block(holder[at]):
        value = value.removeprefix("\n")
    old = items[slot]
    if old is not None and old.value.startswith("#"):  # keep the comment on the value's own line, where it is
        old.value = old.value.partition("\n")[0] + value
    else:
        token.value = value
        items[slot] = token


def _set(node: Any, key: Any, value: Any) -> None:
    """Replace ``node[key]``'s value, keeping the comment lines after it where they were."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node[key], CommentedMap | CommentedSeq) or isinstance(value, dict | list):
        tail = _take_tail(node, key)
        node[key] = _built(value)
        _put_tail(node, key, tail)
    else:
        node[key] = value


def _sync(node: Any, key: Any, old: Any, new: Any) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not _differs(old, new):
        return
    child = node[key]
    if isinstance(child, CommentedMap) and isinstance(old, dict) and isinstance(new, dict):
        _sync_map(child, old, new)
    elif isinstance(child, CommentedSeq) and isinstance(old, list) and isinstance(new, list):
        _sync_list(child, old, new)
    else:
        _set(node, key, new)


def _sync_map(node: Any, old: dict[str, Any], new: dict[str, Any]) -> None:
    for key in [k for k in node if k not in new]:
        _remove(node, key)
    previous = None
    for key, value in new.items():
        if key in node:
            _sync(node, key, old.get(key, _Absent), value)
        else:
            position = 0 if previous is None else list(node).index(previous) + 1
            tail = _take_tail(node, previous) if previous is not None else None
            node.insert(position, key, _built(value))
            _put_tail(node, key, tail)
        previous = key


def _sync_list(node: Any, old: list[Any], new: list[Any]) -> None:
    """Items kept stay as they were (with their comments); removed, added and changed ones are matched up."""
    import difflib

    if len(old) != len(node):  # the tree does not say what the plain data said: change item by item
        old = [_Absent] * len(node)
    matcher = difflib.SequenceMatcher(None, [_key(v) for v in old], [_key(v) for v in new], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end, so earlier positions hold
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(common):
            _sync(node, i1 + offset, old[i1 + offset], new[j1 + offset])
        for index in reversed(range(i1 + common, i2)):
            _remove(node, index)
        for offset, value in enumerate(new[j1 + common : j2]):
            _insert(node, i1 + common + offset, value)


def _key(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=repr)


def _insert(node: Any, index: int, value: Any) -> None:
    """Insert a list item; when it goes last, the comment lines after the list stay after it."""
    from ruamel.yaml.comments import CommentedSeq

    assert isinstance(node, CommentedSeq)
    last = index == len(node) and index > 0
    tail = _take_tail(node, index - 1) if last else None
    _renumber(node, index, +1)
    node.insert(index, _built(value))
    if last:
        _put_tail(node, index, tail)


def _remove(node: Any, key: Any) -> None:
    """Remove an item; the comment lines after it stay, after the item before it."""
    from ruamel.yaml.comments import CommentedSeq

    tail = _take_tail(node, key)
    keys = list(node) if not isinstance(node, CommentedSeq) else list(range(len(node)))
    before = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
    if isinstance(node, CommentedSeq):
        node.ca.items.pop(key, None)
        del node[key]
        _renumber(node, key + 1, -1)
    else:
        node.ca.items.pop(key, None)
        del node[key]
    if before is not None:
        _put_tail(node, before, tail)


def _renumber(node: Any, start: int, step: int) -> None:
    """Move a list's comments with its items when items from ``start`` on shift by ``step``."""
    items = node.ca.items
    moved = {(i + step if i >= start else i): v for i, v in items.items()}
    items.clear()
    items.update(moved)


class _AbsentType:
    def __repr__(self) -> str:
        return "<absent>"


_Absent: Any = _AbsentType()
