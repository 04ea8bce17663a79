"""Turn mentions into citations: resolve short forms, fill dates and issuers, key, relate.

Like eyecite's `resolve_citations`: a short form ("Chỉ thị số 28", "Quyết
định 06", an undated "Chỉ thị số 28-CT/TW") takes the number, date and
issuer of the full mention it stands for. Then each instrument gets one key
and one relation to the plan (`implements` when the front matter says the
plan carries it out, else `cites`).
"""

from __future__ import annotations

from functools import cache

import regex as re

from pipeline.document import Citation, Metadata, SectionTree
from pipeline.extraction.citations.find import type_words
from pipeline.extraction.citations.issuers import issuer_level, localize
from pipeline.extraction.citations.layout import body_start, own_numbers, reported_document
from pipeline.extraction.citations.models import Mention
from pipeline.extraction.citations.named import approved_decisions
from pipeline.extraction.citations.standalone import standalone_number
from pipeline.extraction.citations.symbols import issuer_of_codes, norm_number, symbol_key
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing.structure import document_header_at
from pipeline.textutils import fold, squash


def _cue_alternation(kind: str) -> str:
    """Relation cues of resources/instruments.yaml as one regex alternation (folded, longest first)."""
    words = sorted({fold(w) for w in load_yaml("instruments.yaml")["relation_cues"][kind]}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"[ \t\n]+") for w in words) + ")"


_IMPLEMENT_CUES = _cue_alternation("implements")
_CITE_CUES = _cue_alternation("cites")
# a title may put "về việc", "ban hành Kế hoạch" before the cue: "BAN HÀNH KẾ HOẠCH TRIỂN KHAI, THỰC HIỆN NGHỊ QUYẾT …"
_ABOUT = fold(load_yaml("instruments.yaml")["patterns"]["title_about"])
_CUE_LINE = re.compile(rf"\n(?=[ \t#*>|\-]*{_ABOUT}(?:{_IMPLEMENT_CUES}|{_CITE_CUES})(?![\w]))")
_CLAUSE_BREAK = re.compile(r";|\n[ \t]*\n|\.(?=\s)")
_LEAD = re.compile(rf"[\s#*>|\-_“\"]*{_ABOUT}(?:(?P<impl>{_IMPLEMENT_CUES})|(?P<cite>{_CITE_CUES}))(?![\w])")


@cache
def _kinds(name: str) -> frozenset[str]:
    """A list of types or codes of resources/instruments.yaml (`addressed_types`, ...)."""
    return frozenset(load_yaml("instruments.yaml")[name])


def _front_modes(folded: str, front_end: int) -> list[tuple[int, int, str | None]]:
    """Clauses of the front matter with the relation their leading cue gives.

    "Thực hiện A; B; Xét đề nghị … C" -> A, B implemented, C cited. A clause
    without a cue continues the sentence's mode; a full stop ends it.
    """
    cuts = {0, front_end}
    for m in _CLAUSE_BREAK.finditer(folded, 0, front_end):
        cuts.add(m.end())
    for m in _CUE_LINE.finditer(folded, 0, front_end):
        cuts.add(m.end())
    bounds = sorted(cuts)
    clauses: list[tuple[int, int, str | None]] = []
    mode: str | None = None
    for a, b in zip(bounds, bounds[1:], strict=False):
        lead = _LEAD.match(folded, a, b)
        if lead:
            mode = "implements" if lead.group("impl") else "cites"
        clauses.append((a, b, mode))
        if folded[a:b].rstrip().endswith(".") and not folded[a:b].rstrip().endswith("/."):
            mode = None
    return clauses


