"""The report view: everything a report says, built once from an AuditResult, typed and frozen.

The HTML template (and so the PDF), the Markdown renderer and the text
summary read this view; every sentence more than one format prints is
written here, once, as plain text or as a ``Sentence`` of spans that each
format marks up its own way (bold, code, a badge, a link). Formats add
markup and layout, never wording. Nothing here reads the fact catalogue:
the result carries the words of every fact it names (``fact_texts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditkit.model.result import AuditResult, Finding, PrincipleResult, RequirementLine, ScoreRange, Status, Verdict
from auditkit.model.scoring import Method, Scoring, describe
from auditkit.render.headline import ATTRIBUTED_NOTE, NO_GAP, NO_RED_LINE, RED_LINES_TITLE, Gap, headline
from auditkit.render.labels import (
    RED_LINE,
    UNDETERMINED,
    cap_text,
    grade_text,
    open_red_lines_text,
    score_text,
    status_label,
    undecided_text,
    verdict_colour,
    verdict_label,
    weight_flag,
)
from auditkit.render.labels import number as number_text

SETTLE_SHOWN = 3  # facts named per open principle in "to settle ..., establish: ..."

# What one report prints at most of what a file can hold in bulk (docs/limits.md): past these a 2 MiB file
# took minutes and gigabytes to set as PDF. The JSON result always holds everything.
REPORT_SOURCES = 300  # sources listed at the end
REPORT_REFS = 12  # source numbers printed after one fact or finding
REPORT_NOTE = 1_000  # characters of a note or a description
REPORT_TEXT = 300  # characters of a name, title, publisher, locator or web address
REPORT_RULE_TEXT = 800  # characters of a rule's explanation or remedy (bundled rules: at most 350)
REPORT_REFERENCES = 10  # references printed under one finding
SHORTENED = " … (shortened; the full text is in the audit's JSON result)"
BRIEF_QUESTIONS = 5

NO_DATE = "date not given"
NOT_GIVEN = "not given"
DASH = "\u2013"  # an en dash between the two ends of a range
# Statuses whose remedy is worth printing: a met rule needs no amendment.
REMEDY_STATUSES = (Status.NOT_MET, Status.PARTIAL, Status.UNKNOWN)

# Sentences every format of the report prints (each format adds only its markup).
HYPOTHETICAL = "HYPOTHETICAL PROGRAMME"
HYPOTHETICAL_NOTE = "invented for teaching or comparison; it describes no real deployment."
NO_QUESTIONS = "Every fact the rules need was established."
SETTLE_TITLE = "What would settle the open verdicts"
SETTLE_INTRO = (
    "For each principle the facts leave open, the unknown facts whose answers narrow its score range most. "
    "The questions below follow the same order."
)
KEPT_SECRET = "Kept secret by the operator."
NO_SOURCES = "The deployment file declares no sources."
NO_CITED_SOURCES = "The gaps above cite no source."


@dataclass(frozen=True)
class Titles:
    """The reports' section headings and labels, as every format prints them."""

    report: str = "Human-rights audit"  # the document's title, before the programme's name
    overall_grade: str = "Overall grade"
    undetermined: str = UNDETERMINED  # beside a grade the facts leave open
    red_line: str = RED_LINE  # the badge of a red-line rule
    kicker: str = "Human-rights audit of a public surveillance programme"  # above the name on the HTML cover
    verdicts_caption: str = "Verdict for each principle"  # the HTML principle table's caption
    summary: str = "Executive summary"
    findings: str = "Findings by principle"
    gaps: str = "Information gaps: questions for the operator"
    questions: str = "Questions"
    methodology: str = "Methodology"
    sources: str = "Sources"
    missing: str = "Missing facts"
    requirement: str = "Requirement"
    references: str = "References"
    principle: str = "Principle"
    score: str = "Score"
    verdict: str = "Verdict"
    decided: str = "Decided"
    # the brief
    by_principle: str = "Principle by principle"
    falls_short: str = "What falls short"
    operator_questions: str = "Questions for the operator"
    cited_sources: str = "Sources cited above"
    full_report: str = "The full report"


TITLES = Titles()


