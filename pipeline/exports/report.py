"""The HTML report: one self-contained file (no script, font or image from outside) that opens fast.

Three parts, in Vietnamese:

- an overview: plans by province, level and year; themes by province (the
  share of a province's tasks on each theme); the most-cited instruments;
  deadlines by month;
- the list of plans, filterable (text, province, level, year) by a few lines
  of inline script;
- each plan's evidence, on demand: every extracted value beside the sentence
  it comes from, the value highlighted. A plan's evidence is a JSON block in
  the page (gzip, base64: a sixth of its size), unpacked by the browser's
  own DecompressionStream and drawn only when asked for, so the page itself
  holds one table row per plan: at 1,000 plans it opens as fast as at ten.

Nothing shown is a raw id, a `NaT`, `nan`, `None`, a midnight time or a
markdown marker: dates read 30/5/2024, missing values are blank, labels come
from resources/labels.yaml and the texts from resources/report.yaml. The file
is written piece by piece (the records are read again one at a time).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import html
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import regex

from pipeline.exports import pivots
from pipeline.exports.files import atomic_path, iter_records
from pipeline.exports.labels import agency_label, label, theme_label
from pipeline.knowledge.indicators import get_indicator, normalize_indicator
from pipeline.knowledge.loader import load_yaml

KINDS = ("tasks", "citations", "agencies", "deadlines", "targets")  # the evidence of a plan, in this order
MAX_ITEMS = 80  # per kind and plan in the report; the dataset files hold every one
CONTEXT = 70  # characters of the sentence shown on each side of a value
TASK_CHARS = 240  # a task's text is cut there in the report
TOP_INSTRUMENTS = 25

_MARKDOWN = regex.compile(r"(?m)\*\*|__|^\s*#{1,6}\s+|`")
_SPACES = regex.compile(r"\s+")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#222}
header{background:#1f4e79;color:#fff;padding:10px 24px}
header h1{margin:0 0 4px;font-size:22px}
header a{color:#fff;margin-right:16px}
main{padding:8px 24px 48px}
h2{border-bottom:2px solid #1f4e79;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#ddebf7}
td.n{text-align:right}
.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.scroll{overflow:auto;max-height:70vh}
.bar{display:inline-block;height:10px;background:#5b9bd5;vertical-align:middle;margin-left:6px}
table.heat td{text-align:center;min-width:3.2em}
table.heat th.theme{writing-mode:vertical-rl;transform:rotate(180deg);max-height:14em;font-weight:normal}
.filters{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.filters input{min-width:22em;padding:4px}
#plan-table tbody tr:hover{background:#f3f8fd}
#evidence{border:2px solid #1f4e79;padding:8px 16px;margin-top:16px;background:#fcfcfc}
mark{background:#feca74;padding:0 2px}
.muted{color:#777}
button{cursor:pointer}
"""

