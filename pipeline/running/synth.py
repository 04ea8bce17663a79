"""Render a plan text as a PDF or a DOCX, the way offices publish plans.

Tests use it to check that the PDF and DOCX readers give the same record as
the text (nothing binary is committed); the benchmark uses it to vary layout.
Input: one paragraph, list item or heading per line (the output of
`pipeline.reading.clean.clean`); markdown markers "#" and "**" are dropped, a line
wrapped in ** is set in bold.

    render_pdf(text, "plan.pdf", font_size=12, header="UBND tỉnh ...")
    render_docx(text, "plan.docx", numbering=True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.knowledge.loader import load_yaml

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(.*)$")
_DECIMAL = re.compile(r"^(\d{1,2})\.\s+(.*)$")
_LETTER = re.compile(r"^([a-z])\)\s+(.*)$")
_BULLET = re.compile(r"^([-+])\s+(.*)$")


@dataclass
class Line:
    text: str  # without markdown markers
    bold: bool


def plan_lines(text: str) -> list[Line]:
    """Non-empty lines of a plan text, markdown markers removed."""
    out = []
    for raw in text.splitlines():
        s = re.sub(r"^#{1,6}\s+", "", raw.strip())
        bold = s.startswith("**") and s.endswith("**") and len(s) > 4
        s = s.replace("**", "").strip()
        if s:
            out.append(Line(s, bold or bool(_ROMAN.match(s))))
    return out


# ---------------------------------------------------------------- PDF

def _fonts() -> tuple[str, str]:
    """DejaVu Sans (has every Vietnamese letter) when installed, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not regular.is_file():
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold if bold.is_file() else regular)))
    return "DejaVuSans", "DejaVuSans-Bold"


