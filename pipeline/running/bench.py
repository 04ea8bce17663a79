"""`make bench` (`python -m pipeline.running.bench`): speed and memory of `run` on a generated corpus.

Builds (once, cached under `.cache/bench/`) a corpus of realistic documents
from the sample plans: PDF, DOCX and text in equal thirds, each with its own
layout (font size, margins, running header, page numbers, justification,
Word numbering, wrap width, line endings) and a line that makes its bytes
unique. Then prints:

- `run` on the PDFs vs bare pdfplumber text extraction of the same PDFs, same
  number of workers: documents and pages per second, and their ratio;
- `run` on the text and DOCX files: documents per second per core;
- where the time goes, stage by stage (in one process);
- how time and peak memory (the whole process tree: `run`, its workers) grow
  from 250 to 500 to 1,000 documents;
- the classifier's figures when `pipeline.classifier.bench_figures()` exists.

`run` is measured as a user runs it: `python -m pipeline run DIR --out OUT`
in a subprocess, with no cache, so start-up and the dataset export count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.knowledge.loader import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_DIR = ROOT / "data" / "raw"
CACHE = ROOT / ".cache" / "bench"
CORPUS_VERSION = "v1"
HEADERS = [None, *load_yaml("synth.yaml")["running_headers"]]
PAGE_NUMBERS = ["Trang {n}", "- {n} -", "{n}", ""]


# ---------------------------------------------------------------- corpus

def _variant_text(text: str, i: int) -> str:
    """The sample with a line of its own, so no two documents have the same bytes."""
    return f"{text.rstrip()}\n{load_yaml('synth.yaml')['copy_line'].format(i=i)}\n"


def _rewrap(text: str, width: int) -> str:
    """Hard-wrap long lines as a text export from a PDF or an e-mail would."""
    import textwrap

    out = []
    for line in text.splitlines():
        out.extend(textwrap.wrap(line, width) or [""])
    return "\n".join(out) + "\n"


def _make_one(args: tuple[int, str, str, str]) -> str:
    i, kind, sample, target = args
    from pipeline.running.synth import render_docx, render_pdf

    rng = random.Random(i)
    text = _variant_text(Path(sample).read_text(encoding="utf-8"), i)
    path = Path(target)
    if kind == "pdf":
        top, bottom = rng.choice([15, 20, 25]), rng.choice([15, 20, 25])
        render_pdf(text, path, font_size=rng.choice([10, 11, 12, 13, 14]),
                   margin_mm=(top, bottom, rng.choice([20, 25, 30, 35]), rng.choice([10, 15, 20])),
                   header=rng.choice(HEADERS), page_number=rng.choice(PAGE_NUMBERS),
                   justify=rng.random() < 0.7)
    elif kind == "docx":
        render_docx(text, path, numbering=rng.random() < 0.6,
                    font=rng.choice(["Times New Roman", "Arial"]), font_size=rng.choice([12, 13, 14]))
    else:
        width = rng.choice([0, 0, 72, 90])
        body = _rewrap(text, width) if width else text
        newline = "\r\n" if rng.random() < 0.3 else "\n"
        data = body.replace("\n", newline).encode("utf-8")
        path.write_bytes((b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + data)
    return str(path)


def build_corpus(n: int, workers: int) -> Path:
    """`n` documents under .cache/bench/corpus-<version>-<n>/ (built once, reused)."""
    folder = CACHE / f"corpus-{CORPUS_VERSION}-{n}"
    done = folder / ".complete"
    if done.exists():
        return folder
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    kinds = ["pdf", "docx", "txt"]
    tasks = []
    for i in range(n):
        kind = kinds[i % 3]
        sample = samples[(i // 3) % len(samples)]
        tasks.append((i, kind, str(sample), str(folder / kind / f"doc_{i:05d}.{kind}")))
    for kind in kinds:
        (folder / kind).mkdir(parents=True, exist_ok=True)
    todo = [t for t in tasks if not Path(t[3]).exists()]
    print(f"building the bench corpus: {len(todo)} of {n} documents to render into {folder} ...", flush=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        for _ in pool.map(_make_one, todo, chunksize=8):
            pass
    done.write_text(json.dumps({"n": n, "seconds": round(time.perf_counter() - t0, 1)}))
    return folder


def subset(corpus: Path, kinds: list[str], n: int | None, dest: Path) -> Path:
    """A folder of symlinks to the first `n` documents of the given kinds (in corpus order)."""
    files = sorted((f for k in kinds for f in (corpus / k).glob(f"*.{k}")), key=lambda p: p.stem)
    if n is not None:
        files = files[:n]
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        (dest / f.name).symlink_to(f)
    return dest


# ---------------------------------------------------------------- measuring

class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.peak_main = 0  # `run` itself: hashing, writing, then the dataset export
        self.peak_workers = 0  # the worker processes together
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                main = self.proc.memory_info().rss
                workers = 0
                for p in self.proc.children(recursive=True):
                    try:
                        workers += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, main + workers)
                self.peak_main = max(self.peak_main, main)
                self.peak_workers = max(self.peak_workers, workers)
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def time_run(folder: Path, workers: int) -> dict:
    """`python -m pipeline run folder` in a subprocess: wall time, peak tree memory, its summary."""
    out = Path(tempfile.mkdtemp(prefix="bench-out-", dir=CACHE))
    cmd = [sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out), "--workers", str(workers),
           "--quiet", "--no-cache"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid)
    _stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    peak = mem.stop()
    state = json.loads((out / ".cache" / "state.json").read_text(encoding="utf-8"))["entries"]
    pages = sum(e.get("pages", 0) for e in state.values())
    failed = sum(e["status"] == "error" for e in state.values())
    export = _parse_export_seconds(stderr)
    shutil.rmtree(out, ignore_errors=True)
    return {"docs": len(state), "pages": pages, "failed": failed, "seconds": seconds,
            "export_seconds": export, "peak_mb": peak / 2**20, "peak_main_mb": mem.peak_main / 2**20,
            "peak_workers_mb": mem.peak_workers / 2**20, "exit": proc.returncode,
            "stderr_tail": stderr.strip().splitlines()[-2:]}


def _parse_export_seconds(stderr: str) -> float:
    import re

    m = re.search(r"dataset export ([\d.]+)s", stderr)
    return float(m.group(1)) if m else 0.0


def _plumber_one(path: str) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def time_pdfplumber(folder: Path, workers: int) -> dict:
    """Bare pdfplumber text extraction of every PDF in `folder`, same number of worker processes."""
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        pages = sum(pool.map(_plumber_one, files, chunksize=4))
    return {"docs": len(files), "pages": pages, "seconds": time.perf_counter() - t0}


STAGES = ["read", "clean", "check_plan", "parse_structure", "extract_metadata", "extract_agencies",
          "assign_task_agencies", "extract_citations", "extract_deadlines", "extract_targets", "tag_tasks"]


def stage_profile(files: list[Path]) -> dict[str, float]:
    """Seconds per stage over `files`, in this process: wraps the functions `pipeline.process` calls."""
    import pipeline.process as proc

    totals: dict[str, float] = defaultdict(float)
    originals = {}
    for name in STAGES:
        fn = getattr(proc, name, None)
        if fn is None:
            continue
        originals[name] = fn

        def timed(*a, _fn=fn, _name=name, **kw):
            t = time.perf_counter()
            try:
                return _fn(*a, **kw)
            finally:
                totals[_name] += time.perf_counter() - t
        setattr(proc, name, timed)
    try:
        proc.process_text(load_yaml("synth.yaml")["warm_up_plan"], "warm")
        totals.clear()
        t0 = time.perf_counter()
        for f in files:
            try:
                proc.process_file(f)
            except Exception:  # noqa: BLE001 - a failing document still spent its time
                pass
        totals["(total)"] = time.perf_counter() - t0
    finally:
        for name, fn in originals.items():
            setattr(proc, name, fn)
    return dict(totals)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return (f"{cpu}; {psutil.cpu_count()} cores available ({os.cpu_count()} logical); "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


# ---------------------------------------------------------------- report

def _rate(n: float, s: float) -> str:
    return f"{n / s:8.2f}" if s else "     n/a"


def main(argv: list[str] | None = None) -> int:
    from pipeline.running.engines import default_workers

    ap = argparse.ArgumentParser(prog="python -m pipeline.running.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="corpus size (default 1000; at least 1000 for the README)")
    ap.add_argument("--workers", type=int, default=default_workers(), help="workers for run and pdfplumber")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    n, w = args.docs, args.workers
    CACHE.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus(n, w)
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=CACHE))
    figures: dict = {"machine": machine(), "docs": n, "workers": w}
    try:
        print(f"\nmachine: {figures['machine']}\ncorpus: {n} documents ({corpus}), workers: {w}\n", flush=True)

        pdfs = subset(corpus, ["pdf"], None, work / "pdf")
        plumber = time_pdfplumber(pdfs, w)
        run_pdf = time_run(pdfs, w)
        ratio = run_pdf["seconds"] / plumber["seconds"]
        figures.update(pdfplumber=plumber, run_pdf=run_pdf, pdf_ratio=ratio)
        print("PDF input                      docs    pages   docs/s  pages/s  seconds")
        print(f"  bare pdfplumber text      {plumber['docs']:7d} {plumber['pages']:8d} "
              f"{_rate(plumber['docs'], plumber['seconds'])} {_rate(plumber['pages'], plumber['seconds'])} "
              f"{plumber['seconds']:8.1f}")
        print(f"  run (whole job)           {run_pdf['docs']:7d} {run_pdf['pages']:8d} "
              f"{_rate(run_pdf['docs'], run_pdf['seconds'])} {_rate(run_pdf['pages'], run_pdf['seconds'])} "
              f"{run_pdf['seconds']:8.1f}   (dataset export {run_pdf['export_seconds']:.1f}s)")
        print(f"  run / pdfplumber: {ratio:.2f}x  (target <= 1.5x)\n", flush=True)

        textual = subset(corpus, ["txt", "docx"], None, work / "textdocx")
        run_text = time_run(textual, w)
        per_core = run_text["docs"] / run_text["seconds"] / w
        figures.update(run_text_docx=run_text, text_docx_docs_per_core=per_core)
        print(f"text + DOCX input: {run_text['docs']} docs in {run_text['seconds']:.1f}s "
              f"(dataset export {run_text['export_seconds']:.1f}s) = {per_core:.1f} docs/s per core "
              f"(target >= 10)\n", flush=True)

        sample = sorted((corpus / "txt").glob("*.txt"))[:20] + sorted((corpus / "docx").glob("*.docx"))[:20] \
            + sorted((corpus / "pdf").glob("*.pdf"))[:10]
        prof = stage_profile(sample)
        figures["stages"] = prof
        total = prof.get("(total)", 0) or 1
        print(f"where the time goes (one process, {len(sample)} documents: 20 txt, 20 docx, 10 pdf):")
        for name, secs in sorted(prof.items(), key=lambda kv: -kv[1]):
            if name != "(total)":
                print(f"  {name:22s} {secs:7.2f}s {100 * secs / total:5.1f}%")
        print(f"  {'(all stages)':22s} {total:7.2f}s\n", flush=True)

        print("growth (mixed corpus)   docs   seconds  ms/doc  export s  peak MiB  (run itself  workers)")
        growth = []
        for size in [s for s in (250, 500, 1000) if s <= n]:
            r = time_run(subset(corpus, ["pdf", "docx", "txt"], size, work / f"mixed{size}"), w)
            growth.append(r)
            print(f"                      {r['docs']:6d} {r['seconds']:9.1f} {1000 * r['seconds'] / r['docs']:7.1f} "
                  f"{r['export_seconds']:9.1f} {r['peak_mb']:9.0f}  ({r['peak_main_mb']:9.0f} {r['peak_workers_mb']:8.0f})",
                  flush=True)
        figures["growth"] = growth
        if len(growth) >= 2:
            a, b = growth[0], growth[-1]
            print(f"  time x{b['seconds'] / a['seconds']:.2f} for x{b['docs'] / a['docs']:.0f} documents; "
                  f"peak memory x{b['peak_mb'] / a['peak_mb']:.2f} (target flat, < 1024 MiB)\n")

        from pipeline.classifier import bench_figures

        cls = bench_figures()
        figures["classifier"] = cls
        print("classifier:")
        for k, v in (cls.items() if isinstance(cls, dict) else [("figures", cls)]):
            print(f"  {k}: {v}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
