"""Process many files: find inputs, name them, reuse the cache, isolate failures, write outputs.

Extractors know nothing of this; this module knows nothing of extraction.

Document ids (`doc_id`, the record's file name) are unique and stable: the
file's path relative to the folder given, without its suffix, folders joined
by `__` (`hanoi/2024/kh_12.pdf` -> `hanoi__2024__kh_12`; a file directly in the
folder keeps its stem). Only when two inputs still share an id (`kh.pdf` and
`kh.docx` side by side) do they all get their suffix (`kh_pdf`, `kh_docx`), and
a last clash (the same file name under two folders given on the command line)
adds a short hash of the absolute path. The id depends on the file's own path
only, except in those clashes.

Outputs under `--out` are a pure function of the inputs and the pipeline: a
run that was killed and started again, or that found everything in its cache,
writes the same bytes as one uninterrupted run from scratch (all but
plans.duckdb, which holds the same rows in a layout DuckDB varies; README).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.reading.readers import SUPPORTED_SUFFIXES
from pipeline.running.cache import (
    Entry,
    FolderLock,
    ObjectStore,
    State,
    atomic_write_bytes,
    clean_temporaries,
    content_key,
    file_digest,
    pipeline_fingerprint,
    shown_path,
)
from pipeline.running.cache import atomic_write_text as _atomic_write_text
from pipeline.running.engines import READ_STAGE, InlineEngine, Job, cacheable

ERROR_FIELDS = ["doc_id", "source", "error", "reason", "hint", "stage"]

# Files a plan folder may hold that we cannot read but should name in errors.csv
# (the reader says what each is and what to do), rather than skip in silence.
DOCUMENT_LIKE_SUFFIXES = {".doc", ".rtf", ".odt", ".xls", ".xlsx", ".csv", ".htm", ".html",
                          ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".zip", ".rar"}
INPUT_SUFFIXES = SUPPORTED_SUFFIXES | DOCUMENT_LIKE_SUFFIXES
RECORD_SUFFIX = ".json"

# What an office machine leaves beside the plans: Word's owner file of an open document (`~$ke_hoach.docx`),
# LibreOffice's lock (`.~lock.ke_hoach.docx#`), thumbnail caches. Never read, never reported.
LEFTOVER_PREFIXES = ("~$", ".")  # `.~lock.*#`, `.DS_Store` and every other hidden file start with "."
LEFTOVER_NAMES = {"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store"}


def is_leftover(path: Path) -> bool:
    """A file left by an office program or the file manager, not a plan (see LEFTOVER_*)."""
    name = path.name
    return name.startswith(LEFTOVER_PREFIXES) or name.lower() in LEFTOVER_NAMES


@dataclass(frozen=True)
class Input:
    path: Path
    doc_id: str


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


@dataclass
class RunSummary:
    total: int = 0
    processed: int = 0
    cached: int = 0
    failed: int = 0
    removed: int = 0
    repaired: int = 0  # records or cache entries found damaged on disk, then written or processed again
    duplicates: int = 0  # copies of a plan set aside by the export (pipeline/exports/duplicates.py)
    pages: int = 0
    seconds: float = 0.0
    export_seconds: float = 0.0
    export_skipped: bool = False  # the dataset was already built from exactly these records
    errors: list[dict] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.processed / self.seconds if self.seconds else 0.0
        return (f"{self.total} documents: {self.processed} processed, {self.cached} cached, "
                f"{self.failed} failed, {self.removed} removed, "
                f"{self.duplicates} duplicate{'' if self.duplicates == 1 else 's'} set aside"
                + (f", {self.repaired} damaged records repaired" if self.repaired else "") + "; "
                f"{self.pages} pages; "
                f"{self.seconds:.1f}s ({rate:.1f} docs/s; "
                + ("dataset unchanged, not rebuilt)" if self.export_skipped
                   else f"dataset export {self.export_seconds:.1f}s)"))


# ---------------------------------------------------------------- inputs and ids

def _walk(root: Path) -> Iterator[Path]:
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or is_leftover(f):
            continue
        if (f.is_file() and f.suffix.lower() in INPUT_SUFFIXES) or is_special(f):
            yield f


SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
MAX_ID_BYTES = 200  # a record file is <doc_id>.json, and a temporary name adds ~20 bytes: names stay under 255


def is_special(path: Path) -> bool:
    """A FIFO, socket or device: listed (it gets a row in errors.csv) but never opened (a FIFO would block)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return any(test(mode) for test, _ in SPECIAL_KINDS)


