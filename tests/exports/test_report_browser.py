"""The report in a real headless browser (Debian's chromium driven by Playwright).

It must load from disk with no console error and no request leaving the file,
show the heatmap, and open a plan page with its values highlighted. A
screenshot of each is saved under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_exports import synthetic_records  # tests/ is on sys.path (pytest rootdir-relative imports)

from pipeline.exports import write_dataset

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    records = tmp_path_factory.mktemp("records")
    for rec in synthetic_records():
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("processed")
    return write_dataset(records, out, [])["report.html"]


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_report_renders_heatmap_and_a_plan_page_without_errors(report, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)

    page.goto(report.as_uri())
    heatmap = page.locator("#heatmap-table")
    assert heatmap.is_visible()
    row = page.locator("#heatmap-table tbody tr", has_text="Thừa Thiên Huế · tỉnh · 2023")
    assert row.count() == 1
    assert row.locator('td.n[title$="health_nutrition: 1"]').inner_text().strip() == "1"  # its one health task
    assert page.locator("#instrument-table").is_visible()
    assert page.locator("#targets-table", has_text="< 9,5‰").is_visible()
    assert not page.locator("#plan-001_2684e7fb74e79852").is_visible()  # plan pages open on demand
    page.screenshot(path=str(ARTIFACTS / "report_overview.png"), full_page=False)

    page.locator("#heatmap-table a", has_text="Thừa Thiên Huế · tỉnh · 2023").click()
    plan = page.locator("#plan-001_2684e7fb74e79852")
    plan.wait_for(state="visible")
    assert "Thừa Thiên Huế" in plan.locator("h2").inner_text()
    highlighted = plan.locator(".plantext .hl", has_text="9,5%")
    assert highlighted.count() >= 1 and highlighted.first.is_visible()
    assert plan.locator(".legend", has_text="CHỈ TIÊU").is_visible()
    plan.locator(".plantext").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report_plan_page.png"), full_page=False)

    assert problems == []
    assert outside == []