def clip(text: str | None, limit: int = REPORT_TEXT) -> str | None:
    """``text`` cut at ``limit`` characters, saying so and where the rest is."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() + SHORTENED


@dataclass(frozen=True)
class Span:
    """A run of text in a sentence, and how every format marks it."""

    text: str
    strong: bool = False
    code: bool = False
    badge: str | None = None  # a badge's CSS class in HTML (bold in Markdown)
    style: str | None = None  # a CSS class in HTML only, for looks (no emphasis elsewhere)
    link: str | None = None  # an anchor in the same report, without '#' (a link in HTML only)


Sentence = tuple[Span, ...]
Ref = int | str  # a source's number, or 'and 3 more'


def plain(sentence: Sentence) -> str:
    """A sentence without its markup (the text summary)."""
    return "".join(span.text for span in sentence)


QUESTIONS_INTRO: Sentence = (
    Span(
        "These facts could not be established, so the rules that need them stay undecided. Each is worded as a "
        "question to put to the operator, for example in a freedom-of-information request. They are listed in "
        "the order that settles the most: first the answers that can narrow the overall score range furthest. "
        "Questions marked "
    ),
    Span("undisclosed", badge="undisclosed"),
    Span(" concern facts the operator is known to keep secret."),
)


@dataclass(frozen=True, kw_only=True)
class RangeBar:
    """The small 0-100 bar on the cover, in percent: solid up to the low end, open from low to high."""

    low: float
    open: float


@dataclass(frozen=True, kw_only=True)
class Cover:
    """The report's first page: the programme, who audited it and when, the grade, the score and the file."""

    name: str
    header: str  # the name, cut for a running header
    jurisdiction: str | None
    operator: str | None
    technology: str | None
    kind: str | None  # the technology and operator kinds in words, from the model: 'facial recognition; ...'
    kind_refs: tuple[Ref, ...]
    kind_pins: str  # where in each source: '[2] letter of transmittal, para 2'
    period: str | None
    description: str | None
    hypothetical: bool
    auditor: str
    auditor_given: bool
    audit_date: str
    frameworks: str
    grade: str
    grade_open: bool
    grade_worst: str
    grade_capped: bool
    score: str  # '72', '31–96', or 'no score'
    scored: bool
    score_phrase: str  # 'score 72 of 100', or 'no score'
    undecided: str
    cap: str | None
    red_line_note: str | None  # the cap, or which red lines could still be crossed
    decided: int
    total: int
    decided_line: str  # '24 of 58 rules decided'
    range_bar: RangeBar | None
    version: str
    input_file: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class FactRow:
    """One fact a finding read: its label, its value as shown, the note and the sources it cites."""

    label: str
    label_cap: str
    path: str
    display: str
    note: str | None
    refs: tuple[Ref, ...]
    pins: str


@dataclass(frozen=True, kw_only=True)
class MissingFact:
    """A fact a finding needed and the description does not give, as the question to ask."""

    path: str
    question: str
    undisclosed: bool


@dataclass(frozen=True, kw_only=True)
class ReferenceView:
    """A rule's reference as printed: the citation, its web address and the quoted words, when given."""

    text: str
    url: str | None
    quote: str | None


@dataclass(frozen=True, kw_only=True)
class FindingView:
    """One rule's finding as the report prints it, with the facts it read and what would settle it."""

    rule: str
    anchor: str
    title: str
    status: str
    status_label: str
    severity: str
    red_line: bool
    decisive: bool  # decisive and not a red line
    flag: str | None  # 'red line' or 'decisive'
    meta: str  # 'severity high, weight 3'
    weight: int
    explanation: str
    rationale: str
    requirement: tuple[RequirementLine, ...]
    facts_label: str
    facts: tuple[FactRow, ...]
    missing: tuple[MissingFact, ...]
    refs: tuple[Ref, ...]
    remedy: str | None
    remedy_label: str
    references: tuple[ReferenceView, ...]


@dataclass(frozen=True, kw_only=True)
class PrincipleView:
    """One principle's section: its verdict, score, why, and its findings (not applicable ones apart)."""

    id: str  # framework-qualified when several frameworks are audited
    title: str
    anchor: str
    demand: str
    citation: str
    score: str
    scored: bool
    verdict: str
    verdict_label: str
    colour: str
    reason: str  # why the verdict, and what would settle it
    coverage: str
    decided: str
    counts: str
    findings: tuple[FindingView, ...]
    not_applicable: tuple[FindingView, ...]
    not_applicable_title: str


@dataclass(frozen=True, kw_only=True)
class GapView:
    """A headline gap as the summary prints it: its tags and one sentence, with the sources it cites."""

    rule: str
    anchor: str
    title: str
    status: str
    status_label: str
    red_line: bool
    severity: str
    tags: str
    sentence: str
    refs: tuple[Ref, ...]