def _os_error(exc: OSError) -> dict:
    """The errors.csv columns of a file the operating system will not let us read."""
    if isinstance(exc, PermissionError):
        reason, hint = ("permission denied: this user may not read the file",
                        "make it readable (chmod a+r FILE) or run as a user who may read it")
    elif isinstance(exc, FileNotFoundError):
        reason, hint = ("the file disappeared (or is a broken link) before it could be read",
                        "check the file is still there and run again")
    else:
        reason, hint = f"the file cannot be read: {exc.strerror or exc}", "check the disk and the file"
    return {"error": "unreadable", "reason": reason, "hint": hint, "stage": READ_STAGE}


def input_problem(path: Path) -> tuple[os.stat_result | None, dict | None]:
    """What stops a file from being read, checked before anything reads it: gone, not a regular file
    (never opened), or not readable by this user. Returns its stat (when it has one) and the error, if any."""
    try:
        st = path.stat()
    except OSError as exc:
        return None, _os_error(exc)
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in SPECIAL_KINDS if test(st.st_mode)), "not a regular file")
        return st, {"error": "special_file", "reason": f"{kind}, not a document: skipped without opening it",
                    "hint": "remove it from the input folder, or copy the document it stands for there",
                    "stage": READ_STAGE}
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        return st, _os_error(exc)
    return st, None


def find_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files given, and plan files (by suffix) under folders given, sorted; hidden files and office
    leftovers (`is_leftover`) skipped."""
    for path, _root in _find_with_roots(paths):
        yield path


def _find_with_roots(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path | None]]:
    for p in map(Path, paths):
        if p.is_dir():
            for f in _walk(p):
                yield f, p
        elif p.exists():
            if not is_leftover(p):
                yield p, None
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")


def assign_doc_ids(found: Iterable[tuple[Path, Path | None]]) -> list[Input]:
    """Unique, stable ids for files found under roots (see the module docstring)."""
    items = []
    seen_paths: set[Path] = set()
    for path, root in found:
        resolved = path.resolve()
        if resolved in seen_paths:  # the same file reached twice (a folder and a file in it)
            continue
        seen_paths.add(resolved)
        rel = path.relative_to(root) if root is not None else Path(path.name)
        base = _bounded_id(shown_path("__".join([*rel.parts[:-1], rel.stem])))
        items.append([path, base, resolved])

    def clashing() -> dict[str, list[list]]:
        groups: dict[str, list[list]] = defaultdict(list)
        for item in items:
            groups[item[1]].append(item)
        return {k: v for k, v in groups.items() if len(v) > 1}

    for group in clashing().values():
        for item in group:
            item[1] = f"{item[1]}_{item[0].suffix.lstrip('.').lower() or 'noext'}"
    for group in clashing().values():
        for item in group:
            item[1] = f"{item[1]}-{hashlib.sha1(str(item[2]).encode()).hexdigest()[:8]}"
    return [Input(path, doc_id) for path, doc_id, _ in items]


def _bounded_id(base: str) -> str:
    """An id short enough for a file name: a long one is cut (at a character) and given a hash of the whole."""
    if len(base.encode("utf-8")) <= MAX_ID_BYTES:
        return base
    cut = base.encode("utf-8")[:MAX_ID_BYTES - 9].decode("utf-8", "ignore")
    return f"{cut}-{hashlib.sha1(base.encode('utf-8')).hexdigest()[:8]}"


def collect_inputs(paths: Iterable[str | Path]) -> list[Input]:
    return assign_doc_ids(_find_with_roots(paths))


# ---------------------------------------------------------------- writing

def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write to a temporary file in the same folder, then rename over `path`."""
    _atomic_write_text(path, text, encoding)


def record_json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1)


def record_bytes(record: dict, inp: Input) -> bytes:
    """The record file of `inp`: the cached record under this input's own id and source."""
    rec = dict(record)
    rec["doc_id"] = inp.doc_id
    rec["source"] = shown_path(inp.path)
    return record_json(rec).encode("utf-8")


