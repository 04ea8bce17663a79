"""The text layer of a PDF, read with pypdfium2; pdfplumber only on pages with ruled tables.

pypdfium2 gives each page's text with its line breaks about 50 times faster
than pdfplumber, and the position of any character: the first and last
character of a line give its extent, the baseline its height. That is all the
paragraph assembly (`layout.py`) needs. A page drawn with many ruling lines
(cheap to count: pdfium's path objects) may hold a table: pdfplumber's table
finder reads it there, each body row becoming one pipe row
("| 1 | Nội dung | Phòng Y tế | … |"), the rest of the page coming from pdfium.
Pages with no text but a picture are scans, handed to OCR (`ocr.py`).
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import RawDocument
from pipeline.errors import UnreadableFile
from pipeline.reading import layout

MAX_PDF_PAGES = 1000
# A page drawn with at least this many path objects may hold a ruled table.
MIN_TABLE_PATHS = 8
# Fewer letters than this on a page with a picture: a scanned page.
MIN_PAGE_LETTERS = 20

_OCR_HINT = "run OCR first, e.g. ocrmypdf -l vie in.pdf out.pdf"
_PASSWORD_HINT = "ask the sender for an unprotected copy, or remove the password (qpdf --decrypt)"


@dataclass
class PageScan:
    """What one page holds, as pdfium sees it."""

    lines: list[dict] | None  # text lines with geometry; None when pdfium's text cannot be trusted
    paths: int = 0
    images: int = 0
    letters: int = 0
    warnings: list[str] = field(default_factory=list)


def read_pdf(path: Path) -> RawDocument:
    """The text layer of a PDF, pages separated by form feeds (scanned pages OCR'd)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableFile("the PDF is password-protected", _PASSWORD_HINT) from e
        raise UnreadableFile(f"the PDF is damaged or truncated ({e})"[:200], "download or export it again") from e
    try:
        return _read_open_pdf(pdf, path)
    except pdfium.PdfiumError as e:  # a page that does not load: broken page tree or content
        raise UnreadableFile(f"the PDF is damaged or truncated ({e})"[:200], "download or export it again") from e
    finally:
        pdf.close()


def _read_open_pdf(pdf, path: Path) -> RawDocument:
    n = len(pdf)
    if n == 0:
        raise UnreadableFile("the PDF has no pages (damaged or truncated)", "download or export it again")
    pages: list[layout.PageText | None] = []
    scans: list[int] = []  # indexes of scanned pages
    plumber = _Plumber(path)
    warnings: list[str] = []
    margins = None  # of the last page with enough lines
    try:
        for i in range(min(n, MAX_PDF_PAGES)):
            page = pdf[i]
            scan = scan_page(page)
            if scan.lines is not None and scan.letters < MIN_PAGE_LETTERS and scan.images:
                scans.append(i)
                pages.append(None)
            elif scan.lines is None or scan.paths >= MIN_TABLE_PATHS:
                turned = page.get_rotation() in (90, 270)  # pdfplumber's boxes turn with the page, pdfium's do not
                pages.append(plumber.page_text(i, None if turned else scan.lines, margins))
            else:
                plumber.task_columns = None
                pages.append(layout.page_text(scan.lines, text_height(page), margins))
            margins = pages[-1].margins if pages[-1] else margins
            page.close()
    finally:
        plumber.close()
    ocr_info = _ocr(path, scans, pages, warnings) if scans else None
    if n > MAX_PDF_PAGES:
        warnings.append(f"only the first {MAX_PDF_PAGES} of {n} pages were read")
    text = layout.join_pages([p or layout.PageText([], [], [], False, False, False) for p in pages])
    _check_text(text, n, scanned=bool(scans))
    return RawDocument(source=str(path), format="pdf", text=text, pages=n, warnings=warnings, ocr=ocr_info)


def _ocr(path: Path, scans: list[int], pages: list, warnings: list[str]) -> dict | None:
    """OCR the scanned pages into `pages`; without Tesseract, a PDF with enough text elsewhere
    keeps it (with a warning), a scan alone is an error."""
    from pipeline.reading import ocr

    if ocr.tessdata() is None:
        letters = sum(c.isalpha() for p in pages if p for c in " ".join(p.body))
        if letters < 20 * MIN_PAGE_LETTERS:
            raise UnreadableFile(ocr.MISSING, ocr.MISSING_HINT)
        warnings.append(f"{len(scans)} scanned page(s) not read: {ocr.MISSING[len('scanned PDF: '):]}")
        return None
    done = ocr.ocr_pages(path, scans)
    for i, page_text in done.pages.items():
        pages[i] = page_text
    warnings.append(done.warning())
    return done.summary()


def _check_text(text: str, n: int, scanned: bool) -> None:
    letters = sum(1 for c in text if c.isalpha())
    if text.count("(cid:") > max(5, letters // 50):
        raise UnreadableFile("the PDF's fonts have no Unicode mapping, so its text cannot be extracted",
                             "run OCR first, e.g. ocrmypdf --force-ocr -l vie in.pdf out.pdf")
    if letters < 20 * min(n, 3):
        what = "it is a scan and OCR found no text in it" if scanned else "it has no text layer"
        raise UnreadableFile(f"the PDF has no extractable text ({what})", _OCR_HINT)


# ---------------------------------------------------------------- pdfium pages

_LINE_BREAKS = ("\r\n", "\ufffe", "\x02")  # pdfium marks a line-end hyphen with U+FFFE (or STX)


def scan_page(page) -> PageScan:
    """Text lines (with geometry) and counts of path and image objects of one pdfium page."""
    import pypdfium2.raw as raw

    paths = images = 0
    for k in range(raw.FPDFPage_CountObjects(page)):
        kind = raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page, k))
        paths += kind == raw.FPDF_PAGEOBJ_PATH
        images += kind == raw.FPDF_PAGEOBJ_IMAGE
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range() if count > 0 else ""
        if len(text) != count:  # pdfium's text and character indexes disagree: not safe to map
            return PageScan(None, paths, images)
        lines = _lines(textpage, text, text_height(page))
    finally:
        textpage.close()
    letters = sum(c.isalpha() for ln in lines for c in ln["text"])
    return PageScan(lines, paths, images, letters)