@dataclass(frozen=True, kw_only=True)
class Summary:
    """The executive summary: the lead sentence, the headline gaps, and what would settle each open principle."""

    lead: Sentence
    red_lines_title: str
    red_lines: tuple[GapView, ...]
    gaps_title: str
    gaps: tuple[GapView, ...]
    gaps_total: int
    attributed_title: str
    attributed: tuple[GapView, ...]
    settle: tuple[Sentence, ...]  # 'To settle P1 (falls short), establish: ...'
    no_red_line: str = NO_RED_LINE
    no_gap: str = NO_GAP
    attributed_note: str = ATTRIBUTED_NOTE


@dataclass(frozen=True, kw_only=True)
class Question:
    """One question for the operator: a fact nobody has established, and the rules that need it."""

    number: int
    question: str
    fact: str
    undisclosed: bool
    rules: str
    needed_by: str  # 'needed by P1-01 (P1); an answer could settle ...; can narrow ...'
    needed_by_rules: str  # 'Needed by P1-01, P1-02.' (the brief)


@dataclass(frozen=True, kw_only=True)
class SourceView:
    """One entry of the sources list, numbered as the findings cite it."""

    number: int
    publisher: str
    title: str
    date: str
    url: str | None
    url_text: str | None
    locator: str | None
    note: str | None


@dataclass(frozen=True, kw_only=True)
class ChartRow:
    """One principle's bar in the score chart, in the chart's own coordinates."""

    y: int
    text_y: int
    colour: str
    label: str
    full: str
    score: str
    solid: float
    open_x: float
    open: float
    value_x: float


@dataclass(frozen=True, kw_only=True)
class ChartMark:
    """A labelled mark on the chart's axis: a verdict threshold or a tick."""

    x: float
    label: str


@dataclass(frozen=True, kw_only=True)
class Chart:
    """The score chart: a bar per principle, with the verdict thresholds marked."""

    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    rows: tuple[ChartRow, ...]
    thresholds: tuple[ChartMark, ...]
    ticks: tuple[ChartMark, ...]
    bottom: int
    threshold_y: int


@dataclass(frozen=True, kw_only=True)
class Label:
    """A word with what it means, for the legend of statuses and verdicts (``colour`` for the HTML)."""

    value: str
    label: str
    colour: str = ""


@dataclass(frozen=True, kw_only=True)
class Row:
    """One labelled line of a two-column table: a fact on the cover, a detail of the method."""

    label: str
    value: str
    hash: bool = False  # the value is a SHA-256, set in the hash type
    hash_line: str | None = None  # a SHA-256 on a line of its own under the value, in the hash type
    refs: tuple[Ref, ...] = ()  # the sources of a fact on the cover (the kind of programme)
    pins: str = ""  # where in each of them


@dataclass(frozen=True, kw_only=True)
class InstrumentRow:
    """A legal instrument as the report lists it."""

    title: str
    type: str
    adopted_by: str
    date: str
    publication: str
    refs: tuple[Ref, ...]
    pins: str
    note: str | None


@dataclass(frozen=True, kw_only=True)
class ContractorRow:
    """A contractor as the report lists it."""

    name: str
    role: str
    hired_by: str
    contract: str
    standing: str
    refs: tuple[Ref, ...]
    pins: str
    note: str | None


@dataclass(frozen=True, kw_only=True)
class Programme:
    """The instruments the programme rests on and the companies behind it, as the description lists them."""

    instruments: tuple[InstrumentRow, ...]
    contractors: tuple[ContractorRow, ...]
    title: str = "Legal instruments and contractors"
    anchor: str = "programme"
    instruments_title: str = "Legal instruments"
    instruments_intro: str = (
        "The acts the programme rests on, as the description lists them. The legality findings read what they "
        "provide, taken together."
    )
    instrument_headers: tuple[str, ...] = ("Instrument", "Type", "Adopted by", "Date", "Publication", "Sources")
    contractors_title: str = "Contractors"
    contractors_intro: str = (
        "The companies behind the programme, as the description lists them, with who hired each. Naming a company "
        "is a claim about it, so each entry says how sure it is."
    )
    contractor_headers: tuple[str, ...] = ("Company", "Role", "Hired by", "Contract", "Standing", "Sources")

    @property
    def shown(self) -> bool:
        """Whether the report has anything to list here."""
        return bool(self.instruments or self.contractors)


#: How the publication of an instrument reads in the report; any other value is where it was published.
PUBLICATION_WORDS = {None: NOT_GIVEN, "unpublished": "not officially published"}


