"""Read a plan file into a `RawDocument` (.txt/.md, .pdf, .docx), chosen by content.

The format is sniffed from the first bytes (a mislabelled file still reads):
"%PDF" is a PDF, a zip holding word/document.xml is a DOCX, anything else
must be text. Every way a file can be unusable raises `UnreadableFile` with
one line saying what is wrong and what to do, so a batch over thousands of
files lists them in errors.csv instead of stopping or hanging.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

from pipeline.document import RawDocument
from pipeline.errors import UnreadableFile
from pipeline.knowledge.loader import load_yaml

SUPPORTED_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".odt", ".rtf", ".html", ".htm"}

# Limits that keep one hostile file from eating the machine.
MAX_TEXT_BYTES = 50 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024  # all parts together
MAX_DOCX_RATIO = 200  # uncompressed / compressed size of one part

_OTHER_FORMATS = [  # (magic bytes, what it is, what to do)
    (b"\x89PNG", "a PNG image", "run OCR on it (e.g. ocrmypdf) and give the PDF"),
    (b"\xff\xd8\xff", "a JPEG image", "run OCR on it (e.g. ocrmypdf) and give the PDF"),
    (b"GIF8", "a GIF image", "run OCR on it and give the text"),
    (b"II*\x00", "a TIFF image", "run OCR on it (e.g. ocrmypdf) and give the PDF"),
    (b"MM\x00*", "a TIFF image", "run OCR on it (e.g. ocrmypdf) and give the PDF"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
    (b"Rar!", "a RAR archive", "unpack it first"),
    (b"7z\xbc\xaf", "a 7-zip archive", "unpack it first"),
]


def read(path: str | Path) -> RawDocument:
    """Read one plan file; raise `UnreadableFile` when it cannot give text."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise UnreadableFile(f"cannot open the file: {e.strerror or e}", "check the path and permissions") from e
    if size == 0:
        raise UnreadableFile("the file is empty (0 bytes)", "check the download or export")
    with open(p, "rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF") or (b"%PDF" in _peek(p, 1024)):
        return _read_pdf_or_text(p, size)
    if head.startswith(b"PK"):
        return read_odt(p) if _is_odt(p) else read_docx(p)
    office = _office_kind(head, p.suffix.lower())
    if office:
        from pipeline.reading.office import read_office

        return read_office(p, office)
    for magic, what, hint in _OTHER_FORMATS:
        if head.startswith(magic):
            raise UnreadableFile(f"the file is {what}, not a plan text, PDF or .docx", hint)
    if _is_web_page(p):
        from pipeline.reading.webpage import read_html

        return read_html(p)
    if size > MAX_TEXT_BYTES:
        raise UnreadableFile(f"the text file is too large ({size // 2**20} MB)", "split it into one file per plan")
    fmt = "md" if p.suffix.lower() == ".md" else "txt"
    text, warnings = decode_text(p.read_bytes())
    return RawDocument(source=str(path), format=fmt, text=text, pages=1, warnings=warnings)


_OLE = b"\xd0\xcf\x11\xe0"
_NOT_WORD_OLE = {".xls": "an Excel .xls workbook", ".ppt": "a PowerPoint .ppt file", ".msg": "an Outlook .msg message"}


def _read_pdf_or_text(p: Path, size: int) -> RawDocument:
    """A file that says "%PDF" is a PDF, unless no PDF reader can open it and it is plain text
    (a plan that begins with those letters, or quotes a PDF header): then it is read as text."""
    try:
        return read_pdf(p)
    except UnreadableFile as e:
        if not e.reason.startswith("the PDF is damaged") or size > MAX_TEXT_BYTES:
            raise
        data = p.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise e from None  # binary: a damaged PDF indeed
        text, warnings = decode_text(data)
        fmt = "md" if p.suffix.lower() == ".md" else "txt"
        return RawDocument(source=str(p), format=fmt, text=text, pages=1,
                           warnings=[*warnings, "the file starts like a PDF (%PDF) but is plain text: read as text"])