SCRIPT = """
(function(){
const ui=JSON.parse(document.getElementById('ui').textContent);
const rows=[...document.querySelectorAll('#plan-table tbody tr')];
const q=document.getElementById('plan-filter'),fp=document.getElementById('f-province'),
      fl=document.getElementById('f-level'),fy=document.getElementById('f-year'),
      count=document.getElementById('plan-count');
function filter(){
  const words=q.value.toLowerCase().normalize('NFC').split(/\\s+/).filter(Boolean);let shown=0;
  for(const r of rows){
    const ok=(!fp.value||r.dataset.province===fp.value)&&(!fl.value||r.dataset.level===fl.value)&&
             (!fy.value||r.dataset.year===fy.value)&&words.every(w=>r.dataset.text.includes(w));
    r.hidden=!ok;if(ok)shown++;
  }
  count.textContent=ui.shown.replace('{shown}',shown).replace('{total}',rows.length);
}
[q,fp,fl,fy].forEach(el=>el.addEventListener('input',filter));filter();
function el(tag,text,cls){const e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e;}
function table(head,body){const t=el('table');const tr=el('tr');head.forEach(h=>tr.appendChild(el('th',h)));
  const th=el('thead');th.appendChild(tr);t.appendChild(th);const tb=el('tbody');body.forEach(r=>tb.appendChild(r));
  t.appendChild(tb);return t;}
async function evidenceOf(i){
  const block=document.getElementById('ev-'+i);if(!block)return null;
  const bytes=Uint8Array.from(atob(block.textContent.trim()),c=>c.charCodeAt(0));
  const text=await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  return JSON.parse(text);
}
async function show(i){
  const ev=await evidenceOf(i);if(!ev)return;
  const box=document.getElementById('evidence'),body=document.getElementById('ev-body');
  document.getElementById('ev-title').textContent=ev.plan;body.replaceChildren();
  body.appendChild(el('h3',ui.facts));
  body.appendChild(table([],ev.facts.map(f=>{const tr=el('tr');tr.appendChild(el('th',f[0]));tr.appendChild(el('td',f[1]));return tr;})));
  for(const kind of ui.kinds){
    const items=ev.items[kind[0]]||[];body.appendChild(el('h3',kind[1]+' ('+(items.length+(ev.more[kind[0]]||0))+')'));
    if(!items.length){body.appendChild(el('p',ui.none,'muted'));continue;}
    body.appendChild(table([ui.value,ui.source,ui.section],items.map(it=>{
      const tr=el('tr',null,'ev-item');tr.appendChild(el('td',it[0]));const td=el('td');
      td.appendChild(document.createTextNode(it[1]));td.appendChild(el('mark',it[2]));
      td.appendChild(document.createTextNode(it[3]));tr.appendChild(td);tr.appendChild(el('td',it[4]));return tr;})));
    if(ev.more[kind[0]])body.appendChild(el('p',ui.more.replace('{n}',ev.more[kind[0]]),'muted'));
  }
  box.hidden=false;box.dataset.doc=ev.doc_id;
  if(location.hash!=='#plan='+ev.doc_id)history.replaceState(null,'','#plan='+encodeURIComponent(ev.doc_id));
  box.scrollIntoView();
}
document.getElementById('plan-table').addEventListener('click',e=>{const b=e.target.closest('button[data-i]');if(b)show(b.dataset.i);});
document.getElementById('ev-close').addEventListener('click',()=>{document.getElementById('evidence').hidden=true;});
const m=location.hash.match(/^#plan=(.+)$/);
if(m){const r=rows.find(r=>r.dataset.doc===decodeURIComponent(m[1]));if(r)show(r.dataset.i);}
})();
"""


# --- how values are shown -----------------------------------------------------------------------

def shown(value: Any) -> str:
    """A value as a person reads it: blank when missing (None, NaN, NaT, NA), dates 30/5/2024."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else (f"{value:g}".replace(".", ","))
    if isinstance(value, dt.datetime | dt.date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return "; ".join(s for s in (shown(v) for v in value) if s)
    return plain(str(value))


def format_date(value: Any) -> str:
    """'2024-05-30' or a date -> '30/5/2024' (no leading zeros, no time); anything else -> ''."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return ""
    if not isinstance(value, dt.date):
        return ""
    return f"{value.day}/{value.month}/{value.year}"


def format_partial_date(year: Any, month: Any = None, day: Any = None) -> str:
    """A deadline's date as far as it is known: 30/5/2024, 5/2024 or 2024."""
    def known(v: Any) -> bool:
        return isinstance(v, int | float) and not pd.isna(v)

    if not known(year):
        return ""
    if known(month) and known(day):
        return f"{int(day)}/{int(month)}/{int(year)}"
    return f"{int(month)}/{int(year)}" if known(month) else str(int(year))


def plain(text: str) -> str:
    """Text without markdown markers (**bold**, ## headings, backticks), white space collapsed."""
    return _SPACES.sub(" ", _MARKDOWN.sub("", text)).strip()


def _e(value: Any) -> str:
    return html.escape(shown(value))