def text_height(page) -> float:
    """The page's height in the space of its text (pdfium's character boxes ignore /Rotate)."""
    return page.get_width() if page.get_rotation() in (90, 270) else page.get_height()


def _lines(textpage, text: str, height: float) -> list[dict]:
    """One dict per text line: text (NFC), x0, x1, top, bottom (pdfplumber's axes, top down)."""
    import pypdfium2.raw as raw

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out: list[dict] = []
    for start, seg in _segments(text):
        stripped = seg.strip()
        if not stripped:
            continue
        first = start + len(seg) - len(seg.lstrip())
        last = start + len(seg.rstrip()) - 1
        raw.FPDFText_GetCharBox(textpage, first, left, right, bottom, top)
        x0 = left.value
        raw.FPDFText_GetCharBox(textpage, last, left, right, bottom, top)
        x1 = right.value
        raw.FPDFText_GetCharOrigin(textpage, first, left, bottom)
        size = raw.FPDFText_GetFontSize(textpage, first) or 10.0
        base = height - bottom.value
        out.append({"text": unicodedata.normalize("NFC", stripped), "x0": x0, "x1": x1,
                    "top": base - 0.8 * size, "bottom": base + 0.2 * size})
    out.sort(key=lambda ln: round(ln["top"]))  # reading order top-down, as pdfplumber gives it
    return out


def _segments(text: str):
    """(start index, text) of each line; a hyphen pdfium merged across a line end is written back."""
    pos = 0
    n = len(text)
    while pos <= n:
        ends = [(text.find(b, pos), b) for b in _LINE_BREAKS]
        ends = [(i, b) for i, b in ends if i >= 0]
        if not ends:
            yield pos, text[pos:]
            return
        i, brk = min(ends)
        if brk == "\r\n":
            yield pos, text[pos:i]
            pos = i + 2
        else:
            yield pos, text[pos:i] + "-"
            pos = i + 1


# ---------------------------------------------------------------- pdfplumber pages

class _Plumber:
    """pdfplumber opened once per file, and only when a page needs its geometry."""

    def __init__(self, path: Path):
        self.path = path
        self.pdf = None
        self.task_columns: int | None = None  # a table of tasks ended the page before

    def page_text(self, index: int, lines: list[dict] | None,
                  margins: tuple[float, float] | None) -> layout.PageText:
        from pipeline.reading import pdf_tables

        if self.pdf is None:
            self.pdf = _open_plumber(self.path)
        page = self.pdf.pages[index]
        try:
            if lines is None:
                lines = [ln for ln in page.extract_text_lines(x_tolerance=1.5, y_tolerance=3) if ln["text"].strip()]
                for ln in lines:
                    ln["text"] = unicodedata.normalize("NFC", ln["text"].strip())
            found = pdf_tables.find(page, self.task_columns)
            self.task_columns = len(found[-1].rows[-1]) if found and found[-1].tasks else None
            lines = pdf_tables.merge(lines, found)
            return layout.page_text(lines, float(page.height or 842), margins)
        finally:
            page.flush_cache()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _open_plumber(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on files pdfium opened
        raise UnreadableFile(f"the PDF is damaged or truncated ({type(e).__name__}: {e})"[:200],
                             "download or export it again") from e