def _office_kind(head: bytes, suffix: str) -> str | None:
    """The kind ("doc", "rtf") of a file LibreOffice converts; an OLE file named .xls/.ppt/.msg is not a plan."""
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(_OLE):
        if suffix in _NOT_WORD_OLE:
            raise UnreadableFile(f"the file is {_NOT_WORD_OLE[suffix]}, not a plan text, PDF or Word file",
                                 "give the plan itself as .docx, .doc, .pdf or .txt")
        return "doc"
    return None


def _is_odt(p: Path) -> bool:
    """An OpenDocument text (.odt): a zip whose first entry, `mimetype`, says so."""
    try:
        with zipfile.ZipFile(p) as z:
            return ("mimetype" in z.namelist() and z.getinfo("mimetype").file_size < 100
                    and z.read("mimetype").startswith(b"application/vnd.oasis.opendocument.text"))
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def read_odt(p: Path) -> RawDocument:
    from pipeline.reading.office import read_office

    return read_office(p, "odt")


def _is_web_page(p: Path) -> bool:
    """HTML by its first bytes, or a .htm/.html file whose first bytes are a tag."""
    from pipeline.reading.webpage import looks_like_html

    head = _peek(p, 1024)
    return looks_like_html(head) or (p.suffix.lower() in (".htm", ".html") and head.lstrip()[:1] == b"<")


def _peek(p: Path, n: int) -> bytes:
    with open(p, "rb") as f:
        return f.read(n)


# ---------------------------------------------------------------- text

