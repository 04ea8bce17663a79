"""On long OCR work the progress bar counts pages (issue 15 item 1): each page OCR'd reaches the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.reading import ocr
from pipeline.running.batch import _PageCount
from pipeline.running.engines import InlineEngine, Job, Limits, LocalEngine

needs_tesseract = pytest.mark.skipif(ocr.tessdata() is None,
                                     reason="Tesseract's Vietnamese model is not installed (tesseract-ocr-vie)")


def _scan(path: Path, pages: int) -> Path:
    """`pages` pages, each a picture of a word and no text layer: every page goes to OCR."""
    from PIL import Image, ImageDraw

    images = []
    for i in range(pages):
        image = Image.new("L", (1654, 600), 255)
        ImageDraw.Draw(image).text((100, 100), f"UBND {i}", fill=0)
        images.append(image)
    images[0].save(str(path), "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return path


@needs_tesseract
@pytest.mark.parametrize("make_engine", [lambda: InlineEngine(), lambda: LocalEngine(1, Limits(timeout=600))],
                         ids=["inline", "local"])
def test_every_page_ocrd_is_reported_to_the_batch(tmp_path, make_engine):
    scan = _scan(tmp_path / "scan.pdf", 3)
    engine = make_engine()
    seen: list[int] = []
    engine.on_ocr_page = lambda: seen.append(1)
    outcomes = list(engine.map([Job(str(scan), "scan")]))
    assert len(outcomes) == 1
    assert len(seen) == 3, outcomes
    assert ocr.page_listener is None, "the hook is cleared after the document"


class _Bar:
    def __init__(self):
        self.postfix: list[tuple[str, bool]] = []

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix.append((text, refresh))


def test_the_bar_shows_pages_ocrd_as_they_come():
    bar = _Bar()
    count = _PageCount(bar)
    count.ocr_page()
    count.ocr_page()
    assert bar.postfix[-1][0].endswith("2 pages OCR'd") and bar.postfix[-1][1], "redrawn at once, mid-document"
    count.done = 30
    count.show()
    assert bar.postfix[-1][0].startswith("30 pages, ")
    _PageCount(None).ocr_page()  # no bar (--quiet): nothing to draw, no error