def _programme(result: AuditResult, numbers: dict[str, int]) -> Programme:
    instruments = tuple(
        InstrumentRow(
            title=clip(i.title) or "",
            type=i.type_text,
            adopted_by=clip(i.adopted_by) or "",
            date=i.date,
            publication=PUBLICATION_WORDS.get(i.publication.strip().lower() if i.publication else None)
            or clip(i.publication)
            or NOT_GIVEN,
            refs=_refs(i.sources, numbers),
            pins=_pins(i.pinpoints, numbers),
            note=clip(i.note, REPORT_NOTE),
        )
        for i in result.instruments
    )
    contractors = tuple(
        ContractorRow(
            name=clip(c.name) or "",
            role=c.role_text,
            hired_by=clip(c.hired_by_text) or "",
            contract=clip(c.contract_text) or NOT_GIVEN,
            standing=(c.standing or "no source kind")
            + (
                " (contested in " + ", ".join(f"[{n}]" for n in _refs(c.contested_by, numbers)) + ")"
                if c.contested_by
                else ""
            ),
            refs=_refs(c.sources, numbers),
            pins=_pins(c.pinpoints, numbers),
            note=clip(c.note, REPORT_NOTE),
        )
        for c in result.contractors
    )
    return Programme(instruments=instruments, contractors=contractors)


@dataclass(frozen=True, kw_only=True)
class ReportView:
    """The full report."""

    cover: Cover
    summary: Summary
    programme: Programme
    principles: tuple[PrincipleView, ...]
    chart: Chart
    gaps: tuple[Question, ...]
    gaps_count: int
    undisclosed_count: int
    methodology: Method
    json_command: Sentence  # how to get the JSON result (the HTML and Markdown reports)
    sources: tuple[SourceView, ...]
    sources_more: int
    sources_more_text: str
    cover_rows: tuple[Row, ...]  # the cover's table of facts
    method_rows: tuple[Row, ...]  # the methodology table's rows after the thresholds
    statuses: tuple[Label, ...]
    verdicts: tuple[Label, ...]
    titles: Titles = TITLES
    hypothetical: str = HYPOTHETICAL
    hypothetical_note: str = HYPOTHETICAL_NOTE
    questions_intro: Sentence = QUESTIONS_INTRO
    settle_title: str = SETTLE_TITLE
    settle_intro: str = SETTLE_INTRO
    no_questions: str = NO_QUESTIONS
    kept_secret: str = KEPT_SECRET
    no_sources: str = NO_SOURCES


@dataclass(frozen=True, kw_only=True)
class BriefView:
    """The two-page brief's view.

    The report's cover, principle table and headline gaps, the top questions, the sources the gaps cite,
    and how to get the full report.
    """

    cover: Cover
    cover_rows: tuple[Row, ...]  # the cover's table of facts, shorter than the full report's
    summary: Summary
    principles: tuple[PrincipleView, ...]
    questions: tuple[Question, ...]
    questions_total: int
    questions_lead: str
    sources: tuple[SourceView, ...]
    full_report: Sentence
    titles: Titles = TITLES
    hypothetical: str = HYPOTHETICAL
    hypothetical_note: str = HYPOTHETICAL_NOTE
    no_questions: str = NO_QUESTIONS
    no_sources: str = NO_CITED_SOURCES


def _cover(result: AuditResult, numbers: dict[str, int]) -> Cover:
    d = result.deployment
    kind = "; ".join(row.display for row in result.programme_kind)
    scored = result.score is not None
    score = score_text(result.score, DASH)
    grade_open = result.grade.low != result.grade.high
    cap = cap_text(result)
    decided = sum(n for s, n in result.counts.items() if s != Status.UNKNOWN.value)
    total = sum(result.counts.values())
    return Cover(
        name=d.name,
        header=d.name if len(d.name) <= 80 else d.name[:79] + "…",
        jurisdiction=clip(d.jurisdiction),
        operator=clip(d.operator),
        technology=clip(d.technology),
        kind=kind[:1].upper() + kind[1:] if kind else None,
        kind_refs=_refs([i for row in result.programme_kind for i in row.sources], numbers),
        kind_pins=_pins({i: at for row in result.programme_kind for i, at in row.pinpoints.items()}, numbers),
        period=clip(d.period),
        description=clip(d.description, REPORT_NOTE),
        hypothetical=d.hypothetical,
        auditor=clip(d.auditor) or "not named",
        auditor_given=bool(d.auditor),
        audit_date=d.audit_date or NO_DATE,
        frameworks="; ".join(f"{f.title} ({f.id}, version {f.version})" for f in result.frameworks),
        grade=grade_text(result, DASH),
        grade_open=grade_open,
        grade_worst=result.grade.low,
        grade_capped=result.grade_capped,
        score=score,
        scored=scored,
        score_phrase=f"score {score} of 100" if scored else score,
        undecided=undecided_text(result),
        cap=cap,
        red_line_note=cap or (open_red_lines_text(result) if grade_open else None),
        decided=decided,
        total=total,
        decided_line=f"{decided} of {total} rules decided",
        range_bar=_range_bar(result.score),
        version=result.auditkit_version,
        input_file=result.input_file,
        sha256=result.input_sha256,
    )