@cache
def _carry() -> tuple[re.Pattern, re.Pattern, int]:
    data = load_yaml("instruments.yaml")["relation_carry"]

    def alts(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    cue = re.compile(rf"(?<![\w]){_IMPLEMENT_CUES}(?:\s+(?:{alts(data['fillers'])}))*\s+$")
    own = re.compile(rf"(?<![\w])(?:{alts(data['own_verbs'])})\s+{type_words()[0].pattern}")
    return cue, own, int(data["within"])


_SEGMENT_BREAK = re.compile(r"[,;:]|\.(?=\s)|\n[ \t]*\n")


def _carried_out(folded: str, front_end: int, mentions: list[Mention]) -> set[int]:
    """Front-matter mentions the plan says it carries out inside a sentence: "UBND tỉnh xây dựng Kế
    hoạch triển khai thực hiện Quyết định số …", "UBND tỉnh vừa có văn bản về việc thực hiện …".

    Not when the clause names another instrument or "của …" before the cue: then the phrase
    describes that instrument ("Quyết định … của UBND tỉnh về việc triển khai thực hiện …").
    """
    out = set()
    describer = re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(w) for w in _describers())})(?![\w])")
    for m in mentions:
        if m.start >= front_end:
            continue
        cue_re, own_re, within = _carry()
        cue = cue_re.search(folded, max(0, m.start - 80), m.start)
        if cue is None:
            continue
        breaks = list(_SEGMENT_BREAK.finditer(folded, max(0, cue.start() - 300), cue.start()))
        seg_start = breaks[-1].end() if breaks else max(0, cue.start() - 300)
        own = [o for o in own_re.finditer(folded, seg_start, cue.start()) if cue.start() - o.end() <= within]
        if not own or any(seg_start <= x.start < cue.start() for x in mentions) \
                or describer.search(folded, seg_start, cue.start()):
            continue
        out.add(m.start)
    return out


@cache
def _describers() -> tuple[str, ...]:
    return tuple(fold(w) for w in load_yaml("instruments.yaml")["relation_carry"]["description_words"])


def _relation(pos: int, clauses: list[tuple[int, int, str | None]]) -> str:
    for a, b, mode in clauses:
        if a <= pos < b:
            return mode or "cites"
    return "cites"


def _same_instrument(a: Mention, b: Mention) -> bool:
    return norm_number(a.number or "") == norm_number(b.number or "") and a.number is not None


def _inherit_dates(numbered: list[Mention]) -> None:
    """An undated mention of a number takes the date of the dated mention nearest before it (else after)."""
    for m in numbered:
        if m.date is not None or (m.year is not None and m.symbol and m.symbol.year is None):
            continue
        same = [o for o in numbered if o is not m and o.date and _same_instrument(o, m)]
        if m.symbol and m.symbol.year is not None:
            same = [o for o in same if o.year == m.symbol.year] or same
        if not same:
            continue
        before = [o for o in same if o.start < m.start]
        src = before[-1] if before else same[0]
        m.date, m.year = src.date, src.year
        m.issuer = m.issuer or src.issuer
        m.inherited = True


def _resolve_short(short: Mention, numbered: list[Mention]) -> Mention | None:
    """The full mention a short form stands for: same type, same leading number, nearest before."""
    lead = int(short.lead or -1)
    cands = [m for m in numbered if m.symbol and int(m.symbol.lead) == lead
             and (m.type == short.type or short.type is None)]
    if not cands:
        return None
    before = [m for m in cands if m.start < short.start]
    return before[-1] if before else cands[0]


_SENTENCE_END = re.compile(r"[.:](?=\s)|\n[ \t]*\n")


def _front_end(text: str, folded: str, tree: SectionTree) -> int:
    """End of the front matter; in a summary, the sentence (up to a colon) that reports the document.

    A summary has no sections: what it says after the reported document
    ("… tập trung vào các nội dung sau: tiếp tục triển khai Luật Trẻ em …")
    is the document's content, not what it was issued to carry out.
    """
    end = body_start(folded, tree)
    if tree.sections or document_header_at(folded) is not None:
        return end  # a text with its own header is the document, not a summary of it
    reported = reported_document(text, folded)
    if reported is not None:
        stop = _SENTENCE_END.search(folded, reported[1])
        end = min(end, stop.end() if stop else len(folded))
    return end