def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16, Windows-1258, TCVN3 or VNI."""
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif _looks_utf16(data):
        text = data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    else:
        if b"\x00" in data[:4096]:
            raise UnreadableFile("the file holds binary data, not text", "give the plan as .txt, .pdf or .docx")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text, enc = _best_8bit(data)
            warnings.append(f"decoded as {enc}")
            return _check_text(text), warnings
    if not text.strip():
        raise UnreadableFile("the file holds only blank space", "check the download or export")
    undone = undo_double_encoding(text)
    if undone is not None:
        text = undone
        warnings.append("converted from UTF-8 that had been read as Windows-1252/Latin-1 (double-encoded) "
                        "back to Unicode")
    legacy = _legacy_convert(text)
    if legacy:
        text, enc = legacy
        warnings.append(f"converted from the {enc} font encoding to Unicode")
    elif _legacy_share(text) > 0.03:
        raise UnreadableFile("the text is in an old Vietnamese font encoding that could not be converted",
                             "convert it to Unicode (e.g. Unikey's converter) and save as UTF-8")
    return _check_text(text), warnings


_CP1252_BYTE = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


@cache
def _double_encoded() -> re.Pattern:
    """Two characters UTF-8 bytes become when read as Windows-1252 (resources/cleaning.yaml)."""
    return re.compile(load_yaml("cleaning.yaml")["double_encoded_pattern"])


def undo_double_encoding(text: str) -> str | None:
    """The text of UTF-8 that was decoded as Windows-1252 or Latin-1 and saved again ("Káº¿ hoáº¡ch"
    -> "Kế hoạch"), line by line, losslessly; None when the text shows no such damage."""
    pattern = _double_encoded()
    sample = text[:20000]
    if len(pattern.findall(sample)) < max(3, len(sample) // 1000):
        return None
    out: list[str] = []
    changed = False
    for line in text.split("\n"):
        fixed = _utf8_from_8bit(line) if pattern.search(line) else None
        if fixed is not None and fixed != line:
            out.append(fixed)
            changed = True
        else:
            out.append(line)
    return "\n".join(out) if changed else None


def _utf8_from_8bit(line: str) -> str | None:
    """`line`'s characters as the bytes Windows-1252 (else Latin-1) gives them, decoded as UTF-8."""
    data = bytearray()
    for ch in line:
        code = ord(ch)
        if code < 0x100:
            data.append(code)
        elif ch in _CP1252_BYTE:
            data.append(_CP1252_BYTE[ch])
        else:
            return None  # a character no 8-bit reading of UTF-8 gives: not double-encoded
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte of ASCII-range text is zero."""
    sample = data[:2000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0) / len(sample[0::2])
    zeros_odd = sample[1::2].count(0) / len(sample[1::2])
    return max(zeros_even, zeros_odd) > 0.3 and min(zeros_even, zeros_odd) < 0.05


def _check_text(text: str) -> str:
    """Reject decoded 'text' that is really binary junk."""
    if not text.strip():
        raise UnreadableFile("the file holds only blank space", "check the download or export")
    sample = text[:20000]
    # per distinct character, then str.count: the same total as a per-character walk
    control = sum(sample.count(c) for c in set(sample)
                  if unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn") and c not in "\n\r\t\f")
    bad = control + sample.count("\ufffd")
    if bad / len(sample) > 0.05:
        raise UnreadableFile("the file holds binary data, not text",
                             "give the plan as .txt (UTF-8), .pdf or .docx")
    return text


def _syllable_share(text: str) -> float:
    """Share of words that are Vietnamese syllables: how Vietnamese a decoding looks."""
    from pipeline.reading.clean import is_syllable

    words = re.findall(r"[^\W\d_]+", text[:20000])
    if not words:
        return 0.0
    return sum(1 for w in words if is_syllable(w, standalone=False)) / len(words)


@cache
def _legacy_tables() -> dict[str, tuple[re.Pattern, dict[str, str]]]:
    tables = {}
    for name, mapping in load_yaml("legacy_encodings.yaml").items():
        keys = sorted(mapping, key=len, reverse=True)
        tables[name] = (re.compile("|".join(map(re.escape, keys))), mapping)
    return tables


_LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI-Windows"}
# Latin-1 letters Vietnamese never uses: their presence betrays a legacy font encoding.
_NON_VIETNAMESE = set("¡¢£¤¥¦§¨©ª«¬\u00ad®µ¶·¸¹»¼½¾ÆÇËÎÏÐÑÖ×ØÛÜÞßåæçëîïñö÷øûüþ")


def _legacy_share(text: str) -> float:
    sample = text[:20000]
    letters = sum(map(str.isalpha, sample)) or 1
    return sum(sample.count(c) for c in _NON_VIETNAMESE) / letters


def convert_legacy(text: str, encoding: str) -> str:
    """Convert text in a legacy font encoding ('tcvn3' or 'vni') to Unicode NFC."""
    pattern, mapping = _legacy_tables()[encoding]
    return unicodedata.normalize("NFC", pattern.sub(lambda m: mapping[m.group(0)], text))


def _legacy_convert(text: str) -> tuple[str, str] | None:
    """The Unicode text if `text` is TCVN3/VNI mojibake, with the encoding's name."""
    if _legacy_share(text) < 0.02:
        return None
    base = _syllable_share(text)
    best = None
    for enc in ("tcvn3", "vni"):
        converted = convert_legacy(text, enc)
        score = _syllable_share(converted)
        if score > base + 0.15 and score > 0.6 and (best is None or score > best[0]):
            best = (score, converted, _LEGACY_NAMES[enc])
    return (best[1], best[2]) if best else None


def _best_8bit(data: bytes) -> tuple[str, str]:
    """Decode bytes that are not UTF-8: the most Vietnamese-looking of cp1258, TCVN3, VNI."""
    candidates = [(unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), "Windows-1258")]
    latin = data.decode("latin-1")
    for enc in ("tcvn3", "vni"):
        candidates.append((convert_legacy(latin, enc), _LEGACY_NAMES[enc]))
    scored = sorted(((_syllable_share(t), t, name) for t, name in candidates), key=lambda x: -x[0])
    score, text, name = scored[0]
    if score < 0.5:
        if _check_binary(data):
            raise UnreadableFile("the file holds binary data, not text", "give the plan as .txt, .pdf or .docx")
        raise UnreadableFile("the text encoding is not recognised (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)",
                             "open it in a text editor and save it as UTF-8")
    return text, name


