"""Descriptions open in the questionnaire, kept in memory only, and their check and audit.

A document is the description's plain data (what its YAML file holds). Each
check writes the data as YAML (an opened file's own text with the edited
values changed, ``roundtrip``; a new description afresh, ``yamlout``) and runs exactly what the
command line runs on a file: ``validate_document`` (``auditkit validate``),
then ``engine.audit`` (``auditkit audit``). Nothing is written to disk here:
a description is saved only where the user asks (``save``), inside the
folder the server was started in.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit.engine import audit
from auditkit.errors import InputError, Problem, single
from auditkit.model.deployment import FORMAT_VERSION
from auditkit.model.load import LoadedDeployment, validate_document
from auditkit.model.result import AuditResult
from auditkit.rules.model import Framework
from auditkit.web import yamlout
from auditkit.web.roundtrip import RoundTrip
from auditkit.yamlio import Loaded, parse_bytes

MAX_DOCUMENTS = 32  # open descriptions kept in memory; the least recently used is forgotten first
MAX_RECENT = 10


@dataclass(frozen=True)
class Check:
    """One revision of a description: its YAML bytes, and what validate and audit made of them."""

    revision: int
    raw: bytes
    loaded: LoadedDeployment | None
    problems: tuple[Problem, ...]
    result: AuditResult | None


@dataclass
class Document:
    """One description open in the questionnaire: its data as edited, and the file it came from."""

    id: str
    name: str  # the file name the YAML is downloaded and audited under
    data: dict[str, Any]
    original: bytes | None = None  # the bytes as opened: downloaded unchanged until the first edit
    path: Path | None = None  # where it was opened from or last saved, inside the start folder
    revision: int = 0
    last_result: AuditResult | None = None  # the last audit that could run, shown while problems are fixed
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _check: Check | None = field(default=None, repr=False)
    _round_trip: RoundTrip | None = field(default=None, repr=False)
    _edited: bool = field(default=False, repr=False)
    _read: Loaded | None = field(default=None, repr=False)  # the reading of the bytes raw() last returned

    def edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``change`` to the data, as one new revision."""
        with self.lock:
            if self.original is not None and not self._edited:  # read the file's own text once, before it changes
                self._round_trip = RoundTrip.of(self.original, copy.deepcopy(self.data))
            change(self.data)
            self._edited = True
            self.revision += 1

    def raw(self) -> bytes:
        """The YAML file of this revision: as opened until edited, then the opened text with the edits in it."""
        if self.original is not None and not self._edited:
            return self.original
        if self._round_trip is not None:
            kept = self._round_trip.text(self.data, self.name)
            if kept is not None:
                raw, self._read = kept
                return raw
            self._round_trip = None  # it could not say this; written afresh from now on
        return yamlout.dump(self.data)

    def check(self, frameworks: list[Framework]) -> Check:
        """Validate and audit the current revision (once per revision)."""
        with self.lock:
            if self._check is not None and self._check.revision == self.revision:
                return self._check
            self._read = None
            raw = self.raw()
            loaded, result = None, None
            problems: tuple[Problem, ...] = ()
            try:
                read = self._read or parse_bytes(raw, self.name, keep_problems=True)
                loaded = validate_document(read)
            except InputError as exc:
                problems = tuple(exc.problems)
            if loaded is not None:
                result = audit(loaded, frameworks)
                self.last_result = result
            self._check = Check(revision=self.revision, raw=raw, loaded=loaded, problems=problems, result=result)
            return self._check


def new_data(name: str) -> dict[str, Any]:
    """A blank description of the current format, with only the programme's name."""
    return {"format_version": FORMAT_VERSION, "deployment": {"name": name}, "sources": []}


def file_name(text: str) -> str:
    """A safe download name from a programme's name or a file's: letters, digits and dashes, .yaml."""
    stem = text.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = (
        stem[:-5] if stem.lower().endswith(".yaml") else stem[:-4] if stem.lower().endswith((".yml", ".json")) else stem
    )
    cleaned = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in stem)
    cleaned = "-".join(part for part in cleaned.split("-") if part)[:60]
    return (cleaned or "deployment") + ".yaml"


class Store:
    """The open descriptions, the recent files, and the folder files may be read from and saved to."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self.recent: list[str] = []
        self._lock = threading.Lock()

    def add(self, name: str, data: dict[str, Any], original: bytes | None = None, path: Path | None = None) -> Document:
        """Open a description; the least recently used one is closed past ``MAX_DOCUMENTS``."""
        doc = Document(id=secrets.token_urlsafe(9), name=name, data=data, original=original, path=path)
        with self._lock:
            self._docs[doc.id] = doc
            while len(self._docs) > MAX_DOCUMENTS:
                self._docs.popitem(last=False)
        return doc

    def get(self, doc_id: str) -> Document | None:
        """The open description with this id (now the most recently used), or None."""
        with self._lock:
            doc = self._docs.get(doc_id)
            if doc is not None:
                self._docs.move_to_end(doc_id)
            return doc

    def inside(self, text: str, *, must_exist: bool) -> Path:
        """The path ``text`` names, relative to the start folder; refused when it leads outside it."""
        shown = text.strip()
        if not shown:
            raise single("path", "give the path of a file in the folder auditkit was started in")
        candidate = (self.root / shown).resolve()
        if not candidate.is_relative_to(self.root):
            raise single(
                shown,
                f"this path leads outside the folder auditkit was started in ({self.root}); "
                "only files inside it can be opened or saved",
            )
        if must_exist and not candidate.is_file():
            raise single(shown, "no such file in the folder auditkit was started in; check the path and spelling")
        return candidate

    def remember(self, path: Path) -> None:
        """Put a file first in the start page's recent list (at most ``MAX_RECENT``)."""
        shown = str(path.relative_to(self.root))
        with self._lock:
            if shown in self.recent:
                self.recent.remove(shown)
            self.recent.insert(0, shown)
            del self.recent[MAX_RECENT:]

    def open_bytes(self, raw: bytes, name: str, path: Path | None = None) -> Document:
        """Open a description from its bytes: refused (with the CLI's messages) only when no form can show it.

        A file that parses but does not validate opens, and its problems show
        beside the fields; one that is not YAML, or holds no 'key: value'
        lines, is refused with what ``auditkit validate`` says about it.
        """
        doc: Loaded = parse_bytes(raw, name, keep_problems=True)
        if not isinstance(doc.data, dict) or doc.is_broken(()):
            validate_document(doc)  # raises the CLI's message for it
            raise InputError([Problem(file=name, message="this file holds no description")])
        document = self.add(file_name(name), doc.data, original=raw, path=path)
        if path is not None:
            self.remember(path)
        return document