def write_errors_csv(out_dir: Path, errors: list[dict]) -> Path:
    """errors.csv with a BOM so Excel reads the Vietnamese right; written atomically."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ERROR_FIELDS, extrasaction="ignore")
    w.writeheader()
    w.writerows(errors)
    path = out_dir / "errors.csv"
    atomic_write_bytes(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
    return path


def _say(bar, quiet: bool) -> Callable[[str], None]:
    if quiet:
        return lambda _msg: None
    return bar.write if bar is not None else (lambda m: print(m, file=sys.stderr))


def _progress(total: int, enabled: bool, initial_note: str = ""):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
               desc="documents", bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| {rate_fmt} "
               "[{elapsed}<{remaining}] {postfix}")
    if initial_note:
        bar.write(initial_note)
    return bar


class _PageCount:
    """Pages of the documents done, and pages OCR'd so far, after the bar: a 30-page scan moves it as it goes."""

    def __init__(self, bar):
        self.bar, self.done, self.ocr, self.start = bar, 0, 0, time.perf_counter()

    def ocr_page(self) -> None:
        self.ocr += 1
        self.show(refresh=True)

    def show(self, refresh: bool = False) -> None:
        if self.bar is None:
            return
        elapsed = time.perf_counter() - self.start
        text = f"{self.done} pages, {self.done / elapsed if elapsed else 0:.1f} pages/s"
        self.bar.set_postfix_str(text + (f", {self.ocr} pages OCR'd" if self.ocr else ""), refresh=refresh)


# ---------------------------------------------------------------- extract (no cache)

def extract_files(files: Iterable[Path | Input], out_dir: Path, progress: bool = False,
                  engine=None, quiet: bool = False) -> BatchResult:
    """One `<doc_id>.json` per document in `out_dir`; one broken file never stops the batch."""
    items = list(files)
    inputs = [f if isinstance(f, Input) else None for f in items]
    if any(i is None for i in inputs):
        inputs = assign_doc_ids((Path(f), Path(f).parent) for f in items)
    engine = engine or InlineEngine()
    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = _progress(len(inputs), progress)
    say = _say(bar, quiet)
    done: dict[str, tuple[Input, dict]] = {}
    readable = []
    for inp in inputs:  # a FIFO, a device or an unreadable file is a row at once, never sent to a worker
        _st, problem = input_problem(inp.path)
        if problem is None:
            readable.append(inp)
        else:
            done[inp.doc_id] = (inp, {"error": problem})
            say(f"skipped {shown_path(inp.path)}: {problem['reason']}")
            if bar:
                bar.update(1)
    jobs = {Job(str(i.path), i.doc_id): i for i in readable}
    for job, outcome in engine.map(list(jobs)):
        inp = jobs[job]
        if "record" in outcome:
            target = out_dir / f"{inp.doc_id}{RECORD_SUFFIX}"
            atomic_write_bytes(target, record_bytes(outcome["record"], inp))
        else:
            say(f"skipped {shown_path(inp.path)}: {outcome['error']['reason']}")
        done[inp.doc_id] = (inp, outcome)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    for inp in inputs:  # input order, whatever order the engine finished in
        _inp, outcome = done[inp.doc_id]
        if "record" in outcome:
            result.written.append(out_dir / f"{inp.doc_id}{RECORD_SUFFIX}")
        else:
            result.errors.append({"doc_id": inp.doc_id, "source": shown_path(inp.path), **outcome["error"]})
    return result


# ---------------------------------------------------------------- run (cached, resumable)

def run_batch(paths: Iterable[str | Path], out_dir: Path, engine=None, progress: bool = True,
              quiet: bool = False, use_cache: bool = True, export: bool = True) -> RunSummary:
    """Bring `out_dir` up to date with the inputs: process what changed, drop what was removed.

    Layout: `records/<doc_id>.json`, `errors.csv`, the dataset files of
    `pipeline.exports.write_dataset`, and `.cache/` (see `pipeline.running.cache`).
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    cache_dir = out_dir / ".cache"
    records_dir = out_dir / "records"
    summary = RunSummary()
    inputs = collect_inputs(paths)
    summary.total = len(inputs)
    engine = engine or InlineEngine()
    with FolderLock(cache_dir / "lock"):
        clean_temporaries(out_dir)  # what a killed run left: nobody else writes here while we hold the lock
        state = State(cache_dir)
        store = ObjectStore(cache_dir / "objects")
        fingerprint = pipeline_fingerprint()
        if not use_cache:
            state.entries.clear()
        try:
            _run_locked(inputs, out_dir, records_dir, state, store, fingerprint, engine,
                        summary, progress, quiet, use_cache)
        finally:
            state.close()
        t_export = time.perf_counter()
        if export:
            stamp = cache_dir / EXPORT_STAMP
            digest = export_digest(state.entries, fingerprint)
            built = _current_outputs(stamp, digest, out_dir) if use_cache else None
            if built is not None:
                summary.outputs.update(built)
                summary.export_skipped = True
            else:
                stamp.unlink(missing_ok=True)  # a run killed while exporting builds the dataset again
                summary.outputs.update(_export(records_dir, out_dir, summary.errors, quiet))
                _write_stamp(stamp, digest, summary.outputs, out_dir)
            summary.duplicates = count_duplicates(summary.outputs.get("parquet/documents.parquet"))
        summary.export_seconds = time.perf_counter() - t_export
    summary.seconds = time.perf_counter() - t0
    return summary


# ---------------------------------------------------------------- the dataset: rebuilt only when it would change

EXPORT_STAMP = "export.json"  # in OUT/.cache: what the dataset files were last built from
_EXPORT_CODE = ("exports", "running/batch.py")  # besides the pipeline fingerprint, the code that shapes the dataset files


def export_digest(entries: dict[str, Entry], fingerprint: str) -> str:
    """What the dataset files are a function of: every input's id, source, content key and outcome, the
    pipeline fingerprint, and the export code. Equal digests mean byte-identical dataset files."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(fingerprint.encode() + b"\0")
    for name in _EXPORT_CODE:
        files = sorted((root / name).rglob("*.py")) if (root / name).is_dir() else [root / name]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    for doc_id in sorted(entries):
        e = entries[doc_id]
        h.update(json.dumps([doc_id, e.source, e.key, e.status, e.error], ensure_ascii=False,
                            sort_keys=True).encode() + b"\n")
    return h.hexdigest()


