"""The web application: routes that move form fields into a description and show what the CLI's functions say.

Every page is server-rendered and works with JavaScript off; with it on, the
vendored htmx posts a section's answers on each change and swaps in the
messages and the verdict panel. The routes hold no rule logic, scoring or
validation: answers go into the description's data (``forms``), the data is
checked and audited by ``store`` (``validate_document`` and ``engine.audit``,
as ``auditkit validate`` and ``auditkit audit`` do), reports are made by
the renderers ``auditkit audit --format`` uses.

Nothing leaves the machine: the pages load nothing from elsewhere (the
Content-Security-Policy says so to the browser too), requests are refused
unless their Host is this server and, for anything that changes state, their
Origin is this server as well (against DNS rebinding and cross-site forms),
and files are read and written only inside the folder the server was
started in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auditkit.engine import audit
from auditkit.errors import InputError, Problem
from auditkit.render import Format, RenderOptions, renderer
from auditkit.render.html import environment
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework
from auditkit.rules.model import Framework
from auditkit.web import forms, questions, views
from auditkit.web.store import Check, Document, Store, file_name, new_data
from auditkit.yamlio import MAX_BYTES, parse_bytes

# A form post is far smaller than a description file; an upload carries one file of at most MAX_BYTES.
FORM_OVERHEAD = 64 * 1024
DOWNLOADS = {
    "yaml": "application/yaml",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
# The amendments annex, in the formats 'auditkit annex' writes for a reader (docx for Word).
ANNEX_DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; connect-src 'self'"
)
# The report is the standalone HTML report: its CSS is inline, it runs no script and is shown sandboxed.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox"
)
SAFE_METHODS = ("GET", "HEAD")
_ROW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")  # a principle's id, as the verdict panel's rows name them


def loopback_hosts(host: str, port: int) -> set[str]:
    """The Host headers this server answers to: its loopback names with the port, and the host it was bound to."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in ("127.0.0.1", "localhost", "::1", ""):
        names.add(f"[{host}]" if ":" in host else host)
    return {f"{name}:{port}" for name in names}