def _cover_rows(c: Cover, *, full: bool) -> tuple[Row, ...]:
    """The cover's table of facts. The brief's gives the auditor with the date, and leaves the input out.

    Jurisdiction and operator always have a row ('not given'); technology, the kind of programme (worded from
    the technology and operator kinds, with their sources) and period only when given.
    """
    dated = f"{c.audit_date}, by {c.auditor}" if c.auditor_given and not full else c.audit_date
    rows = [
        Row(label="Jurisdiction", value=c.jurisdiction or NOT_GIVEN),
        Row(label="Operator", value=c.operator or NOT_GIVEN),
        *([Row(label="Technology", value=c.technology)] if c.technology else []),
        *([Row(label="Kind of programme", value=c.kind, refs=c.kind_refs, pins=c.kind_pins)] if c.kind else []),
        *([Row(label="Period", value=c.period)] if c.period else []),
        Row(label="Audit date", value=dated),
        Row(label="Framework", value=c.frameworks),
    ]
    if full:
        rows += [
            Row(label="Auditor", value=c.auditor),
            Row(label="Input", value=c.input_file, hash_line=f"SHA-256 {c.sha256}"),
        ]
    return tuple(rows)


def _method_rows(result: AuditResult, c: Cover) -> tuple[Row, ...]:
    """What the methodology table names after the thresholds: the rule sets, auditkit and the input file."""
    return (
        *(Row(label="Rule set", value=f"{f.title} ({f.id}), version {f.version}") for f in result.frameworks),
        Row(label="auditkit version", value=c.version),
        Row(label="Input file", value=c.input_file),
        Row(label="Input SHA-256", value=c.sha256, hash=True),
    )


def _range_bar(score: ScoreRange | None) -> RangeBar | None:
    """Drawn with CSS as a decoration (the score is written out beside it), so screen readers skip it."""
    if score is None:
        return None
    return RangeBar(low=score.low, open=round(max(score.high - score.low, 0.0 if score.low == score.high else 1.5), 1))


def _lead(cover: Cover, decided: int, total: int) -> Sentence:
    """The executive summary's opening sentence."""
    spans = [Span(f"{cover.name} receives grade "), Span(cover.grade, strong=True)]
    if cover.grade_open:
        spans.append(Span(f" ({UNDETERMINED}: {cover.undecided})"))
    if cover.scored:
        spans += [Span(", with an overall score of "), Span(cover.score, strong=True), Span(" out of 100")]
    if cover.cap:
        spans.append(Span(f"; {cover.cap}"))
    tail = f". {decided} of {total} rules could be decided from the facts"
    if cover.grade_open:
        tail += "; a range shows what the missing facts leave open, and no answer to them can take the score outside it"
    return (*spans, Span(tail + "."))


def _anchor(p: PrincipleResult) -> str:
    return f"principle-{p.framework}-{p.id}"


def _citation(result: AuditResult, p: PrincipleResult) -> str:
    """Where the principle's demand comes from: the framework's source and the principle's place in it."""
    framework = next((f for f in result.frameworks if f.id == p.framework), None)
    source = framework.source if framework else {}
    title = source.get("title")
    locator = p.source_locator or f"principle {p.id}"
    work = f"{source.get('publisher')}, {title}" if title and source.get("publisher") else title
    return f"{work or (framework.title if framework else p.framework)}, {locator}"


def _refs(ids: list[str], numbers: dict[str, int]) -> tuple[Ref, ...]:
    """The sources' numbers, at most REPORT_REFS of them, then how many more there are."""
    found: list[Ref] = sorted(numbers[i] for i in ids if i in numbers)
    if len(found) > REPORT_REFS:
        found = [*found[:REPORT_REFS], f"and {len(found) - REPORT_REFS} more"]
    return tuple(found)


def _pins(pinpoints: dict[str, str], numbers: dict[str, int]) -> str:
    """Where in each source a fact is found: '[3] para 94; [5] p. 12'."""
    return "; ".join(
        f"[{numbers[i]}] {at}"
        for i, at in sorted(pinpoints.items(), key=lambda kv: numbers.get(kv[0], 0))
        if i in numbers
    )


def _safe_url(url: str | None) -> str | None:
    """Only web addresses become links; anything else is shown as text, never followed."""
    return url if url and url.startswith(("https://", "http://")) else None


