r"""One escaping function per target, for every string that comes from a file: its name, a key or a value.

- ``terminal``: what auditkit prints (messages, the text report, "wrote ...")
  is one line without control characters, so a file cannot move the cursor,
  retitle the window or clear the screen.
- ``file_label``: a path as it is shown anywhere, terminal or report. A name
  that is not valid UTF-8 (possible on Linux) shows its odd bytes as ``\xFF``
  instead of failing to print; control characters become ``?``.
- ``markdown`` and ``markdown_code``: text in a Markdown report shows
  literally in every renderer (CommonMark, GitHub's GFM, markdown-it): markup
  characters are backslash-escaped, raw HTML cannot start, and bare web or
  e-mail addresses do not become links (only the sources' declared URLs are
  links, written as such by the renderer). A code span is fenced with more
  backticks than the text holds, so nothing inside can end it.
- HTML: Jinja's autoescape (``markupsafe.escape``) over every value in the
  template; ``html`` is the same function for code outside templates.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

_SURROGATE = re.compile("[\udc80-\udcff]")


def terminal(text: str) -> str:
    r"""One printable line, without control characters.

    Line breaks and tabs become spaces, bytes of a file name that are not UTF-8 ``\xFF``, other
    invisible characters '?'.
    """
    text = _SURROGATE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02X}", text)
    if text.isprintable():  # the common case, answered in C: every character would be kept as it is
        return text
    return "".join(ch if ch.isprintable() else " " if ch in "\n\r\t" else "?" for ch in text)


def file_label(path: str | PurePath) -> str:
    """A file name as auditkit shows it, in terminals and reports alike (see ``terminal``)."""
    return terminal(os.fspath(path))


# Characters that can start markup anywhere in a line ('(' needs no escape once '[' and ']' are escaped).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&@])")
_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
# Characters that start a block (heading, list, quote, rule) when they open a line.
_LEADING = re.compile(r"^([#+\-=>]|\d+[.)])")
# GFM's extended autolinks: 'www.' and 'scheme:' before '//' (http://, https://, ftp://...) and mailto:/xmpp:.
_AUTOLINK = re.compile(r"(?i)\b(www)\.|:(?=//)|\b(mailto|xmpp):")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _flat(value: object) -> str:
    """One line; control characters (only a file name can still hold them) as '?'."""
    return _CONTROL.sub("?", " ".join(str(value).split()))


def markdown(value: object) -> str:
    """Inline Markdown text that shows exactly ``value``, on one line.

    E-mail addresses go in a code span: GFM links them whatever is escaped
    around the '@' (it looks at the text after escapes are resolved).
    """
    return _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], _escaped(value))


def markdown_run(value: object, *, starts_line: bool = False) -> str:
    """Like ``markdown``, for a run of text that is part of a line.

    A space at either end is kept, and the characters that start a block are escaped only when the run
    ``starts_line``.
    """
    raw = str(value)
    core = markdown(raw) if starts_line else _escaped(raw)
    if not core:
        return " " if raw else ""
    return (" " if raw[0].isspace() else "") + core + (" " if raw[-1].isspace() else "")


def _escaped(value: object) -> str:
    flat, parts, start = _flat(value), [], 0
    for email in _EMAIL.finditer(flat):
        parts += [_inline(flat[start : email.start()]), markdown_code(email[0])]
        start = email.end()
    parts.append(_inline(flat[start:]))
    return "".join(parts)


def _inline(flat: str) -> str:
    return _AUTOLINK.sub(_break_autolink, _SPECIAL.sub(r"\\\1", flat))


def _break_autolink(match: re.Match[str]) -> str:
    if match[1]:
        return match[1] + "\\."
    if match[2]:
        return match[2] + "\\:"
    return "\\:"


def markdown_code(value: object) -> str:
    """An inline code span holding ``value`` literally: no backtick run inside can close it."""
    flat = _flat(value)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or longest else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def html(value: object) -> str:
    """Text for HTML outside a template (templates autoescape with this same function)."""
    from markupsafe import escape

    return str(escape(str(value)))
