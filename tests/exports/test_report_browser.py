"""The report in a real headless browser (Debian's chromium driven by Playwright), small and at 1,000 plans.

It must load from disk with no console error and no request leaving the file,
show the overview, filter the plan list and draw a plan's evidence on demand.
At 1,000 generated plans (the five sample records, each copied 200 times as a
distinct plan of another province and year) the page must stay light: its
size and its number of DOM nodes grow by a bounded amount per plan, and
nothing of a plan's evidence is in the DOM until it is asked for. The load
time is measured and written to tests/exports/artifacts/ (never asserted).
Screenshots are saved there too, for a person to look at.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import time
from pathlib import Path

import pytest
from test_exports import synthetic_records  # tests/ is on sys.path (pytest rootdir-relative imports)
from test_report import RAW_MARKS

from pipeline.exports import write_dataset
from pipeline.knowledge.loader import RESOURCE_DIR

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
N_PLANS = 1000
MAX_BYTES_PER_PLAN = 15_000  # the whole page, evidence of every plan included (about 9 KB measured)
MAX_NODES_PER_PLAN = 30  # DOM elements once loaded: one table row and its cells per plan, no evidence


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, report: Path, suffix: str = ""):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    t0 = time.perf_counter()
    page.goto(report.as_uri() + suffix, wait_until="load")
    return page, problems, outside, time.perf_counter() - t0


@pytest.fixture(scope="module")
def small_report(tmp_path_factory) -> Path:
    records = tmp_path_factory.mktemp("records")
    for rec in synthetic_records():
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return write_dataset(records, tmp_path_factory.mktemp("processed"), [])["report.html"]


def test_small_report_overview_filter_and_evidence(small_report, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page, problems, outside, _ = _open(browser, small_report)
    assert page.locator("#themes-by-province").is_visible()
    cell = page.locator('#themes-by-province td[title^="Thừa Thiên Huế · Chăm sóc sức khỏe"]')
    assert cell.inner_text().strip() == "100%"  # its one themed task
    assert page.locator("#top-instruments", has_text="Luật Trẻ em").is_visible()
    assert not page.locator("#evidence").is_visible()  # evidence opens on demand
    assert page.locator(".ev-item").count() == 0
    page.screenshot(path=str(ARTIFACTS / "report_overview.png"), full_page=False)

    page.locator("#f-province").select_option("Thừa Thiên Huế")
    assert page.locator("#plan-table tbody tr:not([hidden])").count() == 1
    page.locator("#plan-table tbody tr:not([hidden]) button").click()
    evidence = page.locator("#evidence")
    evidence.wait_for(state="visible")
    assert "Thừa Thiên Huế" in page.locator("#ev-title").inner_text()
    assert evidence.locator("mark", has_text="dưới 9,5%").is_visible()
    assert evidence.locator("td", has_text="< 9,5‰").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "report_evidence.png"), full_page=False)
    assert not RAW_MARKS.search(page.locator("body").inner_text())
    assert problems == [] and outside == []


# --- 1,000 plans ------------------------------------------------------------------------------------

def _provinces() -> list[tuple[str, str]]:
    with open(RESOURCE_DIR / "province_mergers_2025.csv", encoding="utf-8", newline="") as f:
        return [(r["province"], r["province_2025"]) for r in csv.DictReader(f)]


def thousand_plans(samples: list[dict]) -> list[dict]:
    """N_PLANS distinct plans from the sample records: another province, year, level and number each."""
    provinces, levels = _provinces(), ["province", "district", "commune"]
    out = []
    for i in range(N_PLANS):
        rec = copy.deepcopy(samples[i % len(samples)])
        province, after = provinces[i % len(provinces)]
        rec["doc_id"] = f"plan_{i:04d}"
        rec["text"] += f"\nBản số {i}.\n"  # distinct content: not a duplicate of its sample
        meta = rec["metadata"]
        meta.update(province=province, province_2025=after, year=2019 + i % 7, admin_level=levels[i % 3],
                    locality=f"Địa phương {i}" if i % 3 else None, number=f"{i + 1}/KH-UBND")
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def big_report(sample_records, tmp_path_factory) -> tuple[Path, list[dict]]:
    records = tmp_path_factory.mktemp("records1000")
    plans = thousand_plans([sample_records[k] for k in sorted(sample_records)])
    for rec in plans:
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("processed1000")
    t0 = time.perf_counter()
    report = write_dataset(records, out, [])["report.html"]
    (ARTIFACTS / "report_1000_export_seconds.txt").parent.mkdir(exist_ok=True)
    (ARTIFACTS / "report_1000_export_seconds.txt").write_text(f"{time.perf_counter() - t0:.1f}\n")
    return report, plans


def test_report_at_1000_plans_stays_light_and_works(big_report, browser):
    report, plans = big_report
    size = report.stat().st_size
    assert size < MAX_BYTES_PER_PLAN * N_PLANS, size
    page, problems, outside, seconds = _open(browser, report)
    nodes = page.evaluate("document.getElementsByTagName('*').length")
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
    (ARTIFACTS / "report_1000.json").write_text(json.dumps(
        {"plans": N_PLANS, "bytes": size, "dom_nodes": nodes, "load_seconds": round(seconds, 2),
         "navigation": json.loads(timing)}, indent=1))
    assert page.locator("#plan-table tbody tr").count() == N_PLANS
    assert nodes < MAX_NODES_PER_PLAN * N_PLANS, nodes
    assert page.locator(".ev-item").count() == 0  # no plan's evidence is drawn before it is asked for
    page.screenshot(path=str(ARTIFACTS / "report_1000_overview.png"), full_page=False)

    province = plans[7]["metadata"]["province"]
    expected = sum(1 for p in plans if p["metadata"]["province"] == province)
    page.locator("#f-province").select_option(province)
    assert page.locator("#plan-table tbody tr:not([hidden])").count() == expected
    assert page.locator("#plan-count").inner_text().startswith(f"Đang hiện {expected} / {N_PLANS}")
    page.locator("#plan-filter").fill("plan_0007")
    assert page.locator("#plan-table tbody tr:not([hidden])").count() == 1
    page.locator("#plan-table tbody tr:not([hidden]) button").click()
    page.locator("#evidence").wait_for(state="visible")
    assert page.locator("#evidence").get_attribute("data-doc") == "plan_0007"
    citation = plans[7]["citations"][0]["text"]
    assert page.locator("#evidence mark", has_text=citation.strip()[:20]).count() >= 1
    assert not RAW_MARKS.search(page.locator("#evidence").inner_text())
    page.screenshot(path=str(ARTIFACTS / "report_1000_evidence.png"), full_page=False)
    assert problems == [] and outside == []


def test_a_link_to_a_plan_opens_its_evidence(big_report, browser):
    report, _ = big_report
    page, problems, _, _ = _open(browser, report, "#plan=plan_0421")
    page.locator("#evidence").wait_for(state="visible")
    assert page.locator("#evidence").get_attribute("data-doc") == "plan_0421"
    assert problems == []