def _requirement(lines: list[RequirementLine]) -> tuple[RequirementLine, ...]:
    """Requirement lines as the result has them, nested at most five levels deep on the page."""
    return tuple(RequirementLine(text=clip(line.text) or "", depth=min(line.depth, 4)) for line in lines)


def _references(f: Finding) -> tuple[ReferenceView, ...]:
    shown = [
        ReferenceView(
            text=clip(", ".join(x for x in (r.get("instrument"), r.get("locator")) if x)) or "",
            url=_safe_url(r.get("url")),
            quote=r.get("quote"),
        )
        for r in f.references[:REPORT_REFERENCES]
    ]
    more = len(f.references) - REPORT_REFERENCES
    if more > 0:
        shown.append(ReferenceView(text=f"and {more} more, listed in the audit's JSON result", url=None, quote=None))
    return tuple(shown)


def _finding(result: AuditResult, f: Finding, numbers: dict[str, int], secret: set[str]) -> FindingView:
    words = result.fact_texts
    return FindingView(
        rule=f.rule,
        anchor=f"rule-{f.rule}",
        title=clip(f.title) or "",
        status=f.status.value,
        status_label=status_label(f.status),
        severity=f.severity,
        red_line=f.red_line,
        decisive=f.decisive and not f.red_line,
        flag=weight_flag(f.red_line, f.decisive),
        meta=f"severity {f.severity}, weight {f.weight}",
        weight=f.weight,
        explanation=clip(f.explanation, REPORT_RULE_TEXT) or "",
        rationale=clip(f.rationale, REPORT_RULE_TEXT) or "",
        requirement=_requirement(f.requirement),
        # An undecided finding lists what is already known beside what is missing, so that the reader sees
        # how far the rule can still go; a decided one lists the facts that decided it.
        facts_label="Already on the record" if f.status is Status.UNKNOWN else "Decided by",
        facts=tuple(
            FactRow(
                label=u.label,
                label_cap=u.label[:1].upper() + u.label[1:],
                path=u.path,
                display=u.display,
                note=clip(u.note, REPORT_NOTE),
                refs=_refs(u.sources, numbers),
                pins=_pins(u.pinpoints, numbers),
            )
            for u in f.facts
        ),
        missing=tuple(
            MissingFact(path=m, question=words[m].question if m in words else m, undisclosed=m in secret)
            for m in f.missing
        ),
        refs=_refs(f.sources, numbers),
        remedy=clip(f.remedy, REPORT_RULE_TEXT) if f.status in REMEDY_STATUSES else None,
        remedy_label="Proposed amendment"
        if f.status is not Status.UNKNOWN
        else "Proposed amendment, should the facts show the rule is not met",
        references=_references(f),
    )


def establish(result: AuditResult, path: str) -> str:
    """What to establish about a fact, in words: 'whether the legal instrument is published'."""
    words = result.fact_texts.get(path)
    return words.establish if words else path


def _settle_tail(result: AuditResult, p: PrincipleResult) -> str:
    """' To settle it, establish: a; b; c (and 2 more, listed among the information gaps).' or ''."""
    if not p.to_settle:
        return ""
    names = "; ".join(establish(result, f.fact) for f in p.to_settle[:SETTLE_SHOWN])
    more = len(p.to_settle) - SETTLE_SHOWN
    tail = f" (and {more} more, listed among the information gaps)" if more > 0 else ""
    return f" To settle it, establish: {names}{tail}."


def _principles(result: AuditResult, numbers: dict[str, int]) -> tuple[PrincipleView, ...]:
    out = []
    secret = {g.fact for g in result.information_gaps if g.undisclosed}
    for p in result.principles:
        counts = ", ".join(f"{n} {status_label(Status(s)).lower()}" for s, n in p.counts.items() if n)
        findings = [
            _finding(result, f, numbers, secret)
            for f in result.findings
            if f.principle == p.id and f.framework == p.framework
        ]
        # Rules that do not concern this programme: one compact list per principle, not a page of findings.
        not_applicable = tuple(f for f in findings if f.status == Status.NOT_APPLICABLE.value)
        applicable = p.verdict is not Verdict.NOT_APPLICABLE
        count = len(not_applicable)
        out.append(
            PrincipleView(
                id=result.principle_key(p),
                title=p.title,
                anchor=_anchor(p),
                demand=p.demand,
                citation=_citation(result, p),
                score=score_text(p.score, DASH),
                scored=p.score is not None,
                verdict=p.verdict.value,
                verdict_label=verdict_label(p.verdict),
                colour=verdict_colour(p.verdict),
                reason=p.verdict_reason + _settle_tail(result, p),
                coverage=f"{p.coverage * 100:.0f}%" if applicable else "–",
                decided=f"{p.coverage * 100:.0f}% of the rule weight decided" if applicable else "",
                counts=counts or "no rules",
                findings=tuple(f for f in findings if f.status != Status.NOT_APPLICABLE.value),
                not_applicable=not_applicable,
                not_applicable_title=f"Not applicable to this programme ({count} rule{'s' if count != 1 else ''})",
            )
        )
    return tuple(out)


