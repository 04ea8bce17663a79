"""OCR of scanned PDF pages: pypdfium2 renders, Tesseract (`vie`, through tesserocr) reads.

A page is OCR'd when it holds a picture and no usable text layer; the other
pages of a mixed PDF keep their text. Each page is rendered in greyscale at
`DPI`, deskewed by the angle Tesseract's layout analysis measures, and read
line by line: the lines, with their boxes, go through the same paragraph
assembly as a text layer (`layout.page_text`), then the same cleaning.
Citation symbols, where OCR errs most (`71/ITR-LĐTBXH`), are repaired
against the known codes (`ocr_repair`). Pages are read in parallel threads
(tesserocr releases the GIL while Tesseract works).

tesserocr brings its own Tesseract library; the Vietnamese model comes from
the system (Debian: tesseract-ocr-vie) or `TESSDATA_PREFIX`.
"""

from __future__ import annotations

import glob
import os
import statistics
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.errors import UnreadableFile
from pipeline.reading import layout

DPI = 200  # chosen by measurement on degraded 200 dpi scans of the seeds (docs/input.md, OCR)
LANGUAGE = "vie"
MISSING = "scanned PDF: OCR needs tesseract-ocr and tesseract-ocr-vie"
MISSING_HINT = ("install them (Debian: apt-get install tesseract-ocr tesseract-ocr-vie), "
                "or give a PDF with a text layer")
_TESSDATA_GLOBS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata",
                   "/opt/homebrew/share/tessdata")


@cache
def tessdata() -> str | None:
    """The folder holding the Vietnamese model, or None when it is not installed."""
    folders = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for pattern in _TESSDATA_GLOBS:
        folders.extend(sorted(glob.glob(pattern), reverse=True))
    return next((f for f in folders if Path(f, f"{LANGUAGE}.traineddata").is_file()), None)


def threads() -> int:
    """Pages read at once: the cores this process may use (VNCP_OCR_THREADS overrides)."""
    if os.environ.get("VNCP_OCR_THREADS", "").isdigit():
        return max(1, int(os.environ["VNCP_OCR_THREADS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass
class OcrResult:
    pages: dict[int, layout.PageText] = field(default_factory=dict)  # page index -> its text
    confidence: dict[int, float] = field(default_factory=dict)  # page index -> mean word confidence (0-100)

    def summary(self) -> dict:
        """The record's `ocr` field: which pages (1-based) were read by OCR, how sure Tesseract was."""
        return {"engine": f"tesseract {LANGUAGE}", "dpi": DPI, "pages": [i + 1 for i in sorted(self.pages)],
                "mean_confidence": round(statistics.fmean(self.confidence.values()), 1) if self.confidence else None}

    def warning(self) -> str:
        s = self.summary()
        return (f"{len(s['pages'])} scanned page(s) read by OCR (Tesseract {LANGUAGE}, mean confidence "
                f"{s['mean_confidence']}%): check names and numbers against the file")


# Called (with no argument) after each page is OCR'd, when set: how a batch's progress bar counts pages
# on long OCR work (`pipeline/running/engines.py` sets it in each worker).
page_listener: Callable[[], None] | None = None


def ocr_pages(path: Path, indexes: list[int]) -> OcrResult:
    """OCR the pages `indexes` (0-based) of the PDF at `path`."""
    folder = tessdata()
    if folder is None:
        raise UnreadableFile(MISSING, MISSING_HINT)
    import pypdfium2 as pdfium

    result = OcrResult()
    lock = threading.Lock()  # pdfium is not thread-safe: rendering is serialised, recognition is not
    local = threading.local()
    doc = pdfium.PdfDocument(str(path))
    try:
        def one(index: int) -> tuple[int, layout.PageText, float]:
            with lock:
                page = doc[index]
                height = page.get_height()
                image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
                page.close()
            if not hasattr(local, "api"):
                local.api = _api(folder)
            lines, confidence = read_image(local.api, image)
            return index, layout.page_text(lines, height), confidence

        with ThreadPoolExecutor(max_workers=min(threads(), len(indexes))) as pool:
            for index, page_text, confidence in pool.map(one, indexes):
                result.pages[index] = page_text
                result.confidence[index] = confidence
                if page_listener is not None:
                    page_listener()
    finally:
        doc.close()
    return result


def _api(folder: str):
    import tesserocr

    return tesserocr.PyTessBaseAPI(path=folder.rstrip("/") + "/", lang=LANGUAGE, psm=tesserocr.PSM.AUTO)


def read_image(api, image) -> tuple[list[dict], float]:
    """Text lines of a greyscale page image, with boxes in points, and the mean word confidence."""
    import tesserocr
    from PIL import Image

    from pipeline.reading import ocr_repair

    api.SetImage(image.reduce(2))  # the skew, measured at half size, costs a quarter
    api.SetSourceResolution(DPI // 2)
    angle = _skew(api)
    if abs(angle) > 0.05:
        image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    api.SetImage(image)
    api.SetSourceResolution(DPI)
    api.Recognize()
    scale = 72 / DPI
    lines: list[dict] = []
    it = api.GetIterator()
    level = tesserocr.RIL.TEXTLINE
    while it is not None and not it.Empty(level):
        text = _line_text(it, level)
        box = it.BoundingBox(level)
        if text and box:
            x0, top, x1, bottom = (v * scale for v in box)
            lines.append({"text": ocr_repair.repair_line(text), "x0": x0, "x1": x1, "top": top, "bottom": bottom})
        if not it.Next(level):
            break
    lines.sort(key=lambda ln: ln["top"])
    return lines, float(api.MeanTextConf())


def _line_text(it, level) -> str:
    try:
        return (it.GetUTF8Text(level) or "").strip()
    except RuntimeError:  # tesserocr's "No text returned" on an empty line
        return ""


def _skew(api) -> float:
    """How far to turn the page anticlockwise, in degrees, to level its lines (Tesseract's layout analysis)."""
    import math

    it = api.AnalyseLayout()
    if it is None:
        return 0.0
    *_, deskew = it.Orientation()
    return math.degrees(deskew)