class Guard:
    """Refuse requests for another host, and state-changing requests from another origin.

    A page on another site can make the browser send a form here, or (by
    DNS rebinding) make its own name point here; the first carries that
    site's Origin, the second its Host. Both are refused before any route
    runs. Every response also says to the browser: load nothing from
    elsewhere, do not sniff types, tell no other site where a link came from (a
    policy of 'no-referrer' would make the browser send 'Origin: null' on our own forms), keep no copy.
    """

    def __init__(self, app: ASGIApp, hosts: set[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a request ``refusal`` objects to; add the safety headers to every response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        reason = self.refusal(scope["method"], headers)
        if reason is not None:
            response = PlainTextResponse(f"auditkit refused this request: {reason}\n", status_code=403)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                names = {k.lower() for k, _ in message.get("headers", [])}
                if b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, method: str, headers: dict[str, str]) -> str | None:
        """Why a request is refused (another host, or a post from another site's page), or None to serve it."""
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            return (
                f"it is addressed to the host '{host[:80]}', not to this auditkit server; open the address "
                "auditkit printed when it started"
            )
        if method in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None:
            if origin.lower() not in {f"http://{h}" for h in self.hosts}:
                return f"it comes from a page of another site ({origin[:80]}); only auditkit's own pages may send it"
            return None
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "it comes from a page of another site; only auditkit's own pages may send it"
        return None


@cache
def default_frameworks() -> list[Framework]:
    """The rule sets an audit uses: those 'auditkit audit' uses when given none."""
    return [load_framework(DEFAULT_FRAMEWORK)]


def static_folder() -> Path:
    """The questionnaire's CSS and scripts, inside the installed package."""
    return Path(str(resources.files("auditkit"))).joinpath("web", "static")


def examples() -> list[dict[str, str]]:
    """The bundled case studies the start page offers: file and programme name (the stem if unreadable)."""
    from auditkit.bundled import examples_root

    out = []
    for path in sorted(examples_root().glob("*.yaml")):
        try:
            data = parse_bytes(path.read_bytes(), path.name).data
            title = str(data["deployment"]["name"])
        except (InputError, KeyError, TypeError):
            title = path.stem
        out.append({"file": path.name, "title": title})
    return out


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``templates/web/<template>.html.j2`` rendered with ``context``."""
    text = environment().get_template(f"web/{template}.html.j2").render(**context)
    return HTMLResponse(text, status_code=status)


def attached(data: bytes, media_type: str, filename: str) -> Response:
    """A file to download (the name is made of letters, digits, dots and dashes: ``store.file_name``)."""
    return Response(data, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'})


def refused(message: str, status: int = 400) -> PlainTextResponse:
    """A one-line plain-text refusal (the CLI's words, where it has them)."""
    return PlainTextResponse(message + "\n", status_code=status)


async def read_form(request: Request, limit: int) -> FormData | str:
    """The posted form, or the CLI's message when the request is larger than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    body = bytearray()
    if not (declared.isdigit() and int(declared) > limit):
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break
    if len(body) > limit or (declared.isdigit() and int(declared) > limit):
        try:  # the same check, and the same words, as a file given to the command line
            parse_bytes(b"x" * (MAX_BYTES + 1), "upload")
        except InputError as exc:
            return str(exc.problems[0])
    request._body = bytes(body)  # Starlette's form parser reads the body kept here
    return await request.form(max_part_size=MAX_BYTES + 1)


@dataclass(frozen=True)
class Step:
    """One part of a description in the pages' navigation, with how many problems it shows."""

    key: str  # what the page's ``here`` is when this step is the page shown
    href: str
    label: str
    problems: int


class Site:
    """The routes, over one Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- shared --------------------------------------------------------------------------------------

    def doc(self, request: Request) -> Document | None:
        """The open description the URL names, or None when it is not (or no longer) open."""
        return self.store.get(request.path_params["doc"])

    async def opened(self, request: Request, limit: int = MAX_BYTES) -> tuple[Document, FormData | None] | Response:
        """The open description the URL names, with the posted form when the request is a POST.

        Or the response that refuses the request: the 404 page when no such description is open, the CLI's
        size message (413) when the form is larger than ``limit`` bytes.
        """
        doc = self.doc(request)
        if doc is None:
            return self.gone()
        if request.method != "POST":
            return doc, None
        form = await read_form(request, limit)
        if isinstance(form, str):
            return refused(form, 413)
        return doc, form

    async def checked(self, doc: Document) -> Check:
        """The description validated and audited, off the event loop (once per revision)."""
        return await run_in_threadpool(doc.check, default_frameworks())

    def frame(self, doc: Document, check: Check, here: str, open_rows: tuple[str, ...] = ()) -> dict[str, Any]:
        """What every page of a description shows: the steps, the problems, the verdict panel (``open_rows`` open)."""
        placed = views.place(check.problems)
        counts = placed.sections()
        steps = [
            Step("about", f"/d/{doc.id}/about", "The programme", sum(map(len, placed.about.values()))),
            Step(
                "sources",
                f"/d/{doc.id}/sources",
                "Sources",
                sum(len(m) for s in placed.sources.values() for m in s.values()),
            ),
            *(
                Step(s.key, f"/d/{doc.id}/s/{s.key}", s.title.split(":", 1)[0], counts.get(s.key, 0))
                for s in questions.sections()
            ),
            Step("results", f"/d/{doc.id}/results", "Results and downloads", len(placed.other)),
        ]
        result = check.result or doc.last_result
        return {
            "doc": doc,
            "steps": steps,
            "here": here,
            "placed": placed,
            "problem_count": placed.count(),
            "panel": views.panel(doc.id, result) if result is not None else None,
            "open_rows": open_rows,
            "stale": check.result is None,
            "name": doc.data.get("deployment", {}).get("name")
            if isinstance(doc.data.get("deployment"), dict)
            else None,
        }

    def after_post(
        self, request: Request, form: FormData, doc: Document, check: Check, here: str, target: str
    ) -> Response:
        """htmx gets the messages and the panel to swap in; a plain form post is sent back to the page.

        Either way the panel's rows that were open (sent with the answers) come back open.
        """
        rows = open_rows(form.getlist("open"))
        if request.headers.get("hx-request") == "true" and request.headers.get("hx-target", "").startswith("q-"):
            return RedirectResponse(target if not rows else f"{target}?{urlencode([('open', r) for r in rows])}", 303)
        if request.headers.get("hx-request") == "true":
            return page(
                "fragments",
                **self.frame(doc, check, here, rows),
                section=questions.section(here),
                about=questions.about_widgets(),
                forms=forms,
            )
        if rows:
            target += "?" + urlencode([("open", row) for row in rows])
        return RedirectResponse(target, status_code=303)

    # --- start ---------------------------------------------------------------------------------------

    def folder_files(self) -> list[str]:
        """Descriptions at the top of the start folder, offered as suggestions for a path."""
        found = sorted(str(p.relative_to(self.store.root)) for p in self.store.root.glob("*.y*ml") if p.is_file())
        return found[:50]

    def start_page(self, error: str | None = None, status: int = 200) -> HTMLResponse:
        """The start page: new, open, upload or an example; ``error`` says why the last try failed."""
        return page(
            "start",
            status,
            error=error,
            examples=examples(),
            recent=self.store.recent,
            root=str(self.store.root),
            files=self.folder_files(),
            max_mib=MAX_BYTES // (1024 * 1024),
        )

    async def start(self, request: Request) -> Response:
        """GET /: the start page."""
        return self.start_page()

    async def new(self, request: Request) -> Response:
        """POST /new: a blank description with the name given, then its first page."""
        form = await read_form(request, FORM_OVERHEAD)
        if isinstance(form, str):
            return self.start_page(form, 413)
        name = str(form.get("name") or "")
        doc = self.store.add(file_name(name), new_data(name))
        return RedirectResponse(f"/d/{doc.id}/about", status_code=303)

    async def open_path(self, request: Request) -> Response:
        """POST /open: a file in the start folder, by its path; refused with the CLI's messages."""
        form = await read_form(request, FORM_OVERHEAD)
        if isinstance(form, str):
            return self.start_page(form, 413)
        text = str(form.get("path") or "")
        try:
            path = self.store.inside(text, must_exist=True)
            raw = path.read_bytes()
            doc = self.store.open_bytes(raw, path.name, path)
        except InputError as exc:
            return self.start_page("\n".join(map(str, exc.problems)), 400)
        except OSError as exc:
            return self.start_page(f"{text}: the file cannot be read ({exc.strerror or exc})", 400)
        return RedirectResponse(f"/d/{doc.id}/about", status_code=303)

    async def upload(self, request: Request) -> Response:
        """POST /upload: a file from the user's computer; refused with the CLI's messages."""
        form = await read_form(request, MAX_BYTES + FORM_OVERHEAD)
        if isinstance(form, str):
            return self.start_page(form, 413)
        item = form.get("file")
        if not isinstance(item, UploadFile) or not item.filename:
            return self.start_page("upload: choose a file to open first", 400)
        raw = await item.read()
        try:
            doc = self.store.open_bytes(raw, item.filename)
        except InputError as exc:
            return self.start_page("\n".join(map(str, exc.problems)), 400 if len(raw) <= MAX_BYTES else 413)
        return RedirectResponse(f"/d/{doc.id}/about", status_code=303)

    async def example(self, request: Request) -> Response:
        """POST /example: a bundled case study, opened as a copy (the original is never written)."""
        from auditkit.bundled import examples_root

        form = await read_form(request, FORM_OVERHEAD)
        if isinstance(form, str):
            return self.start_page(form, 413)
        wanted = str(form.get("file") or "")
        known = {e["file"] for e in examples()}
        if wanted not in known:
            return self.start_page(f"{wanted[:80]}: no bundled example has this name", 400)
        path = examples_root() / wanted
        doc = self.store.open_bytes(path.read_bytes(), wanted)
        return RedirectResponse(f"/d/{doc.id}/about", status_code=303)

    # --- the questionnaire ---------------------------------------------------------------------------

    async def about(self, request: Request) -> Response:
        """The programme's page (name, place, operator...): GET shows it, POST saves its fields."""
        opened = await self.opened(request)
        if isinstance(opened, Response):
            return opened
        doc, form = opened
        if form is not None:
            widgets = questions.about_widgets()

            def change(data: dict[str, Any]) -> None:
                data["deployment"] = forms.read_fields(widgets, form, "deployment", data.get("deployment"))

            doc.edit(change)
            check = await self.checked(doc)
            return self.after_post(request, form, doc, check, "about", f"/d/{doc.id}/about")
        check = await self.checked(doc)
        info = doc.data.get("deployment")
        return page(
            "about",
            **self.frame(doc, check, "about", open_rows(request.query_params.getlist("open"))),
            widgets=questions.about_widgets(),
            values=info if isinstance(info, dict) else {},
        )

    async def section(self, request: Request) -> Response:
        """One section's questions: GET shows them, POST saves the answers (and goes on, with 'next')."""
        section = questions.section(request.path_params["section"])
        if section is None:
            return self.gone()
        opened = await self.opened(request)
        if isinstance(opened, Response):
            return opened
        doc, form = opened
        if form is not None:

            def change(data: dict[str, Any]) -> None:
                facts = data.get(section.key)
                facts = dict(facts) if isinstance(facts, dict) else {}
                for q in section.questions:
                    value = forms.read_fact(q, form, facts.get(q.name))
                    if value is None:
                        facts.pop(q.name, None)
                    else:
                        facts[q.name] = value
                data[section.key] = facts

            doc.edit(change)
            check = await self.checked(doc)
            target = f"/d/{doc.id}/s/{section.key}"
            if form.get("next"):
                keys = [s.key for s in questions.sections()]
                index = keys.index(section.key)
                target = f"/d/{doc.id}/s/{keys[index + 1]}" if index + 1 < len(keys) else f"/d/{doc.id}/results"
            return self.after_post(request, form, doc, check, section.key, target)
        check = await self.checked(doc)
        facts = doc.data.get(section.key)
        facts = facts if isinstance(facts, dict) else {}
        shown = {q.info.path: forms.shown(q, facts.get(q.name)) for q in section.questions}
        return page(
            "section",
            **self.frame(doc, check, section.key, open_rows(request.query_params.getlist("open"))),
            section=section,
            shown=shown,
            ledger=self.ledger(doc),
            forms=forms,
        )

    def ledger(self, doc: Document) -> list[dict[str, str]]:
        """The sources a fact can cite: their ids and titles, as the file states them."""
        entries = doc.data.get("sources")
        out = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"]:
                out.append(
                    {
                        "id": entry["id"],
                        "title": str(entry.get("title") or ""),
                        "publisher": str(entry.get("publisher") or ""),
                    }
                )
        return out

    async def sources(self, request: Request) -> Response:
        """The sources list: GET shows it, POST adds, saves or removes one entry."""
        opened = await self.opened(request)
        if isinstance(opened, Response):
            return opened
        doc, form = opened
        if form is not None:
            action = str(form.get("action") or "")
            index = int(str(form.get("index"))) if str(form.get("index") or "").isdigit() else -1
            widgets = questions.source_widgets()

            def change(data: dict[str, Any]) -> None:
                entries = data.get("sources")
                entries = list(entries) if isinstance(entries, list) else []
                if action == "add":
                    entries.append(forms.read_fields(widgets, form, "source", {}))
                elif action == "save" and 0 <= index < len(entries):
                    old = entries[index]
                    entries[index] = forms.read_fields(widgets, form, "source", old)
                    _rename_citations(data, old, entries[index])
                elif action == "remove" and 0 <= index < len(entries):
                    del entries[index]
                data["sources"] = entries

            doc.edit(change)
            await self.checked(doc)
            anchor = f"#source-{index + 1}" if action == "save" else ""
            return RedirectResponse(f"/d/{doc.id}/sources{anchor}", status_code=303)
        check = await self.checked(doc)
        entries = doc.data.get("sources")
        return page(
            "sources",
            **self.frame(doc, check, "sources"),
            widgets=questions.source_widgets(),
            entries=[e if isinstance(e, dict) else {} for e in entries] if isinstance(entries, list) else [],
        )

    # --- results -------------------------------------------------------------------------------------

    async def results(self, request: Request) -> Response:
        """GET: the verdicts, the downloads, and the save and compare forms."""
        doc = self.doc(request)
        if doc is None:
            return self.gone()
        check = await self.checked(doc)
        return self.results_page(doc, check, saved=request.query_params.get("saved"))

    def results_page(
        self,
        doc: Document,
        check: Check,
        status: int = 200,
        saved: str | None = None,
        save_error: str | None = None,
        compare_error: str | None = None,
    ) -> HTMLResponse:
        """The results page; with what saving or comparing said, when either could not be done."""
        return page(
            "results",
            status,
            **self.frame(doc, check, "results"),
            saved=saved,
            save_error=save_error,
            compare_error=compare_error,
            downloads=list(DOWNLOADS),
            files=self.folder_files(),
        )

    async def report(self, request: Request) -> Response:
        """GET: the HTML report, refused while the description has problems."""
        doc = self.doc(request)
        if doc is None:
            return self.gone()
        check = await self.checked(doc)
        if check.result is None:
            return refused("The report is shown once the description has no problems; see the list on this page.")
        data = await run_in_threadpool(renderer(Format.HTML), check.result, RenderOptions(input_bytes=check.raw))
        return Response(data, media_type="text/html; charset=utf-8", headers={"content-security-policy": REPORT_CSP})

    async def download(self, request: Request) -> Response:
        """The description (YAML, as it stands) or its report in a format 'auditkit audit --format' writes."""

        def report(check: Check, fmt: str) -> bytes:
            if fmt == "yaml":
                return check.raw
            assert check.result is not None
            return renderer(Format(fmt))(check.result, RenderOptions(input_bytes=check.raw))

        return await self.attachment(request, DOWNLOADS, "", report, unaudited=("yaml",))

    async def annex(self, request: Request) -> Response:
        """The amendments annex, made as 'auditkit annex FILE -o annex.FORMAT' makes it."""
        from auditkit import annex as annexes
        from auditkit.document import render

        def make(check: Check, fmt: str) -> bytes:
            assert check.result is not None
            return render(annexes.document(check.result, default_frameworks()), fmt)

        return await self.attachment(request, ANNEX_DOWNLOADS, ".annex", make)

    async def attachment(
        self,
        request: Request,
        formats: dict[str, str],
        kind: str,
        make: Callable[[Check, str], bytes],
        unaudited: tuple[str, ...] = (),
    ) -> Response:
        """A download named after the description ('NAME{kind}.FORMAT'), made from its current revision.

        Only the formats in ``unaudited`` can be had while the description has problems; the rest need its audit.
        """
        doc = self.doc(request)
        fmt = request.path_params["fmt"]
        if doc is None or fmt not in formats:
            return self.gone()
        check = await self.checked(doc)
        if check.result is None and fmt not in unaudited:
            return refused(
                f"{doc.name}: this description has problems, so it cannot be audited yet; fix them "
                "(the questionnaire shows each beside its field), then download again"
            )
        data = await run_in_threadpool(make, check, fmt)
        return attached(data, formats[fmt], f"{doc.name.rsplit('.', 1)[0]}{kind}.{fmt}")

    async def path_post(self, request: Request) -> tuple[Document, FormData, str, Check] | Response:
        """A results-page form that names a file in the start folder: the description, the form, the path typed."""
        opened = await self.opened(request, FORM_OVERHEAD)
        if isinstance(opened, Response):
            return opened
        doc, form = opened
        assert form is not None  # the routes that call this take POST only
        return doc, form, str(form.get("path") or ""), await self.checked(doc)

    async def compare(self, request: Request) -> Response:
        """This description against an earlier one in the start folder, as 'auditkit compare EARLIER THIS' shows it."""
        from auditkit import compare as comparing
        from auditkit.document import render
        from auditkit.model.load import load_deployment

        posted = await self.path_post(request)
        if isinstance(posted, Response):
            return posted
        doc, form, text, check = posted
        fmt = "pdf" if form.get("format") == "pdf" else "html"
        try:
            if check.result is None or check.loaded is None:
                raise InputError(
                    [
                        Problem(
                            file=doc.name,
                            message="this description has problems, so it cannot be audited yet; fix them first",
                        )
                    ]
                )
            path = self.store.inside(text, must_exist=True)
            earlier = await run_in_threadpool(load_deployment, path, str(path.relative_to(self.store.root)))
        except InputError as exc:
            return self.results_page(doc, check, 400, compare_error="\n".join(map(str, exc.problems)))
        rules = default_frameworks()
        before = await run_in_threadpool(audit, earlier, rules)
        result = comparing.compare(before, check.result, earlier.deployment, check.loaded.deployment, rules, rules)
        data = await run_in_threadpool(render, comparing.document(result), fmt)
        if fmt == "pdf":
            return attached(data, "application/pdf", f"{doc.name.rsplit('.', 1)[0]}.compare.pdf")
        return Response(data, media_type="text/html; charset=utf-8", headers={"content-security-policy": REPORT_CSP})

    async def save(self, request: Request) -> Response:
        """POST: write the description's YAML into the start folder, never over another file unasked."""
        from auditkit.outputs import write_atomic

        posted = await self.path_post(request)
        if isinstance(posted, Response):
            return posted
        doc, form, text, check = posted
        try:
            target = self.store.inside(text, must_exist=False)
            if target.exists() and not form.get("overwrite") and target != doc.path:
                raise InputError(
                    [
                        Problem(
                            file=text,
                            message="this file exists; tick 'replace it' to overwrite it, or choose another name",
                        )
                    ]
                )
            if not target.parent.is_dir():
                raise InputError(
                    [Problem(file=text, message="the folder for this file does not exist; create it first")]
                )
            await run_in_threadpool(write_atomic, target, check.raw)
        except InputError as exc:
            return self.results_page(doc, check, 400, save_error="\n".join(map(str, exc.problems)))
        doc.path = target
        self.store.remember(target)
        shown = str(target.relative_to(self.store.root))
        return RedirectResponse(f"/d/{doc.id}/results?saved={shown}", status_code=303)

    def gone(self) -> HTMLResponse:
        """The 404 page: nothing open by that name (the server restarted, too many were opened, a bad URL)."""
        return page("gone", 404)


def open_rows(values: list[Any]) -> tuple[str, ...]:
    """The verdict panel's open rows, as a page or a post names them (principle ids; anything else is ignored)."""
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and _ROW_ID.fullmatch(v)))[:50]


