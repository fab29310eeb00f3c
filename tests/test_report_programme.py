"""The report shows what format 2 holds about the programme itself.

The kind of technology and of operator on the cover, worded from the models; the legal instruments and the
contractors in a section of their own. Read back from every format that prints them, the PDF's text included.
"""

from __future__ import annotations

from pathlib import Path

from cli_support import cli
from pypdf import PdfReader

CASES = Path(__file__).parent / "fixtures" / "format2"
PLATES = CASES / "licence-plate-network.yaml"

KIND = "Automatic licence-plate recognition; a company runs it on behalf of a public authority"
# (title, type in words, adopted by, date, publication as the report words it)
INSTRUMENTS = [
    (
        "Road Policing Act 2019",
        "a law passed by a legislature",
        "Regional parliament",
        "2019-03-14",
        "Regional Gazette No. 12/2019, p. 4",
    ),
    (
        "Order on plate readers",
        "an order or regulation of the operating agency",
        "Regional police",
        "2020-02",
        "not officially published",
    ),
    (
        "Plate-reader service contract",
        "a procurement, service or data-sharing contract",
        "Regional police",
        "2021",
        "not given",
    ),
]
# (company, role in words, hired by, contract, standing)
CONTRACTORS = [
    (
        "Example Plate Systems Ltd (hypothetical)",
        "supplies the technology: the software, the matching algorithm or the devices",
        "the operator",
        "Plate-reader service contract",
        "established",
    ),
    (
        "Example Cloud Hosting (hypothetical)",
        "stores or processes the data (a data centre, a cloud provider)",
        "Example Plate Systems Ltd (hypothetical)",
        "not given",
        "reported",
    ),
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_shows_the_kind_of_programme_the_instruments_and_the_contractors(tmp_path: Path) -> None:
    pdf = tmp_path / "plates.pdf"
    assert cli("audit", str(PLATES), "-o", str(pdf))[0] == 0
    pages = [_flat(page.extract_text()) for page in PdfReader(pdf).pages]
    assert f"Kind of programme {KIND} [1] [2]" in pages[0]  # the cover, with its sources
    summary = next(i for i, page in enumerate(pages) if page.startswith("Executive summary"))
    section = " ".join(pages[1:summary])  # after the contents, before the summary (which starts a page)
    assert "Legal instruments and contractors Legal instruments" in section
    for row in [*INSTRUMENTS, *CONTRACTORS]:
        for cell in row:
            assert _flat(cell) in section, cell
    assert "Instrument Type Adopted by Date Publication Sources" in section
    assert "Company Role Hired by Contract Standing Sources" in section
    assert "Legal instruments and contractors" in pages[1]  # listed in the contents, and after them on its page


def test_markdown_and_html_show_them_as_tables(tmp_path: Path) -> None:
    code, md, _ = cli("audit", str(PLATES), "--format", "md", "-o", "-")
    assert code == 0
    assert f"| Kind of programme | {KIND} \\[1\\] \\[2\\] |" in md
    assert (
        "| Road Policing Act 2019 | a law passed by a legislature | Regional parliament | 2019-03-14 | Regional Gazette "
        "No. 12/2019, p. 4 | \\[1\\] (\\[1\\] s. 4) |" in md
    )
    assert (
        "| Example Cloud Hosting (hypothetical) | stores or processes the data (a data centre, a cloud provider) | "
        "Example Plate Systems Ltd (hypothetical) | not given | reported | \\[3\\] (\\[3\\] para 6) |" in md
    )
    assert md.index("| Input |") < md.index("## Legal instruments and contractors") < md.index("## Executive summary")
    code, html, _ = cli("audit", str(PLATES), "--format", "html", "-o", "-")
    assert '<section class="programme" id="programme"' in html
    assert "<td>Road Policing Act 2019</td><td>a law passed by a legislature</td>" in html


def test_the_json_result_and_the_text_summary_carry_them() -> None:
    import json

    code, out, _ = cli("audit", str(PLATES), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["instruments"][0]["type_text"] == "a law passed by a legislature"
    assert [(c["id"], c["hired_by"], c["standing"]) for c in result["contractors"]] == [
        ("plate-vendor", "operator", "established"),
        ("host-co", "plate-vendor", "reported"),
    ]
    assert [r["path"] for r in result["programme_kind"]] == ["scope.technology_kind", "legality.operator_kind"]
    code, text, _ = cli("audit", str(PLATES))
    assert code == 0
    assert (
        "\nKind: automatic licence-plate recognition; a company runs it on behalf of a public\n    authority\n" in text
    )
    assert "\nListed in the full report (--format md): 3 legal instruments and 2 contractors\n" in text


def test_a_description_listing_neither_has_no_such_section(tmp_path: Path) -> None:
    code, md, _ = cli("audit", str(CASES / "contact-tracing-app.yaml"), "--format", "md", "-o", "-")
    assert code == 0 and "## Legal instruments and contractors" in md and "### Legal instruments" not in md
    bare = tmp_path / "bare.yaml"
    text = (CASES / "contact-tracing-app.yaml").read_text(encoding="utf-8")
    bare.write_text(text[: text.index("contractors:")] + text[text.index("legality:") :], encoding="utf-8")
    code, md, _ = cli("audit", str(bare), "--format", "md", "-o", "-")
    assert code == 0 and "Legal instruments and contractors" not in md


def test_the_brief_lists_the_sources_its_cover_cites(tmp_path: Path) -> None:
    code, md, _ = cli("audit", str(PLATES), "--brief", "--format", "md", "-o", "-")
    assert code == 0 and f"| Kind of programme | {KIND} \\[1\\] \\[2\\] |" in md
    cited = md[md.index("## Sources cited above") :]
    assert "\\[1\\] Regional parliament" in cited and "\\[2\\] Regional auditor" in cited
