"""The HTML report: one self-contained file (no script, font or image from outside).

Parts: a plan × theme heatmap, the instrument registry with the citation
links between plans of the corpus, the targets side by side, and a page per
plan showing its text with every extracted value highlighted at its evidence,
one colour per kind. The highlighting is spaCy displaCy's span renderer
(overlapping spans stack, labels on top), given the tokens and spans of each
line: no model is downloaded. Plan pages are shown one at a
time with CSS `:target`, so the file opens fast even with many plans.

The file is written piece by piece (a plan page at a time, the records read
again one by one), so its size never sits in memory. Only the first
`MAX_PLAN_PAGES` plans get a page (each is ~150 KB of highlighted text; a
browser struggles past a few tens of MB) and the report says so; every plan
is still in the heatmap, the registry and the dataset.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import regex

from pipeline.exports import pivots
from pipeline.exports.files import atomic_path, iter_records

KIND_COLOURS = {  # kind -> (label shown, colour)
    "citations": ("VĂN BẢN", "#7aecec"),
    "agencies": ("CƠ QUAN", "#bfeeb7"),
    "deadlines": ("THỜI HẠN", "#feca74"),
    "targets": ("CHỈ TIÊU", "#ff8197"),
}
KIND_NAMES = {"citations": "văn bản được trích dẫn (citation)", "agencies": "cơ quan (agency)",
              "deadlines": "thời hạn (deadline)", "targets": "chỉ tiêu (target)"}
MAX_PLAN_PAGES = 200  # past this the report lists plans without their full text (~30 MB already)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#222}
header{background:#1f4e79;color:#fff;padding:12px 24px}
header a{color:#fff;margin-right:16px}
main{padding:8px 24px 48px}
h2{border-bottom:2px solid #1f4e79;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#ddebf7;position:sticky;top:0}
table.heatmap td.n{text-align:center;min-width:2.5em}
table.heatmap tbody th{min-width:18em}
.plantext .hl span{white-space:nowrap}
.scroll{overflow:auto;max-height:70vh}
.plan-page{display:none}
.plan-page:target{display:block}
.legend span{display:inline-block;padding:2px 8px;margin:2px 6px 2px 0;border-radius:3px;font-size:13px}
.plantext{border:1px solid #ddd;padding:8px 16px;background:#fcfcfc}
.plantext .line{line-height:2.5}
.muted{color:#777}
"""