def _current_outputs(stamp: Path, digest: str, out_dir: Path) -> dict[str, Path] | None:
    """The dataset files, when the last build was from the same digest and they are all still there."""
    try:
        built = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(built, dict) or built.get("digest") != digest or not isinstance(built.get("outputs"), dict):
        return None
    outputs = {name: out_dir / rel for name, rel in built["outputs"].items()}
    return outputs if outputs and all(p.exists() for p in outputs.values()) else None


def _write_stamp(stamp: Path, digest: str, outputs: dict[str, Path], out_dir: Path) -> None:
    rel = {name: Path(p).resolve().relative_to(out_dir.resolve()).as_posix() for name, p in outputs.items()}
    atomic_write_bytes(stamp, json.dumps({"digest": digest, "outputs": rel}, indent=1).encode(), durable=True)


def count_duplicates(documents: Path | None) -> int:
    """How many documents rows are copies of another plan (their `duplicate_of` is set)."""
    if documents is None or not Path(documents).exists():
        return 0
    import pyarrow.parquet as pq

    column = pq.read_table(documents, columns=["duplicate_of"]).column(0)
    return len(column) - column.null_count


def _stat_key(inp: Input, state: State, fingerprint: str) -> tuple[str, os.stat_result]:
    st = inp.path.stat()
    entry = state.entries.get(inp.doc_id)
    if entry is not None and entry.key.startswith(fingerprint + ":"):
        known = state.stat_key(inp.doc_id, inp.path, st)
        if known:
            return known, st
    return f"{fingerprint}:{content_key(inp.path, fingerprint)}", st


def _run_locked(inputs, out_dir, records_dir, state, store, fingerprint, engine, summary,
                progress, quiet, use_cache) -> None:
    records_dir.mkdir(parents=True, exist_ok=True)
    ids = {i.doc_id for i in inputs}

    # 1. what was removed leaves the dataset (and stray files left by a crash go too)
    for doc_id in [d for d in state.entries if d not in ids]:
        (records_dir / f"{doc_id}{RECORD_SUFFIX}").unlink(missing_ok=True)
        state.record(doc_id, None)
        summary.removed += 1
    for f in records_dir.iterdir():
        is_record = f.suffix == RECORD_SUFFIX and not f.name.startswith(".")
        if not (is_record and f.stem in ids):
            f.unlink(missing_ok=True)
            summary.removed += is_record

    # 2. which inputs are up to date, which are in the cache, which must be processed
    keys, stats, todo = _triage(inputs, records_dir, state, store, fingerprint, summary, use_cache)

    # 3. process the rest, writing each outcome as soon as it arrives
    n_todo = sum(len(v) for v in todo.values())
    bar = _progress(n_todo, progress,
                    f"{summary.total} documents: {summary.cached} up to date or cached, {n_todo} to process"
                    if not quiet else "")
    say = _say(bar, quiet)
    jobs = [Job(str(group[0].path), group[0].doc_id, key) for key, group in todo.items()]
    pages = _PageCount(bar)
    engine.on_ocr_page = pages.ocr_page  # long OCR work moves the bar page by page (local engines)
    for job, outcome in engine.map(jobs):
        if use_cache and cacheable(outcome):
            store.put(job.key.split(":", 1)[1], outcome)
        for inp in todo[job.key]:
            _write_outcome(inp, job.key, stats[inp.doc_id], outcome, records_dir, state)
            summary.processed += 1
        if "error" in outcome:
            say(f"failed {job.path}: {outcome['error']['reason']}")
        else:
            pages.done += int(outcome["record"].get("pages") or 0) * len(todo[job.key])
        if bar:
            bar.update(len(todo[job.key]))
            pages.show()
    if bar:
        bar.close()

    # 4. fold the journal; forget cache entries no input uses any more
    state.save()
    if use_cache:
        store.prune({keys[i.doc_id].split(":", 1)[1] for i in inputs})
    for inp in inputs:
        entry = state.entries.get(inp.doc_id)
        if entry is None:
            continue
        summary.pages += entry.pages
        if entry.status == "error":
            summary.errors.append({"doc_id": inp.doc_id, "source": shown_path(inp.path), **(entry.error or {})})
            summary.failed += 1