def _gap(gap: Gap, numbers: dict[str, int]) -> GapView:
    f = gap.finding
    return GapView(
        rule=f.rule,
        anchor=f"rule-{f.rule}",
        title=f.title,
        status=f.status.value,
        status_label=status_label(f.status),
        red_line=f.red_line,
        severity=f.severity,
        tags=gap.tags,
        sentence=f.explanation,
        refs=_refs(f.sources, numbers),
    )


def _settle_line(result: AuditResult, p: PrincipleResult) -> Sentence:
    """One open principle's settle line: 'To settle P1 (falls short), establish: a; b; c (and 2 more).'."""
    names = "; ".join(establish(result, f.fact) for f in p.to_settle[:SETTLE_SHOWN])
    more = max(len(p.to_settle) - SETTLE_SHOWN, 0)
    return (
        Span("To settle "),
        Span(result.principle_key(p), strong=True, link=_anchor(p)),
        Span(
            f" ({verdict_label(p.verdict).lower()}), establish: {names}" + (f" (and {more} more)" if more else "") + "."
        ),
    )


def settle_lines(result: AuditResult) -> tuple[Sentence, ...]:
    """What would settle each principle the facts leave open, one sentence each."""
    return tuple(_settle_line(result, p) for p in result.principles if p.to_settle)


def _summary(result: AuditResult, cover: Cover, numbers: dict[str, int]) -> Summary:
    """The executive summary's lists: the headline gaps (render/headline.py), as every format shows them."""
    head = headline(result)
    decided = sum(1 for f in result.findings if f.status is not Status.UNKNOWN)
    return Summary(
        lead=_lead(cover, decided, len(result.findings)),
        red_lines_title=RED_LINES_TITLE,
        red_lines=tuple(_gap(g, numbers) for g in head.red_lines),
        gaps_title=head.others_title,
        gaps=tuple(_gap(g, numbers) for g in head.others),
        gaps_total=head.others_total,
        attributed_title=head.attributed_title,
        attributed=tuple(_gap(g, numbers) for g in head.attributed),
        settle=settle_lines(result),
    )


def _questions(result: AuditResult) -> tuple[Question, ...]:
    """Questions for the operator, in the engine's order: the answer that settles the most first."""
    out = []
    for number, gap in enumerate(result.information_gaps, start=1):
        rules = ", ".join(gap.rules)
        needed = f"needed by {rules} ({', '.join(gap.principles)})"
        if gap.settles:
            needed += f"; an answer could settle the verdict of {', '.join(gap.settles)}"
        narrows = number_text(gap.narrows)
        if narrows != "0":
            needed += f"; can narrow the overall score range by up to {narrows} points"
        out.append(
            Question(
                number=number,
                question=gap.question,
                fact=gap.fact,
                undisclosed=gap.undisclosed,
                rules=rules,
                needed_by=needed,
                needed_by_rules=f"Needed by {rules}.",
            )
        )
    return tuple(out)


def _sources(result: AuditResult) -> tuple[SourceView, ...]:
    return tuple(
        SourceView(
            number=s.number,
            publisher=clip(s.publisher) or "",
            title=clip(s.title) or "",
            date=s.date,
            url=_safe_url(s.url),
            url_text=clip(s.url),
            locator=clip(s.locator),
            note=clip(s.note, REPORT_NOTE),
        )
        for s in result.sources[:REPORT_SOURCES]
    )


CHART_WIDTH, CHART_LABEL, CHART_BAR, CHART_ROW, CHART_TOP = 640, 262, 310, 18, 18


def _chart_row(i: int, p: PrincipleResult, key: str) -> ChartRow:
    y = CHART_TOP + i * CHART_ROW
    label = f"{key} {p.title}"
    solid = open_x = open_width = 0.0
    if p.score is not None:
        # A score of 0 still gets a sliver, so its verdict colour shows.
        low = round(CHART_BAR * p.score.low / 100, 1)
        open_width = round(CHART_BAR * (p.score.high - p.score.low) / 100, 1)
        solid, open_x = (max(2.0, low) if open_width == 0 else low), CHART_LABEL + low
    return ChartRow(
        y=y,
        text_y=y + 12,
        colour=verdict_colour(p.verdict),
        label=label if len(label) <= 44 else label[:43] + "…",
        full=label,
        score=score_text(p.score, DASH),
        solid=solid,
        open_x=open_x,
        open=open_width,
        value_x=CHART_LABEL + max(solid, solid + open_width) + 6,
    )