def _e(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _plan_link(doc_id: str, label: str, with_page: set[str]) -> str:
    if doc_id in with_page:
        return f'<a href="#plan-{_e(doc_id)}">{_e(label)}</a>'
    return _e(label)


# --- corpus-level parts ----------------------------------------------------------

def _heatmap(con: duckdb.DuckDBPyConnection, plan_ids: dict[str, str], with_page: set[str]) -> str:
    table = pivots.plan_theme(con)
    if table.empty or table.shape[1] == 0:
        return '<p class="muted">Chưa có nhiệm vụ nào được gắn chủ đề (no task has a theme yet).</p>'
    top = max(int(table.values.max()), 1)
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    rows = []
    for plan, counts in table.iterrows():
        cells = []
        for theme, n in counts.items():
            light = 100 - int(55 * n / top)
            colour = "#fff" if light < 62 else "#222"
            cells.append(f'<td class="n" title="{_e(plan)} · {_e(theme)}: {n}" '
                         f'style="background:hsl(210,65%,{light}%);color:{colour}">{n or ""}</td>')
        rows.append(f"<tr><th>{_plan_link(plan_ids.get(plan, ''), plan, with_page)}</th>{''.join(cells)}</tr>")
    return (f'<div class="scroll"><table class="heatmap" id="heatmap-table"><thead><tr><th>Kế hoạch (plan)</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _instruments(con: duckdb.DuckDBPyConnection, plan_of: dict[str, str], with_page: set[str]) -> str:
    inst = con.execute("SELECT * FROM instruments").df().astype(object)
    if inst.empty:
        return '<p class="muted">Không có văn bản nào được trích dẫn (no citation).</p>'
    rows = []
    for r in inst.itertuples(index=False):
        cited_by = ", ".join(_plan_link(d, plan_of.get(d, d), with_page)
                             for d in (r.doc_ids if r.doc_ids is not None else []) if d)
        corpus = _plan_link(r.corpus_doc_id, plan_of.get(r.corpus_doc_id, r.corpus_doc_id), with_page) \
            if isinstance(r.corpus_doc_id, str) else ""
        rows.append(f"<tr><td>{_e(r.type)}</td><td>{_e(r.number)}</td><td>{_e(r.name)}</td><td>{_e(r.date)}</td>"
                    f"<td>{_e(r.issuer)}</td><td>{_e(r.n_plans)}</td><td>{_e(r.n_mentions)}</td>"
                    f"<td>{cited_by}</td><td>{corpus}</td></tr>")
    return ('<div class="scroll"><table id="instrument-table"><thead><tr><th>Loại</th><th>Số hiệu</th><th>Tên</th>'
            "<th>Ngày</th><th>Cơ quan ban hành</th><th>Số kế hoạch</th><th>Số lần</th>"
            "<th>Được trích dẫn bởi (cited by)</th><th>Có trong kho (in corpus)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _links(con: duckdb.DuckDBPyConnection, plan_of: dict[str, str], with_page: set[str]) -> str:
    cit = con.execute("SELECT doc_id, cited_doc_id, relation, evidence FROM citations "
                      "WHERE cited_doc_id IS NOT NULL").df().astype(object)
    if cit.empty:
        return ('<p class="muted" id="plan-links">Không kế hoạch nào trong kho trích dẫn một kế hoạch khác '
                "trong kho (no plan of the corpus cites another plan of the corpus).</p>")
    items = [f"<li>{_plan_link(r.doc_id, plan_of.get(r.doc_id, r.doc_id), with_page)} → "
             f"{_plan_link(r.cited_doc_id, plan_of.get(r.cited_doc_id, r.cited_doc_id), with_page)} "
             f"<span class='muted'>({_e(r.relation)}: “{_e(r.evidence)}”)</span></li>"
             for r in cit.itertuples(index=False)]
    return f'<ul id="plan-links">{"".join(items)}</ul>'


def _targets(con: duckdb.DuckDBPyConnection) -> str:
    table = pivots.indicator_plan(con)
    if table.empty:
        return '<p class="muted">Chưa có chỉ tiêu nào (no target).</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in table.itertuples(index=False, name=None))
    return f'<div class="scroll"><table id="targets-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# --- plan pages ----------------------------------------------------------------------

_TOKEN = regex.compile(r"\S+")


def highlight_spans(record: dict) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every extracted value whose offsets fit the record's text."""
    text = record.get("text") or ""
    out = []
    for kind in KIND_COLOURS:
        for item in record.get(kind) or []:
            start, end = item.get("start"), item.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
                out.append((start, end, kind))
    return sorted(out)


@cache
def _span_renderer():
    """displaCy's span renderer and its options, built once: building one reads every installed
    package's entry points (colour plugins), which cost more than rendering a line."""
    from spacy.displacy import SpanRenderer
    from spacy.displacy.templates import TPL_SPAN, TPL_SPAN_SLICE, TPL_SPAN_START

    options = {"colors": {label: colour for label, colour in KIND_COLOURS.values()}, "spans_key": "sc",
               # displaCy's own templates, with a class on highlighted tokens so they can be found and styled
               "template": {"span": TPL_SPAN.replace("<span ", '<span class="hl" ', 1),
                            "slice": TPL_SPAN_SLICE, "start": TPL_SPAN_START}}
    return SpanRenderer(options=options), options


def render_text(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The plan's text line by line; lines holding a value go through displaCy's span renderer.

    The renderer is given what `displacy.parse_spans` would take from a spaCy
    Doc of the line (its tokens, each span's first and last token) without
    building the Doc: the same HTML as `displacy.render(doc, style="span")`
    (tests/test_exports.py checks it), at a fraction of the cost, which
    matters with hundreds of plan pages.
    """
    renderer, _options = _span_renderer()
    spans = sorted(spans)
    parts = []
    pos = 0
    upcoming = 0  # spans[upcoming:] start at or after the end of the lines seen so far
    active: list[tuple[int, int, str]] = []  # spans started before this line's end, in start order
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        while upcoming < len(spans) and spans[upcoming][0] < line_end:
            active.append(spans[upcoming])
            upcoming += 1
        active = [sp for sp in active if sp[1] > line_start]
        if not line.strip():
            continue
        if not active:
            parts.append(f'<div class="line">{html.escape(line)}</div>')
            continue
        inside = [(max(s, line_start) - line_start, min(e, line_end) - line_start, k) for s, e, k in active]
        cuts = sorted({c for s, e, _ in inside for c in (s, e)})
        tokens: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for m in _TOKEN.finditer(line):
            a, b = m.span()
            pieces = [a, *cuts[bisect_right(cuts, a):bisect_left(cuts, b)], b]  # the cuts strictly inside
            for x, y in zip(pieces, pieces[1:], strict=False):
                tokens.append(line[x:y])
                starts.append(x)
                ends.append(y)
        line_spans = []
        for s, e, kind in inside:
            first, last = bisect_left(starts, s), bisect_right(ends, e) - 1
            if first < len(tokens) and last >= first:
                line_spans.append({"start_token": first, "end_token": last + 1, "label": KIND_COLOURS[kind][0],
                                   "kb_id": "", "kb_url": "#"})
        parts.append(renderer.render_spans(tokens, line_spans, None).strip())
    return "".join(parts)


def _value_rows(record: dict) -> str:
    rows = []
    for kind, (label, colour) in KIND_COLOURS.items():
        for item in record.get(kind) or []:
            if kind == "citations":
                value = " ".join(str(v) for v in (item.get("type"), item.get("number") or item.get("name")) if v)
                value += f" · {item.get('relation')}" if item.get("relation") else ""
            elif kind == "agencies":
                value = f"{item.get('sector')}/{item.get('level')} · {item.get('role')}"
            elif kind == "deadlines":
                value = f"{item.get('kind')} {item.get('date') or item.get('year') or ''} ({item.get('recurrence')})"
            else:
                value = f"{item.get('indicator') or ''}: {pivots.format_target(item)}"
            rows.append(f'<tr><td style="background:{colour}">{_e(label)}</td><td>{_e(item.get("text"))}</td>'
                        f"<td>{_e(value)}</td><td>{_e(item.get('section'))}</td>"
                        f"<td>{_e(item.get('start'))}–{_e(item.get('end'))}</td></tr>")
    if not rows:
        return '<p class="muted">Chưa trích xuất được giá trị nào (nothing extracted yet).</p>'
    return ("<table class=\"values\"><thead><tr><th>Loại</th><th>Trích dẫn (evidence)</th><th>Giá trị</th>"
            f"<th>Mục</th><th>Vị trí</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span style="background:{colour}"><b>{_e(label)}</b> {_e(KIND_NAMES[kind])}</span>'
        for kind, (label, colour) in KIND_COLOURS.items()) + "</p>"


def plan_page(record: dict, plan: str) -> str:
    meta = record.get("metadata") or {}
    facts = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta.items() if v is not None)
    return (f'<article class="plan-page" id="plan-{_e(record["doc_id"])}"><h2>{_e(plan)}</h2>'
            f'<p><a href="#plans">↑ danh sách kế hoạch</a> · <span class="muted">{_e(record["doc_id"])} · '
            f'{_e(record.get("source"))}</span></p><table class="meta">{facts}</table>'
            f"{_legend()}<div class=\"plantext\">{render_text(record.get('text') or '', highlight_spans(record))}</div>"
            f"<h3>Giá trị trích xuất (extracted values)</h3>{_value_rows(record)}</article>")


def _plan_pages(records: Iterable[dict], plan_of: dict[str, str], with_page: set[str]) -> Iterator[str]:
    """One page per record of `with_page`, one at a time; stops reading once they are all done."""
    left = set(with_page)
    for record in records:
        if record["doc_id"] in left:
            left.discard(record["doc_id"])
            yield plan_page(record, plan_of.get(record["doc_id"], record["doc_id"]))
            if not left:
                return


def write_report(con: duckdb.DuckDBPyConnection, records_dir: Path, path: Path,
                 max_plan_pages: int = MAX_PLAN_PAGES) -> Path:
    """The report from the dataset's tables in `con` and the records (read again for the plan pages)."""
    plan_of = dict(con.execute("SELECT doc_id, plan FROM documents WHERE duplicate_of IS NULL").fetchall())
    plan_ids = {p: d for d, p in plan_of.items()}
    with_page = set(list(plan_of)[:max_plan_pages])
    omitted = len(plan_of) - len(with_page)
    note = (f'<p class="muted">{omitted} kế hoạch không có trang riêng: chỉ {max_plan_pages} kế hoạch đầu tiên '
            f"có trang (only the first {max_plan_pages} plans have a page, to keep this file small enough for "
            "a browser; every plan is in the tables above and in the dataset).</p>") if omitted > 0 else ""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        out.write('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  f"<title>So sánh kế hoạch bảo vệ trẻ em</title><style>{CSS}</style></head><body>")
        out.write('<header><h1>So sánh các kế hoạch bảo vệ trẻ em</h1><nav><a href="#heatmap">Chủ đề</a>'
                  '<a href="#instruments">Văn bản</a><a href="#targets">Chỉ tiêu</a><a href="#plans">Kế hoạch</a>'
                  "</nav></header><main>")
        out.write(f'<section id="heatmap"><h2>Kế hoạch × chủ đề (số nhiệm vụ)</h2>'
                  f"{_heatmap(con, plan_ids, with_page)}</section>")
        out.write(f'<section id="instruments"><h2>Văn bản được trích dẫn (instrument registry)</h2>'
                  f"{_instruments(con, plan_of, with_page)}<h3>Liên kết giữa các kế hoạch trong kho</h3>"
                  f"{_links(con, plan_of, with_page)}</section>")
        out.write(f'<section id="targets"><h2>Chỉ tiêu theo kế hoạch (targets side by side)</h2>'
                  f"{_targets(con)}</section>")
        out.write(f'<section id="plans"><h2>Kế hoạch ({len(plan_of)})</h2><ul>')
        for d, p in plan_of.items():
            out.write(f"<li>{_plan_link(d, p, with_page)} <span class='muted'>({_e(d)})</span></li>")
        out.write(f"</ul>{note}</section>")
        if with_page:
            for page in _plan_pages(iter_records(records_dir), plan_of, with_page):
                out.write(page)
        out.write("</main></body></html>")
    return path
