"""`make bench` (`python -m pipeline.running.bench`): speed and memory on real plans, beside bare readers.

Builds (once, cached under `.cache/bench/`) a corpus from real plans: the
sample plans and, when `../shared/` is present, the real texts of
`../shared/corpus/dev`, each rendered as PDF and DOCX and kept as text with
its own layout (font size, margins, running header, page numbers, Word
numbering, wrap width, line endings) and a line that makes its bytes unique,
repeated to `--docs` documents. Then prints, in the same run:

- bare pdfplumber and bare pypdfium2 text extraction of the PDFs (one
  process), and `run` on the same PDFs with one worker: pages/s per core and
  the ratio of `run` to each bare reader;
- `run` on the text and DOCX files with one worker and with N: documents/s
  per core and the speed-up;
- where the time goes, stage by stage (in one process);
- how time and peak memory (the whole process tree: `run`, its workers) grow
  with the corpus;
- the classifier's figures, and OCR pages/s where Tesseract is installed.

`run` is measured as a user runs it: `python -m pipeline run DIR --out OUT`
in a subprocess, with no cache, so start-up and the dataset export count.
Nothing here is asserted: figures go in the README's Performance table.
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
CORPUS_VERSION = "v2"
DEV_DIR = ROOT.parent / "shared" / "corpus" / "dev"
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


def real_plans() -> list[Path]:
    """The real texts the corpus is made of: the sample plans, and the dev set's texts when present."""
    dev = sorted(DEV_DIR.glob("*.txt")) if DEV_DIR.is_dir() else []
    return sorted(SAMPLES_DIR.glob("*.txt")) + dev


def build_corpus(n: int, workers: int) -> Path:
    """`n` documents under .cache/bench/corpus-<version>-<n>/ (built once, reused)."""
    folder = CACHE / f"corpus-{CORPUS_VERSION}-{n}"
    done = folder / ".complete"
    if done.exists():
        return folder
    samples = real_plans()
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


def _pdfium_one(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            page.get_textpage().get_text_range()
        return len(pdf)
    finally:
        pdf.close()


def time_bare_reader(folder: Path, reader) -> dict:
    """A bare reader's text extraction of every PDF in `folder`, in this one process."""
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    t0 = time.perf_counter()
    pages = sum(reader(f) for f in files)
    return {"docs": len(files), "pages": pages, "seconds": time.perf_counter() - t0}


def time_ocr(pages: int = 4) -> dict | None:
    """OCR pages/s of the pipeline's own OCR (pipeline/reading/ocr.py) on a sample plan rendered as PDF,
    where Tesseract with `vie` is installed."""
    from pipeline.reading import ocr
    from pipeline.running.synth import render_pdf

    if ocr.tessdata() is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = render_pdf(sorted(SAMPLES_DIR.glob("*.txt"))[0].read_text(encoding="utf-8"), Path(tmp) / "s.pdf")
        t0 = time.perf_counter()
        result = ocr.ocr_pages(pdf_path, list(range(pages)))
        seconds = time.perf_counter() - t0
    n = len(result.pages)
    return {"pages": n, "seconds": seconds, "pages_per_s": n / seconds, "dpi": ocr.DPI, "threads": ocr.threads()}


def stage_profile(files: list[Path]) -> dict[str, float]:
    """Seconds per declared stage (and reading) over `files`, in this process."""
    from pipeline.document import Document
    from pipeline.process import PIPELINE, process_text
    from pipeline.reading.readers import read

    process_text(load_yaml("synth.yaml")["warm_up_plan"], "warm")
    totals: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    for f in files:
        t = time.perf_counter()
        try:
            raw = read(f)
        except Exception:  # noqa: BLE001 - a failing document still spent its time
            continue
        finally:
            totals["read"] += time.perf_counter() - t
        doc = Document(doc_id=f.stem, source=str(f), format=raw.format, pages=raw.pages, raw=raw)
        for stage in PIPELINE.stages:
            t = time.perf_counter()
            try:
                stage.func(doc)
            except Exception:  # noqa: BLE001
                break
            finally:
                totals[stage.name] += time.perf_counter() - t
    totals["(total)"] = time.perf_counter() - t0
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


def measure_readers_and_run(corpus: Path, work: Path, w: int, figures: dict) -> None:
    """PDFs: bare readers and `run` with one worker; text: `run` with 1 and `w` workers."""
    pdfs = subset(corpus, ["pdf"], None, work / "pdf")
    plumber = time_bare_reader(pdfs, _plumber_one)
    pdfium = time_bare_reader(pdfs, _pdfium_one)
    run_pdf = time_run(pdfs, 1)
    figures.update(pdfplumber=plumber, pypdfium2=pdfium, run_pdf=run_pdf,
                   pdf_ratio_pdfplumber=run_pdf["seconds"] / plumber["seconds"],
                   pdf_ratio_pypdfium2=run_pdf["seconds"] / pdfium["seconds"])
    print("PDF input, one process/worker    docs    pages   pages/s  seconds")
    for label, r in (("bare pdfplumber text", plumber), ("bare pypdfium2 text", pdfium),
                     ("run (whole job, 1 worker)", run_pdf)):
        print(f"  {label:28s} {r['docs']:6d} {r['pages']:8d} {_rate(r['pages'], r['seconds'])} {r['seconds']:8.1f}")
    print(f"  run / bare pdfplumber: {figures['pdf_ratio_pdfplumber']:.2f}x (target <= 0.25x); "
          f"run / bare pypdfium2: {figures['pdf_ratio_pypdfium2']:.2f}x; "
          f"run: {run_pdf['pages'] / run_pdf['seconds']:.1f} pages/s per core (target >= 60)\n", flush=True)

    textual = subset(corpus, ["txt", "docx"], None, work / "textdocx")
    text_only = subset(corpus, ["txt"], None, work / "text")
    run_text1 = time_run(text_only, 1)
    run_textn = time_run(text_only, w)
    run_text = time_run(textual, w)
    per_core = run_text1["docs"] / run_text1["seconds"]
    speedup = run_text1["seconds"] / run_textn["seconds"]
    figures.update(run_text_1=run_text1, run_text_n=run_textn, run_text_docx=run_text,
                   text_docs_per_core=per_core, speedup=speedup)
    print(f"text input: {run_text1['docs']} docs, 1 worker {run_text1['seconds']:.1f}s = {per_core:.1f} docs/s "
          f"per core (target >= 20); {w} workers {run_textn['seconds']:.1f}s = x{speedup:.2f} (target >= 1.8 "
          f"for 2); text + DOCX, {w} workers: {run_text['docs']} docs in {run_text['seconds']:.1f}s "
          f"(dataset export {run_text['export_seconds']:.1f}s)\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    from pipeline.running.engines import default_workers

    ap = argparse.ArgumentParser(prog="python -m pipeline.running.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help="corpus size (default 300)")
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

        measure_readers_and_run(corpus, work, w, figures)

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
        for size in [s for s in (n // 4, n // 2, n) if s]:
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

        ocr = time_ocr()
        figures["ocr"] = ocr
        print(f"OCR: {ocr['pages_per_s']:.2f} pages/s at {ocr['dpi']} dpi, {ocr['threads']} threads\n" if ocr
              else "OCR: tesseract not installed\n")

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