def score_chart(result: AuditResult) -> Chart:
    """Geometry of the horizontal bar chart of principle scores (drawn as inline SVG by the template).

    Each score is drawn as a range: a solid bar from 0 to the low end (what the facts establish), then an
    open, outlined bar from the low end to the high end (what the missing facts leave open).
    """
    principles = result.principles
    height = CHART_TOP + len(principles) * CHART_ROW + 16
    scoring: Scoring = result.scoring
    return Chart(
        width=CHART_WIDTH,
        height=height,
        label_x=CHART_LABEL - 8,
        bar_x=CHART_LABEL,
        bar_height=CHART_ROW - 6,
        rows=tuple(_chart_row(i, p, result.principle_key(p)) for i, p in enumerate(principles)),
        thresholds=tuple(
            ChartMark(x=round(CHART_LABEL + CHART_BAR * value / 100, 1), label=f"{name} {value:g}")
            for name, value in (("partly met", scoring.partially_met_at), ("met", scoring.met_at))
        ),
        ticks=tuple(ChartMark(x=CHART_LABEL + CHART_BAR * t / 100, label=str(t)) for t in (0, 50, 100)),
        bottom=height - 14,
        threshold_y=height - 3,
    )


def report_view(result: AuditResult) -> ReportView:
    """Everything the full report says, shared by the HTML, PDF, Markdown and text renderers."""
    numbers = {s.id: s.number for s in result.sources}
    cover = _cover(result, numbers)
    more = max(0, len(result.sources) - REPORT_SOURCES)
    return ReportView(
        cover=cover,
        summary=_summary(result, cover, numbers),
        programme=_programme(result, numbers),
        principles=_principles(result, numbers),
        chart=score_chart(result),
        gaps=_questions(result),
        gaps_count=len(result.information_gaps),
        undisclosed_count=sum(1 for g in result.information_gaps if g.undisclosed),
        methodology=describe(result.scoring),
        json_command=(
            Span("The full audit result as JSON is produced by "),
            Span(f"auditkit audit {result.input_file} --format json", code=True),
            Span("; the SHA-256 above identifies the exact input file audited."),
        ),
        sources=_sources(result),
        sources_more=more,
        sources_more_text=f"… and {more} more sources, not listed here; the full list is in the audit's JSON result.",
        cover_rows=_cover_rows(cover, full=True),
        method_rows=_method_rows(result, cover),
        statuses=tuple(Label(value=s.value, label=status_label(s)) for s in Status),
        verdicts=tuple(Label(value=v.value, label=verdict_label(v), colour=verdict_colour(v)) for v in Verdict),
    )


def brief_view(result: AuditResult) -> BriefView:
    """What the two-page brief says: the report's view, cut down.

    Cut to the cover, the principle table, the headline gaps with the sources they cite, the top questions,
    and how to get the full report.
    """
    view = report_view(result)
    summary = view.summary
    cited = {n for g in (*summary.red_lines, *summary.gaps) for n in g.refs if isinstance(n, int)}
    cited |= {n for n in view.cover.kind_refs if isinstance(n, int)}  # the cover's kind of programme
    stem = result.input_file.rsplit(".", 1)[0] if "." in result.input_file else result.input_file
    questions = view.gaps[:BRIEF_QUESTIONS]
    total = len(result.information_gaps)
    lead = (
        f"{total} fact{'s' if total != 1 else ''} could not be established. The {len(questions)} that matter most"
        + (" (numbered as in the full report):" if total > len(questions) else ":")
    )
    c = view.cover
    full_report = (
        Span(
            f"This brief is cut from a full report that gives, for each of the {len(result.findings)} rules, the "
            "facts that decided it, their sources and an amendment ready to propose; all "
            f"{total} questions for the operator; the method; and all {len(result.sources)} sources. To produce it: "
        ),
        Span(f"auditkit audit {result.input_file} --format pdf -o {stem or 'report'}.pdf", code=True),
        Span(f" (auditkit {c.version}; input {c.input_file}, SHA-256 "),
        Span(c.sha256, style="hash"),
        Span(")."),
    )
    return BriefView(
        cover=c,
        cover_rows=_cover_rows(c, full=False),
        summary=summary,
        principles=view.principles,
        questions=questions,
        questions_total=total,
        questions_lead=lead,
        sources=tuple(s for s in view.sources if s.number in cited),
        full_report=full_report,
    )
