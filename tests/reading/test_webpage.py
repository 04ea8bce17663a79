"""Saved web pages: the plan's text without the portal around it (pages built here from the seeds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.knowledge.loader import load_yaml
from pipeline.process import process_file
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_html

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
SEEDS = sorted(RAW_DIR.glob("*.txt"))


def _plain(text: str) -> list[str]:
    return [re.sub(r"^#{1,6}\s+", "", ln).replace("**", "").strip() for ln in text.split("\n") if ln.strip()]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("marked", [True, False], ids=["article", "plain-divs"])
def test_a_portal_page_gives_the_plans_text_and_nothing_else(tmp_path, seed, marked):
    text = clean(read(seed))[0]
    page = render_html(text, tmp_path / "kh.html")
    if not marked:  # many portals mark nothing: the main block is found by its text
        page.write_text(page.read_text(encoding="utf-8").replace("<article class='news-detail'>", "<div>")
                        .replace("</article>", "</div>"), encoding="utf-8")
    raw = read(page)
    assert raw.format == "html"
    got = clean(raw)[0]
    assert _plain(got) == _plain(text)
    portal = load_yaml("synth.yaml")["portal"]
    lines = set(got.split("\n"))
    for chrome in [portal["site"], portal["share"], portal["sidebar_title"], *portal["footer"], *portal["menu"]]:
        assert chrome not in lines


def test_a_web_page_gives_the_record_of_the_text(tmp_path):
    seed = RAW_DIR / "003_289ed289cededb05.txt"
    base = process_file(seed)
    doc = process_file(render_html(clean(read(seed))[0], tmp_path / "kh.htm"))
    assert doc.format == "html"
    assert doc.metadata == base.metadata
    assert [t.id for t in doc.tree.tasks] == [t.id for t in base.tree.tasks]
    assert [(c.number, c.start) for c in doc.citations] == [(c.number, c.start) for c in base.citations]


def test_lists_line_breaks_and_task_tables_keep_their_layout(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<!DOCTYPE html><html><body><div id='content'><h2>II. NHIỆM VỤ CỤ THỂ</h2>"
        "<ol><li>Tăng cường sự chỉ đạo</li><li>Truyền thông</li></ol>"
        "<p>UBND HUYỆN SƠN HÀ<br>Số: 79/KH-UBND</p>"
        "<table><tr><th>TT</th><th>Nội dung</th><th>Cơ quan chủ trì</th><th>Thời gian thực hiện</th></tr>"
        "<tr><td>1</td><td>Tháng hành động vì trẻ em</td><td>Phòng Lao động - Thương binh và Xã hội</td>"
        "<td>Tháng 6/2024</td></tr></table>"
        "<p>Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện.</p></div>"
        "<div class='footer'>Bản quyền</div></body></html>", encoding="utf-8")
    assert read(page).text.split("\n") == [
        "II. NHIỆM VỤ CỤ THỂ", "1. Tăng cường sự chỉ đạo", "2. Truyền thông", "UBND HUYỆN SƠN HÀ", "Số: 79/KH-UBND",
        "| TT | Nội dung | Cơ quan chủ trì | Thời gian thực hiện |",
        "| 1 | Tháng hành động vì trẻ em | Phòng Lao động - Thương binh và Xã hội | Tháng 6/2024 |",
        "Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện."]


def test_a_web_page_is_found_by_content(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text("<!DOCTYPE html><html><body><p>KẾ HOẠCH</p><p>Triển khai thực hiện công tác trẻ em</p>"
                    "</body></html>", encoding="utf-8")
    assert read(page).format == "html"
    assert read(page).text == "KẾ HOẠCH\nTriển khai thực hiện công tác trẻ em"