def _triage(inputs: list[Input], records_dir: Path, state: State, store: ObjectStore, fingerprint: str,
            summary: RunSummary, use_cache: bool) -> tuple[dict, dict, dict[str, list[Input]]]:
    """Sort the inputs: up to date (record verified), served from the cache, failed before reading
    (gone, special, unreadable: a row at once), or to process (returned, grouped by content key)."""
    keys: dict[str, str] = {}
    stats: dict[str, os.stat_result | None] = {}
    todo: dict[str, list[Input]] = defaultdict(list)  # key -> inputs with those bytes
    for inp in inputs:
        st, problem = input_problem(inp.path)
        if problem is None:
            try:
                key, st = _stat_key(inp, state, fingerprint)
            except OSError as exc:  # it changed between the check and the hash
                problem = _os_error(exc)
        if problem is not None:
            keys[inp.doc_id] = f"{fingerprint}:input"
            _write_outcome(inp, keys[inp.doc_id], st, {"error": problem}, records_dir, state)
            continue
        keys[inp.doc_id], stats[inp.doc_id] = key, st
        entry = state.entries.get(inp.doc_id)
        record_file = records_dir / f"{inp.doc_id}{RECORD_SUFFIX}"
        if use_cache and entry and entry.key == key and entry.source == shown_path(inp.path):
            if entry.status == "record" and record_file.exists() and not _record_intact(record_file, entry):
                summary.repaired += 1  # damaged on disk: written again from the cache, or processed again
            elif ((record_file.exists() if entry.status == "record" else not record_file.exists())
                  and (entry.status == "record" or cacheable({"error": entry.error}))):
                summary.cached += 1
                continue
        cached = store.get(key.split(":", 1)[1]) if use_cache else None
        if cached is not None:
            _write_outcome(inp, key, st, cached, records_dir, state)
            summary.cached += 1
        else:
            todo[key].append(inp)
    summary.repaired += store.damaged
    return keys, stats, todo


def _record_intact(path: Path, entry: Entry) -> bool:
    """The record file is the one written: its digest matches (or, for a state without digests, it parses)."""
    if entry.digest:
        return file_digest(path) == entry.digest
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def _write_outcome(inp: Input, key: str, st: os.stat_result | None, outcome: dict, records_dir: Path,
                   state: State) -> None:
    """Write (or remove) the record file of `inp`, then journal it: in that order, for crash safety."""
    target = records_dir / f"{inp.doc_id}{RECORD_SUFFIX}"
    size, mtime = (st.st_size, st.st_mtime_ns) if st is not None else (0, 0)
    if "record" in outcome:
        data = record_bytes(outcome["record"], inp)
        atomic_write_bytes(target, data)
        entry = Entry(shown_path(inp.path), size, mtime, key, "record",
                      pages=int(outcome["record"].get("pages") or 0), digest=hashlib.sha256(data).hexdigest())
    else:
        target.unlink(missing_ok=True)
        entry = Entry(shown_path(inp.path), size, mtime, key, "error", dict(outcome["error"]))
    state.record(inp.doc_id, entry)


def _export(records_dir: Path, out_dir: Path, errors: list[dict], quiet: bool) -> dict[str, Path]:
    """errors.csv, then the dataset tables."""
    from pipeline.exports import write_dataset

    outputs = {"errors": write_errors_csv(out_dir, errors)}
    outputs.update(write_dataset(records_dir, out_dir, errors) or {})
    return outputs