def packed(data: Any) -> str:
    """JSON, gzipped (no time stamp: the same bytes every run) and base64-encoded: what a plan's block holds."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpacked(block: str) -> Any:
    """The data of a `packed` block (for tests and scripts reading the report)."""
    return json.loads(gzip.decompress(base64.b64decode(block)).decode("utf-8"))


def _json_block(data: Any) -> str:
    """JSON safe inside a <script> element: every '<' escaped, so no '</script>' or '<!--' can end it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


# --- the overview ----------------------------------------------------------------------------------

def _count_table(texts: dict, head: list[str], rows: list[tuple], table_id: str) -> str:
    if not rows:
        return f'<p class="muted">{html.escape(texts["overview"]["none_yet"])}</p>'
    top = max((r[-1] for r in rows), default=1) or 1
    unknown = html.escape(texts["overview"]["unknown"])
    body = "".join("<tr>" + "".join(f"<td>{_e(v) or (unknown if j == 0 else '')}</td>" for j, v in enumerate(r[:-1]))
                   + f'<td class="n">{r[-1]}<span class="bar" style="width:{int(80 * r[-1] / top)}px"></span></td>'
                   + "</tr>" for r in rows)
    return (f'<table id="{table_id}"><thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _plans_by(con: duckdb.DuckDBPyConnection, texts: dict) -> str:
    o = texts["overview"]
    province = con.execute("""SELECT province, any_value(province_2025), count(*) FROM documents
                              WHERE duplicate_of IS NULL GROUP BY province ORDER BY count(*) DESC, province""").fetchall()
    level = con.execute("""SELECT admin_level_label, count(*) FROM documents WHERE duplicate_of IS NULL
                           GROUP BY admin_level_label ORDER BY count(*) DESC""").fetchall()
    year = con.execute("""SELECT year, count(*) FROM documents WHERE duplicate_of IS NULL
                          GROUP BY year ORDER BY year NULLS LAST""").fetchall()
    return ('<div class="grid">'
            f'<div><h3>{html.escape(o["by_province"])}</h3><div class="scroll">'
            f'{_count_table(texts, [o["province"], o["province_2025"], o["n_plans"]], province, "plans-by-province")}'
            f'</div></div><div><h3>{html.escape(o["by_level"])}</h3>'
            f'{_count_table(texts, [o["level"], o["n_plans"]], level, "plans-by-level")}</div>'
            f'<div><h3>{html.escape(o["by_year"])}</h3>'
            f'{_count_table(texts, [o["year"], o["n_plans"]], year, "plans-by-year")}</div></div>')


def _themes_by_province(con: duckdb.DuckDBPyConnection, texts: dict) -> str:
    o = texts["overview"]
    long = pivots.plan_theme_long(con)
    if long.empty:
        return f'<p class="muted">{html.escape(o["none_yet"])}</p>'
    long["province"] = long["province"].fillna(o["unknown"])
    per = long.groupby(["province", "theme"], sort=False).agg(n=("n_tasks", "sum"),
                                                               share=("share_of_province", "first"))
    themes = list(long.groupby("theme")["n_tasks"].sum().sort_values(ascending=False, kind="stable").index)
    provinces = list(long.groupby("province")["n_tasks"].sum().sort_values(ascending=False, kind="stable").index)
    head = "".join(f'<th class="theme" title="{html.escape(t)}">{html.escape(theme_label(t))}</th>' for t in themes)
    rows = []
    for province in provinces:
        cells = []
        for theme in themes:
            n, share = per["n"].get((province, theme), 0), per["share"].get((province, theme))
            if not n:
                cells.append("<td></td>")
                continue
            pct = 0.0 if share is None or pd.isna(share) else float(share)
            light = 100 - int(55 * min(pct * 3, 1.0))
            colour = "#fff" if light < 62 else "#222"
            cells.append(f'<td title="{html.escape(province)} · {html.escape(theme_label(theme))}: {int(n)}" '
                         f'style="background:hsl(210,65%,{light}%);color:{colour}">{round(100 * pct)}%</td>')
        rows.append(f"<tr><th>{html.escape(province)}</th>{''.join(cells)}</tr>")
    return (f'<p class="muted">{html.escape(o["themes_note"])}</p><div class="scroll"><table class="heat" '
            f'id="themes-by-province"><thead><tr><th>{html.escape(o["province"])}</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _top_instruments(con: duckdb.DuckDBPyConnection, texts: dict) -> str:
    o = texts["overview"]
    rows = con.execute(f"""SELECT coalesce(number, name, key), type, CASE WHEN number IS NOT NULL THEN name END,
                                  n_mentions, n_plans
                           FROM instruments ORDER BY n_plans DESC, n_mentions DESC, key
                           LIMIT {TOP_INSTRUMENTS}""").fetchall()
    return _count_table(texts, [o["instrument"], o["type"], o["name"], o["n_mentions"], o["n_plans"]], rows,
                        "top-instruments")


def _deadlines_by_month(con: duckdb.DuckDBPyConnection, texts: dict) -> str:
    o = texts["overview"]
    rows = con.execute("""SELECT d.year, d.month, count(DISTINCT d.doc_id), count(*) FROM deadlines d
                          JOIN documents p ON p.doc_id = d.doc_id AND p.duplicate_of IS NULL
                          WHERE d.year IS NOT NULL AND d.month IS NOT NULL
                          GROUP BY d.year, d.month ORDER BY d.year, d.month""").fetchall()
    shown_rows = [(f"{month}/{year}", n_plans, n) for year, month, n_plans, n in rows]
    return _count_table(texts, [o["month"], o["n_plans"], o["n_deadlines"]], shown_rows, "deadlines-by-month")


def _overview(con: duckdb.DuckDBPyConnection, texts: dict) -> str:
    o = texts["overview"]
    plans, copies, tasks, citations, targets, deadlines = con.execute("""
        SELECT count(*) FILTER (WHERE duplicate_of IS NULL), count(*) FILTER (WHERE duplicate_of IS NOT NULL),
               (SELECT count(*) FROM tasks), (SELECT count(*) FROM citations), (SELECT count(*) FROM targets),
               (SELECT count(*) FROM deadlines)
        FROM documents""").fetchone()
    counts = o["counts"].format(plans=plans, tasks=tasks, citations=citations, targets=targets, deadlines=deadlines)
    note = f" {o['copies'].format(n=copies)}" if copies else ""
    return (f'<section id="overview"><h2>{html.escape(o["heading"])}</h2><p id="counts">{html.escape(counts + note)}'
            f"</p>{_plans_by(con, texts)}<h3>{html.escape(o['themes_by_province'])}</h3>"
            f"{_themes_by_province(con, texts)}<h3>{html.escape(o['top_instruments'])}</h3>"
            f"{_top_instruments(con, texts)}<h3>{html.escape(o['deadlines_by_month'])}</h3>"
            f"{_deadlines_by_month(con, texts)}</section>")


# --- the plan list -------------------------------------------------------------------------------

PLAN_LIST = """SELECT doc_id, plan, province, admin_level_label, year, number, issue_date, n_tasks, n_citations,
                      n_targets, issuer, title
               FROM documents WHERE duplicate_of IS NULL ORDER BY province NULLS LAST, year NULLS LAST, plan"""


def _options(values: Iterable[Any], everything: str) -> str:
    distinct = sorted({shown(v) for v in values} - {""}, key=lambda v: (len(v) if v.isdigit() else 0, v))
    return f'<option value="">{html.escape(everything)}</option>' + "".join(
        f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in distinct)


def _plan_list(plans: list[tuple], texts: dict) -> str:
    t = texts["plans"]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t["columns"])
    rows = []
    for i, (doc_id, plan, province, level, year, number, issued, n_tasks, n_cit, n_tar, issuer, title) in \
            enumerate(plans):
        haystack = " ".join(shown(v) for v in (plan, number, issuer, title, doc_id)).lower()
        rows.append(
            f'<tr data-i="{i}" data-doc="{html.escape(doc_id)}" data-province="{_e(province)}" '
            f'data-level="{_e(level)}" data-year="{_e(year)}" data-text="{html.escape(haystack)}">'
            f"<td>{_e(plan)}</td><td>{_e(province)}</td><td>{_e(level)}</td><td>{_e(year)}</td>"
            f"<td>{_e(number)}</td><td>{_e(issued)}</td><td class=\"n\">{_e(n_tasks)}</td>"
            f'<td class="n">{_e(n_cit)}</td><td class="n">{_e(n_tar)}</td>'
            f'<td><button type="button" data-i="{i}">{html.escape(t["show"])}</button></td></tr>')
    filters = (f'<div class="filters"><input id="plan-filter" type="search" placeholder="{html.escape(t["filter"])}">'
               f'<select id="f-province">{_options((p[2] for p in plans), t["all_provinces"])}</select>'
               f'<select id="f-level">{_options((p[3] for p in plans), t["all_levels"])}</select>'
               f'<select id="f-year">{_options((p[4] for p in plans), t["all_years"])}</select></div>')
    return (f'<section id="plans"><h2>{html.escape(t["heading"])} ({len(plans)})</h2>{filters}'
            f'<p id="plan-count" class="muted"></p><p class="muted">{html.escape(texts["evidence"]["hint"])}</p>'
            f'<div class="scroll"><table id="plan-table"><thead><tr>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>")


# --- a plan's evidence -----------------------------------------------------------------------------

EVIDENCE_WORDS = 3  # words shown after each tag of a task


def _in_context(text: str, start: Any, end: Any, fallback: str) -> list[str]:
    """[before, value, after] of a value in its sentence (CONTEXT characters each side, cut at spaces)."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return ["", plain(fallback or ""), ""]
    a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while a > 0 and not text[a - 1].isspace() and start - a < CONTEXT + 20:
        a -= 1
    while b < len(text) and not text[b].isspace() and b - end < CONTEXT + 20:
        b += 1
    before, after = plain(text[a:start]), plain(text[end:b])
    return [("… " if a > 0 else "") + before + (" " if text[start - 1:start].isspace() and before else ""),
            plain(text[start:end]), (" " if text[end:end + 1].isspace() and after else "") + after
            + (" …" if b < len(text) else "")]


def _theme_with_evidence(theme: str, evidence: list[str]) -> str:
    """"Phòng, chống đuối nước (đuối nước, dạy bơi)": a tag and what in the plan gave it (its cue words,
    a heading or instrument above the task), so a reader can judge it. The model's own n-grams are left
    to the record: out of context they read as noise."""
    words = [e.split(": ", 1)[1] for e in evidence if ": " in e and not e.startswith("word:")][:EVIDENCE_WORDS]
    return f"{theme_label(theme)} ({', '.join(words)})" if words else theme_label(theme)


def _value_of(kind: str, item: dict) -> str:
    if kind == "tasks":
        evidence = item.get("tag_evidence") or {}
        return "; ".join(_theme_with_evidence(t, evidence.get(f"themes:{t}") or []) for t in item.get("themes") or [])
    if kind == "citations":
        ref = plain(str(item.get("number") or item.get("name") or ""))
        kind_word = plain(str(item.get("type") or ""))
        what = ref if not kind_word or ref.lower().startswith(kind_word.lower()) else f"{kind_word} {ref}".strip()
        return f"{what} · {label('relations', item.get('relation'))}" if item.get("relation") else what
    if kind == "agencies":
        agency = agency_label(f"{item.get('sector')}/{item['level']}" if item.get("level") else item.get("sector"))
        return f"{agency} · {label('roles', item.get('role')) or ''}".strip(" ·")
    if kind == "deadlines":
        when = format_date(item.get("date")) or format_partial_date(item.get("year"), item.get("month"),
                                                                    item.get("day"))
        parts = [label("deadline_kinds", item.get("kind")), when, label("recurrences", item.get("recurrence"))]
        return " · ".join(p for p in parts if p) + (f": {plain(item['what'])}" if item.get("what") else "")
    indicator = get_indicator(item.get("indicator_id") or normalize_indicator(item.get("indicator"), item.get("text")))
    name = indicator.label if indicator else plain(item.get("indicator") or "")
    return f"{name}: {pivots.format_target(item)}".strip(": ")


def _facts(record: dict, texts: dict) -> list[list[str]]:
    meta = dict(record.get("metadata") or {})
    meta["level"] = label("levels", meta.get("admin_level"))
    meta["issue_date"] = format_date(meta.get("issue_date"))
    meta["source"] = record.get("source")
    return [[name, shown(meta.get(key))] for key, name in texts["facts"].items() if shown(meta.get(key))]


def plan_evidence(record: dict, plan: str, texts: dict) -> dict:
    """What the report shows of one plan when asked: its facts and each value beside its sentence."""
    text = record.get("text") or ""
    items: dict[str, list[list[str]]] = {}
    more: dict[str, int] = {}
    for kind in KINDS:
        found = [i for i in record.get(kind) or [] if kind != "tasks" or i.get("themes")]
        rows = []
        for item in found[:MAX_ITEMS]:
            if kind == "tasks":
                task = plain(item.get("text") or "")
                context = ["", task if len(task) <= TASK_CHARS else task[:TASK_CHARS].rsplit(" ", 1)[0] + " …", ""]
            else:
                context = _in_context(text, item.get("start"), item.get("end"), item.get("text") or "")
            rows.append([_value_of(kind, item), *context, shown(item.get("section") or item.get("id"))])
        items[kind] = rows
        if len(found) > MAX_ITEMS:
            more[kind] = len(found) - MAX_ITEMS
    return {"doc_id": record["doc_id"], "plan": plan, "facts": _facts(record, texts), "items": items, "more": more}


def _evidence_blocks(records: Iterable[dict], index: dict[str, int], plan_of: dict[str, str],
                     texts: dict) -> Iterable[str]:
    for record in records:
        i = index.get(record["doc_id"])
        if i is not None:
            yield (f'<script type="application/gzip+base64" id="ev-{i}">'
                   f"{packed(plan_evidence(record, plan_of[record['doc_id']], texts))}</script>")


def _ui(texts: dict) -> dict:
    e = texts["evidence"]
    return {"shown": texts["plans"]["shown"], "facts": e["facts"], "value": e["value"], "source": e["source"],
            "section": e["section"], "none": e["none"], "more": e["more"], "kinds": [[k, e["kinds"][k]] for k in KINDS]}


def write_report(con: duckdb.DuckDBPyConnection, records_dir: Path, path: Path) -> Path:
    """The report from the dataset's tables in `con` and the records (read again for the evidence)."""
    texts = load_yaml("report.yaml")
    plans = con.execute(PLAN_LIST).fetchall()
    index = {p[0]: i for i, p in enumerate(plans)}
    plan_of = {p[0]: shown(p[1]) for p in plans}
    nav = texts["nav"]
    e = texts["evidence"]
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", errors="backslashreplace") as out:
        out.write('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  f"<title>{html.escape(texts['title'])}</title><style>{CSS}</style></head><body>"
                  f"<header><h1>{html.escape(texts['title'])}</h1><nav><a href=\"#overview\">"
                  f"{html.escape(nav['overview'])}</a><a href=\"#plans\">{html.escape(nav['plans'])}</a></nav>"
                  "</header><main>")
        out.write(_overview(con, texts))
        out.write(_plan_list(plans, texts))
        out.write(f'<section id="evidence" hidden><button type="button" id="ev-close">{html.escape(e["close"])}'
                  f'</button><h2 id="ev-title"></h2><div id="ev-body"></div></section></main>')
        out.write(f'<script type="application/json" id="ui">{_json_block(_ui(texts))}</script>')
        if index:
            for block in _evidence_blocks(iter_records(records_dir), index, plan_of, texts):
                out.write(block)
        out.write(f"<script>{SCRIPT}</script></body></html>")
    return path