def _check_binary(data: bytes) -> bool:
    sample = data[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control / len(sample) > 0.02


# ---------------------------------------------------------------- PDF

def read_pdf(path: Path) -> RawDocument:
    """The text layer of a PDF (see `pipeline.reading.pdf`)."""
    from pipeline.reading import pdf

    return pdf.read_pdf(path)


# ---------------------------------------------------------------- DOCX

def read_docx(path: Path) -> RawDocument:
    """Paragraphs (with Word's automatic numbering written out) and table cells, one per line."""
    _check_zip(path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise UnreadableFile(f"the .docx is damaged ({type(e).__name__})", "open it in Word and save it again") from e
    except Exception as e:  # noqa: BLE001 - lxml errors on broken XML
        raise UnreadableFile(f"the .docx is damaged ({type(e).__name__}: {e})"[:200],
                             "open it in Word and save it again") from e
    numbering = Numbering.from_document(d)
    lines: list[str] = []
    _walk_body(d.element.body, numbering, lines)
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableFile("the .docx holds no text", "check that the plan is not an embedded image (then OCR it)")
    pages, warnings = _docx_pages(path)
    return RawDocument(source=str(path), format="docx", text=text, pages=pages, warnings=warnings)


def _check_zip(path: Path) -> None:
    """A real Word file and no zip bomb: sizes are checked before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise UnreadableFile("a zip file but not a Word .docx (no word/document.xml)",
                                     "give the plan as .docx, .pdf or .txt")
            total = sum(i.file_size for i in infos)
            if total > MAX_DOCX_UNCOMPRESSED:
                raise UnreadableFile(f"the .docx would unpack to {total // 2**20} MB (a zip bomb or huge embedded files)",
                                     "save the plan text alone as a new .docx or .pdf")
            for i in infos:
                if i.file_size > 10 * 2**20 and i.file_size > MAX_DOCX_RATIO * max(i.compress_size, 1):
                    raise UnreadableFile(f"the .docx part {i.filename} is compressed {i.file_size // max(i.compress_size, 1)}:1 (a zip bomb)",
                                         "do not process this file; ask for a clean copy")
    except zipfile.BadZipFile as e:
        raise UnreadableFile("the .docx is not a valid zip file (damaged or not really a .docx)",
                             "open it in Word and save it again as .docx") from e


MAX_DOCX_PAGES = 100_000  # more than any plan: a larger count in docProps/app.xml is a lie


def _docx_pages(path: Path) -> tuple[int, list[str]]:
    """Page count Word stored in docProps/app.xml (1 when absent or not believable), and a warning."""
    try:
        with zipfile.ZipFile(path) as z:
            if "docProps/app.xml" in z.namelist() and z.getinfo("docProps/app.xml").file_size < 1_000_000:
                m = re.search(rb"<Pages>\s*(\d+)\s*</Pages>", z.read("docProps/app.xml"))
                if m:
                    claimed = m.group(1).decode()
                    if len(claimed) > 6 or int(claimed) > MAX_DOCX_PAGES:
                        return 1, [f"docProps/app.xml claims {claimed[:30]} pages: not believed, page count left at 1"]
                    return max(1, int(claimed)), []
    except (zipfile.BadZipFile, OSError):
        pass
    return 1, []


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _walk_body(el, numbering, lines: list[str]) -> None:
    """Paragraphs in reading order; tables cell by cell (merged cells once), tables of tasks row by row."""
    for child in el:
        if child.tag == W + "p":
            text = _paragraph_text(child)
            label = numbering.label_for(child)
            lines.append(f"{label} {text.lstrip()}" if label and text.strip() else text)
        elif child.tag == W + "tbl":
            rows = [tr for tr in child.iter(W + "tr") if tr.getparent() is child]  # nested: through their cell
            if rows and _is_task_table(rows[0]):
                for tr in rows:  # "| 1 | Nội dung | Sở Y tế | Sở GD&ĐT | Quý II |": its columns stay together
                    cells = []
                    for tc in tr.findall(W + "tc"):
                        inner: list[str] = []
                        _walk_body(tc, numbering, inner)
                        cells.append(" ".join(" ".join(inner).split()).replace("|", "/"))
                    lines.append("| " + " | ".join(cells) + " |")
                continue
            grid = [tr.findall(W + "tc") for tr in rows]
            if _is_letterhead(grid):  # its columns read one after the other, as printed
                grid = [[row[j] for row in grid if j < len(row)] for j in range(max(map(len, grid)))]
            for cells in grid:
                for tc in cells:
                    _walk_body(tc, numbering, lines)
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                _walk_body(content, numbering, lines)


def _is_task_table(first_row) -> bool:
    """A table whose header row names who does the work ("Cơ quan chủ trì", "Đơn vị phối hợp"): read
    row by row as a pipe table, so each row stays one task with its columns. Other tables (the
    letterhead, the signature block) are read cell by cell, as paragraphs."""
    from pipeline.parsing import tables

    cells = [_plain_text(tc) for tc in first_row.findall(W + "tc")]
    return len(cells) >= 2 and any(tables.column_roles(cells))


def _plain_text(el) -> str:
    """The text runs under `el`, for looking at a table before reading it (numbering counters untouched)."""
    return " ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in el.iter(W + "p"))


def _is_letterhead(grid: list[list]) -> bool:
    """A two-column table holding the national motto or "Nơi nhận": the letterhead (issuer | motto,
    number | place and date) or the signature block (recipients | signer). Read row by row, its
    columns would interleave ("ỦY BAN NHÂN DÂN / CỘNG HÒA … / HUYỆN SƠN HÀ / Độc lập …")."""
    from pipeline.textutils import fold

    if not grid or max(map(len, grid)) != 2:
        return False
    folded = fold(" ".join(_plain_text(tc) for row in grid for tc in row))
    return (any(re.search(p, folded) for p in load_yaml("metadata.yaml")["motto_patterns"])
            or any(fold(w) in folded for w in load_yaml("agencies.yaml")["no_assignment_from"]))  # "Nơi nhận"


def _paragraph_text(p) -> str:
    out: list[str] = []
    for el in _iter_skip(p):
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")  # a line break (cleaning re-joins it when the sentence goes on)
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _iter_skip(el):
    for child in el:
        if child.tag == MC_FALLBACK or child.tag == W + "del" or child.tag == W + "pPr":
            continue
        yield child
        yield from _iter_skip(child)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb, ..."""
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


# Bullet characters Word stores in symbol fonts (private use area) -> a plain bullet.
_BULLETS = {"-": "-", "–": "-", "+": "+", "*": "*", "•": "•", "·": "•", "o": "•"}


class Numbering:
    """Word automatic numbering: rebuilds the label ("1.", "a)", "II.", "-") of a numbered paragraph.

    Word keeps the number out of the text (w:numPr -> w:num -> w:abstractNum
    level with a start, a format and a template like "%1.%2."), so we count.
    """

    def __init__(self, levels: dict[str, dict[int, dict]], nums: dict[str, tuple[str, dict[int, int]]],
                 style_numpr: dict[str, tuple[str, int]]):
        self.levels = levels  # abstractNumId -> ilvl -> {start, fmt, text, lgl}
        self.nums = nums  # numId -> (abstractNumId, {ilvl: startOverride})
        self.style_numpr = style_numpr  # styleId -> (numId, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        self.seen_nums: set[str] = set()

    @classmethod
    def from_document(cls, d) -> Numbering:
        levels: dict[str, dict[int, dict]] = {}
        nums: dict[str, tuple[str, dict[int, int]]] = {}
        try:
            root = d.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for an in root.findall(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                levels[aid] = {}
                for lvl in an.findall(W + "lvl"):
                    levels[aid][int(lvl.get(W + "ilvl", "0"))] = _level_def(lvl)
            for num in root.findall(W + "num"):
                ref = num.find(W + "abstractNumId")
                if ref is None:
                    continue
                overrides: dict[int, int] = {}
                for ov in num.findall(W + "lvlOverride"):
                    st = ov.find(W + "startOverride")
                    if st is not None:
                        overrides[int(ov.get(W + "ilvl", "0"))] = int(st.get(W + "val", "1"))
                nums[num.get(W + "numId")] = (ref.get(W + "val"), overrides)
        return cls(levels, nums, _style_numbering(d))

    def label_for(self, p) -> str | None:
        """The label Word shows before paragraph `p`, advancing the counters."""
        num_id, ilvl = self._numpr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        aid, overrides = self.nums[num_id]
        lvls = self.levels.get(aid, {})
        if ilvl not in lvls:
            return None
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for lv, start in overrides.items():
                counters[lv] = start - 1
                for deeper in [k for k in counters if k > lv]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, lvls[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        spec = lvls[ilvl]
        if spec["fmt"] == "bullet":
            ch = spec["text"].strip()[:1]
            return _BULLETS.get(ch, "•")

        def fill(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in lvls:
                return ""
            value = counters.get(k, lvls[k]["start"])
            return format_number(value, "decimal" if spec["lgl"] else lvls[k]["fmt"])

        label = re.sub(r"%(\d)", fill, spec["text"]).strip()
        return label or None

    def _numpr(self, p) -> tuple[str | None, int]:
        ppr = p.find(W + "pPr")
        if ppr is None:
            return None, 0
        numpr = ppr.find(W + "numPr")
        if numpr is not None:
            nid = numpr.find(W + "numId")
            lvl = numpr.find(W + "ilvl")
            if nid is not None:
                return nid.get(W + "val"), int(lvl.get(W + "val", "0")) if lvl is not None else 0
        style = ppr.find(W + "pStyle")
        if style is not None and style.get(W + "val") in self.style_numpr:
            nid, lvl = self.style_numpr[style.get(W + "val")]
            if numpr is not None and numpr.find(W + "ilvl") is not None:
                lvl = int(numpr.find(W + "ilvl").get(W + "val", "0"))
            return nid, lvl
        return None, 0


def _level_def(lvl) -> dict:
    def val(tag: str, default: str) -> str:
        el = lvl.find(W + tag)
        return el.get(W + "val", default) if el is not None else default

    return {"start": int(val("start", "1")), "fmt": val("numFmt", "decimal"),
            "text": val("lvlText", ""), "lgl": lvl.find(W + "isLgl") is not None}


def _style_numbering(d) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry numbering ("List Number"), following basedOn."""
    raw: dict[str, tuple[str | None, int | None, str | None]] = {}
    try:
        styles = d.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    for st in styles.findall(W + "style"):
        sid = st.get(W + "styleId")
        based = st.find(W + "basedOn")
        nid = lvl = None
        numpr = st.find(W + "pPr/" + W + "numPr")
        if numpr is not None:
            n = numpr.find(W + "numId")
            level = numpr.find(W + "ilvl")
            nid = n.get(W + "val") if n is not None else None
            lvl = int(level.get(W + "val", "0")) if level is not None else None
        raw[sid] = (nid, lvl, based.get(W + "val") if based is not None else None)
    out: dict[str, tuple[str, int]] = {}
    for sid in raw:
        seen, cur = set(), sid
        nid, lvl = None, None
        while cur in raw and cur not in seen:
            seen.add(cur)
            n, level, based = raw[cur]
            nid = nid or n
            lvl = lvl if lvl is not None else level
            cur = based
        if nid:
            out[sid] = (nid, lvl or 0)
    return out