def _rename_citations(data: dict[str, Any], old: Any, new: dict[str, Any]) -> None:
    """When a source's id is changed, the facts that cited it cite the new id (the user renamed one thing)."""
    before = old.get("id") if isinstance(old, dict) else None
    after = new.get("id")
    if not isinstance(before, str) or not isinstance(after, str) or before == after or not after:
        return
    for facts in data.values():
        if not isinstance(facts, dict):
            continue
        for fact in facts.values():
            refs = fact.get("sources") if isinstance(fact, dict) else None
            if isinstance(refs, list):
                fact["sources"] = [after if r == before else r for r in refs]


def create_app(root: Path, hosts: set[str]) -> Starlette:
    """The application serving descriptions from ``root``, answering only to ``hosts`` ('host:port')."""
    site = Site(Store(root))

    def route(
        path: str, endpoint: Callable[[Request], Awaitable[Response]], post: bool = False, get: bool = True
    ) -> Route:
        methods = (["GET"] if get else []) + (["POST"] if post else [])
        return Route(path, endpoint, methods=methods)

    routes = [
        route("/", site.start),
        route("/new", site.new, post=True, get=False),
        route("/open", site.open_path, post=True, get=False),
        route("/upload", site.upload, post=True, get=False),
        route("/example", site.example, post=True, get=False),
        route("/d/{doc}/about", site.about, post=True),
        route("/d/{doc}/sources", site.sources, post=True),
        route("/d/{doc}/s/{section}", site.section, post=True),
        route("/d/{doc}/results", site.results),
        route("/d/{doc}/report", site.report),
        route("/d/{doc}/download/{fmt}", site.download),
        route("/d/{doc}/annex/{fmt}", site.annex),
        route("/d/{doc}/save", site.save, post=True, get=False),
        route("/d/{doc}/compare", site.compare, post=True, get=False),
        Mount("/static", app=StaticFiles(directory=static_folder()), name="static"),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Guard, hosts=hosts)
    app.state.site = site
    return app