def _sources(mentions: list[Mention], numbered: list[Mention], is_own, folded: str) -> list[tuple[Mention, Mention, bool]]:
    """(mention, the instrument it stands for, short_form) of every mention that is a citation."""
    by_number = {norm_number(m.number): m for m in numbered if m.number}
    approved = None
    out: list[tuple[Mention, Mention, bool]] = []
    for m in mentions:
        if m.kind in ("full", "bare"):
            if not is_own(m):
                out.append((m, m, m.inherited))
        elif m.kind == "short":
            src = _resolve_short(m, numbered)
            if src is None:
                approved = approved if approved is not None else approved_decisions(folded)
                src = standalone_number(m, approved)
            if src is not None:
                out.append((m, src, src is not m))
        elif m.law_number and norm_number(m.law_number) in by_number:
            # "Luật số 102/2016/QH13 … Luật Trẻ em": the named law is the numbered one
            out.append((m, by_number[norm_number(m.law_number)], True))
        else:
            out.append((m, m, False))
    return out


def resolve(mentions: list[Mention], text: str, tree: SectionTree, meta: Metadata) -> list[Citation]:
    """Citations (one per mention) from raw mentions; own number dropped, short forms resolved."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = text
    own = own_numbers(text, folded, meta)
    own_year = int(meta.issue_date[:4]) if meta.issue_date else None

    def is_own(m: Mention) -> bool:
        if m.number is None or norm_number(m.number) not in own:
            return False
        year = m.year or (m.symbol.year if m.symbol else None)
        return year is None or own_year is None or year == own_year

    numbered = [m for m in mentions if m.kind in ("full", "bare") and not is_own(m)]
    _inherit_dates(numbered)

    resolved = _sources(mentions, numbered, is_own, folded)

    # issuers: the mention's own, else one written at another mention of the same instrument, else the code's
    issuers: dict[str, str] = {}
    for _, src, _ in resolved:
        if src.issuer:
            issuers.setdefault(_key(src), src.issuer)

    front_end = _front_end(text, folded, tree)
    clauses = _front_modes(folded, front_end)
    carried = _carried_out(folded, front_end, mentions)
    relations: dict[str, str] = {}
    out: list[Citation] = []
    for m, src, short in resolved:
        key = _key(src)
        issuer = src.issuer or issuers.get(key)
        level = None
        if issuer:
            issuer = localize(issuer, meta.province, meta.locality, meta.admin_level)
            level = issuer_level(issuer, meta.admin_level)
        if src.symbol is not None:
            code_issuer, code_level = issuer_of_codes(src.symbol.issuer_codes)
            # a Tờ trình goes up to the body its code names; it is not issued by it
            addressed = src.type in _kinds("addressed_types")
            if issuer is None and code_issuer not in (None, *_kinds("generic_issuer_codes")) and not addressed:
                issuer = code_issuer
            level = level or (code_level if not addressed else None)
        elif src.kind == "named":
            level = "central" if src.type in _kinds("central_named_types") else level
        relation = "implements" if src.start in carried or m.start in carried else _relation(m.start, clauses)
        if relation == "implements":
            relations[key] = "implements"
        out.append(Citation(
            type=src.type, number=src.number, name=src.name or m.name, date=src.date, issuer=issuer,
            relation=relation, text=text[m.start:m.end], start=m.start, end=m.end,
            section=tree.section_at(m.start), issuer_level=level, key=key, short_form=short,
        ))
    for c in out:  # the plan carries an instrument out, wherever it is mentioned
        if relations.get(c.key or "") == "implements":
            c.relation = "implements"
    return out


def _key(m: Mention) -> str:
    """Stable registry key: symbol (+ year when the symbol has none); named laws by number or name."""
    if m.symbol is not None:
        return symbol_key(m.symbol.number, m.symbol.year or m.year)
    if m.plain_number:  # "Chỉ thị số 06 của Chủ tịch UBND tỉnh": its type, number and year
        return symbol_key(f"{fold(m.type or '')} {m.plain_number}", m.year)
    if m.law_number:
        return norm_number(m.law_number)
    return fold(squash(m.registry_name or m.name or ""))