def render_pdf(
    text: str,
    path: str | Path,
    *,
    font_size: float = 12,
    leading: float | None = None,
    margin_mm: tuple[float, float, float, float] = (20, 20, 30, 15),  # top, bottom, left, right
    header: str | None = load_yaml("synth.yaml")["running_headers"][0],
    page_number: str = "Trang {n}",  # or "- {n} -", "{n}", "" for none
    justify: bool = True,
    first_line_indent_mm: float = 10,
    password: str | None = None,
) -> Path:
    """Write `text` as an A4 PDF with a running header and page numbers; return the path."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = _fonts()
    top, bottom, left, right = (m * mm for m in margin_mm)
    body = ParagraphStyle("body", fontName=regular, fontSize=font_size, leading=leading or font_size * 1.35,
                          alignment=TA_JUSTIFY if justify else TA_LEFT,
                          firstLineIndent=first_line_indent_mm * mm, spaceAfter=font_size * 0.4)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, firstLineIndent=0)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, max(font_size - 3, 7))
        width, height = A4
        if header:
            canvas.drawCentredString(width / 2, height - top / 2, header)
        if page_number:
            canvas.drawCentredString(width / 2, bottom / 2, page_number.format(n=doc.page))
        canvas.restoreState()

    story = [Paragraph(escape(ln.text), heading if ln.bold else body) for ln in plan_lines(text)]
    encrypt = None
    if password:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, canPrint=0)
    out = Path(path)
    doc = SimpleDocTemplate(str(out), pagesize=A4, topMargin=top, bottomMargin=bottom, leftMargin=left,
                            rightMargin=right, title="", author="", encrypt=encrypt)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out


# ---------------------------------------------------------------- DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class _WordLists:
    """Word numbering definitions for Roman, decimal, letter and bullet items.

    A list continues while the labels run on (1., 2., 3.); any jump (a new
    section's "1.", a skipped "5.") starts a new w:num with a startOverride,
    so Word shows exactly the labels of the text.
    """

    KINDS = {"roman": ("upperRoman", "%1."), "decimal": ("decimal", "%1."), "letter": ("lowerLetter", "%1)"),
             "dash": ("bullet", "-"), "plus": ("bullet", "+")}

    def __init__(self, document):
        from docx.oxml import parse_xml

        self._parse = parse_xml
        self.root = document.part.numbering_part.element
        existing = [int(x) for x in self.root.xpath("./w:abstractNum/@w:abstractNumId")] + [0]
        nums = [int(x) for x in self.root.xpath("./w:num/@w:numId")] + [0]
        self.next_abstract = max(existing) + 1
        self.next_num = max(nums) + 1
        self.abstract: dict[str, int] = {}
        self.current: dict[str, tuple[int, int]] = {}  # kind -> (numId, last value)

    def _abstract_for(self, kind: str) -> int:
        if kind not in self.abstract:
            fmt, lvl_text = self.KINDS[kind]
            aid = self.next_abstract
            self.next_abstract += 1
            xml = (f'<w:abstractNum xmlns:w="{_W_NS}" w:abstractNumId="{aid}">'
                   f'<w:multiLevelType w:val="singleLevel"/>'
                   f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{lvl_text}"/><w:lvlJc w:val="left"/>'
                   f'<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl></w:abstractNum>')
            # abstractNum elements must come before num elements
            first_num = self.root.find(f"{{{_W_NS}}}num")
            el = self._parse(xml)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                self.root.append(el)
            self.abstract[kind] = aid
        return self.abstract[kind]

    def num_for(self, kind: str, value: int) -> int:
        """numId under which an item of `kind` shows `value` (continuing or restarting)."""
        cur = self.current.get(kind)
        if cur and (kind in ("dash", "plus") or cur[1] == value - 1):
            self.current[kind] = (cur[0], value)
            return cur[0]
        aid = self._abstract_for(kind)
        nid = self.next_num
        self.next_num += 1
        self.root.append(self._parse(
            f'<w:num xmlns:w="{_W_NS}" w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{value}"/></w:lvlOverride></w:num>'))
        self.current[kind] = (nid, value)
        return nid

    def reset(self, kinds: tuple[str, ...]) -> None:
        for k in kinds:
            self.current.pop(k, None)


def _roman_value(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(s):
        v = vals[ch]
        total += -v if i + 1 < len(s) and vals[s[i + 1]] > v else v
    return total


def _item_kind(text: str) -> tuple[str, int, str] | None:
    """(kind, value, text after the label) for a label Word can number."""
    for kind, pattern in (("roman", _ROMAN), ("decimal", _DECIMAL), ("letter", _LETTER), ("dash", _BULLET)):
        m = pattern.match(text)
        if m:
            label = m.group(1)
            if kind == "roman":
                return kind, _roman_value(label), m.group(2)
            if kind == "decimal":
                return kind, int(label), m.group(2)
            if kind == "letter":
                return kind, ord(label) - ord("a") + 1, m.group(2)
            return ("dash" if label == "-" else "plus"), 0, m.group(2)
    return None


def render_docx(text: str, path: str | Path, *, numbering: bool = True, font: str = "Times New Roman",
                font_size: float = 13) -> Path:
    """Write `text` as a .docx: bold headings and, with `numbering`, Word's own list numbering."""
    import docx
    from docx.oxml import parse_xml
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(font_size)
    lists = _WordLists(document) if numbering else None
    for ln in plan_lines(text):
        item = _item_kind(ln.text) if lists else None
        para = document.add_paragraph()
        body = ln.text
        if item and lists:
            kind, value, body = item
            if kind == "roman":
                lists.reset(("decimal", "letter", "dash", "plus"))
            elif kind == "decimal":
                lists.reset(("letter", "dash", "plus"))
            num_id = lists.num_for(kind, value)
            para._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr xmlns:w="{_W_NS}"><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
        run = para.add_run(body)
        run.bold = ln.bold
    out = Path(path)
    document.save(str(out))
    return out


# ---------------------------------------------------------------- scans

def render_scan(pdf: str | Path, path: str | Path, *, dpi: int = 200, angle: float = 0.6, noise: float = 12.0,
                jpeg_quality: int = 70, seed: int = 0) -> Path:
    """Write `pdf` as an office scanner would copy it: each page a greyscale JPEG picture at
    `dpi`, turned by `angle` degrees, with grain of `noise` grey levels; no text layer."""
    import io

    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    pages: list[Image.Image] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for k, page in enumerate(doc):
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(angle * (1 if k % 2 == 0 else -0.7), resample=Image.BICUBIC, expand=False,
                                 fillcolor=255)
            grain = rng.normal(0.0, noise, (image.height, image.width))
            image = Image.fromarray(np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=jpeg_quality)
            pages.append(Image.open(io.BytesIO(buffer.getvalue())))
    finally:
        doc.close()
    out = Path(path)
    pages[0].save(str(out), "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return out


# ---------------------------------------------------------------- HTML

def render_html(text: str, path: str | Path, *, chrome: bool = True) -> Path:
    """Write `text` as a provincial portal's web page: the plan in an article (headings, lists,
    paragraphs, tables of tasks as <table>), with the site's menu, breadcrumb, sidebar, share
    bar and footer around it when `chrome` (the words: resources/synth.yaml `portal`)."""
    from html import escape as esc

    from pipeline.knowledge.loader import load_yaml
    from pipeline.parsing import tables

    body: list[str] = []
    list_open = False
    for ln in plan_lines(text):
        item = _BULLET.match(ln.text)
        if item and not list_open:
            body.append("<ul>")
        elif not item and list_open:
            body.append("</ul>")
        list_open = bool(item)
        if item:
            body.append(f"<li>{esc(item.group(2) if item.group(1) == '-' else ln.text)}</li>")
        elif tables.is_row(ln.text):
            cells = "".join(f"<td>{esc(c.strip())}</td>" for c in ln.text.strip().strip("|").split("|"))
            body.append(f"<table border='1'><tr>{cells}</tr></table>")
        elif _ROMAN.match(ln.text) or (ln.bold and ln.text.isupper()):
            body.append(f"<h2>{esc(ln.text)}</h2>")
        else:
            body.append(f"<p>{'<strong>' + esc(ln.text) + '</strong>' if ln.bold else esc(ln.text)}</p>")
    if list_open:
        body.append("</ul>")
    article = "\n".join(body).replace("</table>\n<table border='1'>", "\n")
    page = f"<article class='news-detail'>\n{article}\n</article>"
    if chrome:
        portal = load_yaml("synth.yaml")["portal"]
        menu = "".join(f"<li><a href='#'>{esc(m)}</a></li>" for m in portal["menu"])
        crumbs = " » ".join(f"<a href='#'>{esc(c)}</a>" for c in portal["breadcrumb"])
        side = "".join(f"<li><a href='#'>{esc(s)}</a></li>" for s in portal["sidebar"])
        foot = "".join(f"<p>{esc(f)}</p>" for f in portal["footer"])
        page = (f"<header><div class='logo'>{esc(portal['site'])}</div><nav><ul>{menu}</ul></nav></header>\n"
                f"<div class='breadcrumb'>{crumbs}</div>\n<div class='container'><div class='main'>{page}\n"
                f"<div class='share'>{esc(portal['share'])}</div></div>\n"
                f"<aside class='sidebar'><h3>{esc(portal['sidebar_title'])}</h3><ul>{side}</ul></aside></div>\n"
                f"<footer>{foot}</footer>")
    html = (f"<!DOCTYPE html>\n<html lang='vi'><head><meta charset='utf-8'><title>{esc(plan_lines(text)[0].text)}</title>"
            f"<script>var ga = 1;</script><style>body {{ font-family: serif; }}</style></head>\n<body>\n{page}\n</body></html>\n")
    out = Path(path)
    out.write_text(html, encoding="utf-8")
    return out


# ---------------------------------------------------------------- any kind

RENDERED_KINDS = ("pdf", "docx", "html", "doc", "scan")


def render_as(kind: str, text: str, stem: Path) -> Path:
    """`text` as a file of `kind` at `stem` + its suffix: "pdf", "docx", "html", "doc" (a .docx
    saved by LibreOffice, labels typed) or "scan" (a PDF copied as an office scanner does)."""
    import tempfile

    if kind == "pdf":
        return render_pdf(text, stem.with_suffix(".pdf"))
    if kind == "docx":
        return render_docx(text, stem.with_suffix(".docx"))
    if kind == "html":
        return render_html(text, stem.with_suffix(".html"))
    with tempfile.TemporaryDirectory(prefix="vncp-render-") as tmp:
        if kind == "scan":
            return render_scan(render_pdf(text, Path(tmp) / "text.pdf"), stem.with_suffix(".pdf"))
        if kind == "doc":
            from pipeline.reading import office

            typed = render_docx(text, Path(tmp) / "typed.docx", numbering=False)
            made = office.convert(office.soffice(), typed, Path(tmp), to="doc")
            target = stem.with_suffix(".doc")
            target.write_bytes(made.read_bytes())
            return target
    raise ValueError(f"unknown kind {kind!r} (one of {', '.join(RENDERED_KINDS)})")
