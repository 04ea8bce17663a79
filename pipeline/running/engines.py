"""Where documents are processed: in this process, in a local pool, or on Dask.

Every engine takes `Job`s and yields `(job, outcome)` as documents finish, in
any order; an outcome is `{"record": {...}}` or `{"error": {...}}` and never an
exception, so one bad file cannot stop a batch.

The local pool is our own (not `concurrent.futures`) because a hung or
runaway document must be killed alone: each worker is a process we can
SIGKILL on a time limit or a memory limit and replace, while the others go on.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from pipeline.errors import PlanError
from pipeline.knowledge.loader import load_yaml
from pipeline.reading import ocr
from pipeline.running.cache import shown_path

TEXT_SUFFIXES = {".txt", ".md"}

# Test hook (used by the resume and timeout tests): sleep this many seconds
# per document, only for documents whose path contains PIPELINE_TEST_DELAY_MATCH
# when that is set.
DELAY_ENV = "PIPELINE_TEST_DELAY"
DELAY_MATCH_ENV = "PIPELINE_TEST_DELAY_MATCH"


@dataclass(frozen=True)
class Job:
    path: str
    doc_id: str
    key: str = ""


@dataclass(frozen=True)
class Limits:
    """Per-document limits. 0 means no limit."""

    timeout: float = 120.0  # seconds, for any document
    timeout_per_page: float = 10.0  # seconds more for each page of a PDF (OCR takes ~1.5-6 s a page)
    max_memory_mb: int = 4096  # resident memory of one worker
    max_text_mb: float = 10.0  # a .txt/.md above this is refused before reading


class TooLarge(PlanError):
    code = "too_large"


class Killed(PlanError):
    """The worker was stopped: timed out, out of memory, or crashed. Not cached: may pass next time."""

    code = "killed"


# The `stage` of an errors.csv row besides the pipeline's own stages (`clean`, `guard`, `structure`, …):
READ_STAGE = "read"  # the file could not be opened or read into text
PROCESS_STAGE = "process"  # the worker was stopped mid-document (time, memory, crash): which stage is not known
EXPORT_STAGE = "export"  # a stored record could not be read back into the dataset


def error_fields(exc: BaseException, stage: str = PROCESS_STAGE) -> dict:
    """The error columns of errors.csv for an exception raised by one document in `stage`."""
    if isinstance(exc, PlanError):
        return {"error": exc.code, "reason": exc.reason, "hint": exc.hint, "stage": stage}
    if isinstance(exc, RecursionError):
        reason = "the document nests too deeply to process (recursion limit)"
    elif isinstance(exc, MemoryError):
        reason = "the document needs more memory than is available"
    else:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return {"error": "bug", "reason": reason,
            "hint": "this is a bug in the pipeline: please report it with the file", "stage": stage}


def pdf_pages(path: str) -> int:
    """How many pages a PDF has (pdfium reads only its page tree: milliseconds); 0 for any other file.

    Counted in the worker before the document is processed, so its time limit can grow with it;
    a file that does not open as a PDF counts 0 and keeps the base limit.
    """
    if not path.lower().endswith(".pdf"):
        return 0
    try:
        import pypdfium2 as pdfium

        from pipeline.reading.pdf import MAX_PDF_PAGES

        pdf = pdfium.PdfDocument(path)
        try:
            return min(len(pdf), MAX_PDF_PAGES)
        finally:
            pdf.close()
    except Exception:  # noqa: BLE001 - the reader itself reports a damaged PDF as one error row
        return 0


def document_timeout(limits: Limits, pages: int) -> float:
    """The time limit of one document: the base limit plus `timeout_per_page` for each PDF page; 0 is none."""
    if not limits.timeout:
        return 0.0
    return limits.timeout + limits.timeout_per_page * max(0, pages)


def timeout_error(seconds: float, pages: int = 0) -> dict:
    of_pages = f" (its limit for {pages} PDF pages)" if pages else ""
    return {"error": Killed.code, "reason": f"timed out after {seconds:g} s{of_pages}",
            "hint": "the document took too long; raise --timeout or check the file", "stage": PROCESS_STAGE}


def _test_delay(path: str) -> None:
    delay = float(os.environ.get(DELAY_ENV) or 0)
    match = os.environ.get(DELAY_MATCH_ENV)
    if delay > 0 and (not match or match in path):
        time.sleep(delay)


def _tracked_pipeline(at: list[str]):
    """The pipeline with each stage noting its name in `at` before it runs: an error row says which failed."""
    from dataclasses import replace

    from pipeline.process import PIPELINE, Pipeline

    def noting(stage):
        def run(doc) -> None:
            at[0] = stage.name
            stage.func(doc)
        return replace(stage, func=run)

    return Pipeline([noting(s) for s in PIPELINE.stages])


def process_path(path: str, max_text_mb: float = 0) -> dict:
    """Process one file into an outcome dict; never raises."""
    at = [READ_STAGE]
    try:
        _test_delay(path)
        p = Path(path)
        size = p.stat().st_size
        if max_text_mb and p.suffix.lower() in TEXT_SUFFIXES and size > max_text_mb * 1e6:
            raise TooLarge(
                f"the text file is {size / 1e6:.1f} MB; plans are far smaller (limit {max_text_mb:g} MB)",
                "split it into one file per plan, or raise --max-text-mb")
        from pipeline.process import process_raw
        from pipeline.reading.readers import read

        raw = read(p)
        doc = process_raw(raw, p.stem, pipeline=_tracked_pipeline(at))
        record = doc.to_record()
        # a file name that is not UTF-8 reaches the record as text that can be written (its bytes escaped)
        record["doc_id"], record["source"] = shown_path(record["doc_id"]), shown_path(record["source"])
        return {"record": record}
    except Exception as exc:  # noqa: BLE001 - every failure becomes a row of errors.csv
        error = error_fields(exc, at[0])
        return {"error": {k: shown_path(v) if isinstance(v, str) else v for k, v in error.items()}}


def cacheable(outcome: dict) -> bool:
    """Whether an outcome depends only on the bytes and the code (not on limits or load)."""
    err = outcome.get("error")
    return err is None or err.get("error") not in {Killed.code, TooLarge.code}


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------- in process

class InlineEngine:
    """Process in this process, one after another: no start-up cost, no time limit."""

    on_ocr_page: Callable[[], None] | None = None  # called for each page OCR'd

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits(timeout=0)

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, dict]]:
        global _settled
        try:
            for job in jobs:
                settle()
                ocr.page_listener = self.on_ocr_page
                try:
                    outcome = process_path(job.path, self.limits.max_text_mb)
                finally:
                    ocr.page_listener = None
                yield job, outcome
        finally:
            if _settled:
                gc.unfreeze()
                _settled = False

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- local pool

# A few lines of sample plan 003: processing them loads every lazy resource
# (word lists, models) before a worker takes its first document, so its time
# limit measures the document, not the start-up.
WARM_UP_TEXT = load_yaml("synth.yaml")["warm_up_plan"]


def warm_up() -> None:
    try:
        from pipeline.process import process_text

        process_text(WARM_UP_TEXT, "warm-up")
    except Exception:  # noqa: BLE001 - a failing warm-up only means a slower first document
        pass


_settled = False


def settle() -> None:
    """Warm the pipeline up, then take everything loaded so far out of the garbage collector's sight.

    A warm worker holds ~170,000 long-lived objects (models, word lists, compiled
    patterns). pdfplumber makes a dict per character, so the collector runs its
    full passes often, and each pass walked that whole heap: PDF documents took
    ~25% longer than they need to (`make bench`). `gc.freeze()` moves the
    loaded objects to a generation the collector never scans; in the forkserver
    it also keeps forked workers from touching (and so copying) the pages they
    share. Done once per worker process, which ends with `os._exit`; the
    in-process engine undoes it when its batch ends (`gc.unfreeze`), so the
    caller's objects are collected as usual afterwards.
    """
    global _settled
    if _settled:
        return
    warm_up()
    gc.freeze()
    _settled = True


def _hook_env() -> dict[str, str | None]:
    """The test hooks as the parent sees them now (a forkserver keeps the env it started with)."""
    return {k: os.environ.get(k) for k in (DELAY_ENV, DELAY_MATCH_ENV)}


def _send_quietly(conn, message) -> None:
    """A progress message to the parent; a parent that has gone is no error of the document's."""
    try:
        conn.send(message)
    except (BrokenPipeError, OSError):
        pass


def _worker_main(conn, max_text_mb: float, env: dict[str, str | None]) -> None:
    """Loop of one worker process: receive a path, send back its outcome."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    settle()
    try:
        conn.send(("ready", None))
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path = msg
        try:
            conn.send(("pages", (index, pdf_pages(path))))  # the parent sets this document's time limit
        except (BrokenPipeError, OSError):
            return
        ocr.page_listener = functools.partial(_send_quietly, conn, ("ocr_page", (index, 1)))
        outcome = process_path(path, max_text_mb)
        ocr.page_listener = None
        try:
            conn.send((index, outcome))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx, max_text_mb: float):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, max_text_mb, _hook_env()), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.job_index: int | None = None
        self.started = 0.0
        self.pages = 0  # of the current document, as its worker counted them
        self.done = 0

    def send(self, index: int, path: str) -> None:
        self.job_index, self.started, self.pages = index, time.monotonic(), 0
        self.conn.send((index, path))

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError):
            pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()


def _mp_context():
    """forkserver with the pipeline preloaded: workers start (and restart) fast and thread-safe."""
    if sys.platform != "win32" and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.process", "pipeline.running._warm_worker"])
        return ctx
    return mp.get_context("spawn")


class LocalEngine:
    """A pool of worker processes, each killed and replaced when a document breaks a limit."""

    recycle_after = 500  # documents per worker before a fresh one: bounds slow memory growth
    on_ocr_page: Callable[[], None] | None = None  # called in this process for each page a worker OCRs

    def __init__(self, workers: int | None = None, limits: Limits | None = None):
        self.n = max(1, workers or default_workers())
        self.limits = limits or Limits()
        self.ctx = _mp_context()
        if self.ctx.get_start_method() == "forkserver":
            # start loading the pipeline into the forkserver now (~2 s), while the caller finds and hashes
            # its inputs, rather than when the first worker is asked for
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def _memory_mb(self, w: _Worker) -> float:
        try:
            import psutil

            return psutil.Process(w.proc.pid).memory_info().rss / 2**20
        except Exception:  # noqa: BLE001 - a worker that just exited has no memory to check
            return 0.0

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, dict]]:
        pending = list(jobs)[::-1]  # pop() from the end keeps the input order
        if not pending:
            return
        by_index: dict[int, Job] = {}
        workers = [_Worker(self.ctx, self.limits.max_text_mb) for _ in range(min(self.n, len(pending)))]
        next_index = 0

        def dispatch() -> None:
            """Give every idle, ready worker its next document."""
            nonlocal next_index
            for w in workers:
                if w.ready and w.job_index is None and pending:
                    job = pending.pop()
                    by_index[next_index] = job
                    w.send(next_index, job.path)
                    next_index += 1

        try:
            while True:
                dispatch()
                busy = [w for w in workers if w.job_index is not None or not w.ready]
                if not busy:
                    return
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.5)
                for w in busy:
                    if not w.ready and w.conn in ready:
                        try:
                            w.conn.recv()
                            w.ready = True
                        except (EOFError, OSError) as exc:
                            raise RuntimeError(f"a worker process could not start (exit code {w.proc.exitcode})") from exc
                    elif not w.ready and w.proc.sentinel in ready:
                        raise RuntimeError(f"a worker process could not start (exit code {w.proc.exitcode})")
                now = time.monotonic()
                for i, w in enumerate(list(workers)):
                    if w.job_index is None:
                        continue
                    job = by_index[w.job_index]
                    outcome, replace = self._poll(w, ready, now)
                    if outcome is None:
                        continue
                    del by_index[w.job_index]
                    w.job_index = None
                    w.done += 1
                    if replace or w.done >= self.recycle_after:
                        (w.kill if replace else w.stop)()
                        if pending:  # else the dead worker is dropped below
                            workers[i] = _Worker(self.ctx, self.limits.max_text_mb)
                    dispatch()  # the worker goes on to its next document while the caller handles this one
                    yield job, outcome
                workers = [w for w in workers if w.proc.is_alive() or w.job_index is not None]
        finally:
            for w in workers:
                (w.kill if w.job_index is not None else w.stop)()

    def _poll(self, w: _Worker, ready: list, now: float) -> tuple[dict | None, bool]:
        """The outcome of a busy worker's document, if it has one now, and whether the worker must go."""
        if w.conn in ready:
            try:
                tag, outcome = w.conn.recv()
            except (EOFError, OSError):
                return self._crashed(w), True
            if tag == "pages":  # counted before processing: sets the time limit, not an outcome yet
                w.pages = outcome[1]
                return None, False
            if tag == "ocr_page":  # one more page OCR'd: progress, not an outcome yet
                if self.on_ocr_page is not None:
                    self.on_ocr_page()
                return None, False
            return outcome, False
        if w.proc.sentinel in ready:
            return self._crashed(w), True
        limit = document_timeout(self.limits, w.pages)
        if limit and now - w.started > limit:
            return {"error": timeout_error(limit, w.pages)}, True
        if self.limits.max_memory_mb and self._memory_mb(w) > self.limits.max_memory_mb:
            return {"error": {
                "error": Killed.code,
                "reason": f"used more than {self.limits.max_memory_mb} MB of memory",
                "hint": "the file is too large or malformed; raise --max-memory-mb to try again", "stage": PROCESS_STAGE}}, True
        return None, False

    def _crashed(self, w: _Worker) -> dict:
        w.proc.join(1)
        code = w.proc.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return {"error": {"error": Killed.code, "reason": f"the worker process died ({how}) on this document",
                          "hint": "the file may be malformed or too large; check it", "stage": PROCESS_STAGE}}

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- dask

def process_path_limited(path: str, limits: Limits) -> dict:
    """`process_path` under its time limit (scaled with its PDF pages), inside a Dask worker.

    A Dask task runs in a worker thread and cannot be killed; on time-out we
    report it and flag the worker for a restart, which the client performs.
    """
    settle()
    max_text_mb, pages = limits.max_text_mb, pdf_pages(path)
    timeout = document_timeout(limits, pages)
    if not timeout:
        return process_path(path, max_text_mb)
    box: dict = {}
    t = threading.Thread(target=lambda: box.update(out=process_path(path, max_text_mb)), daemon=True)
    t.start()
    t.join(timeout)
    if "out" in box:
        return box["out"]
    try:
        from distributed import get_worker

        address = get_worker().address
    except Exception:  # noqa: BLE001
        address = None
    return {"error": timeout_error(timeout, pages), "restart_worker": address}


class DaskEngine:
    """Run the same per-document function on a Dask cluster.

    `scheduler`: address of a running scheduler ("tcp://host:8786"); when None,
    a LocalCluster with `workers` single-threaded processes is started here.
    Workers must see the input files at the same paths (a shared filesystem)
    and have this package installed at the same version.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None, limits: Limits | None = None):
        self.scheduler = scheduler
        self.n = max(1, workers or default_workers())
        self.limits = limits or Limits()
        self._client = None
        self._cluster = None

    def client(self):
        if self._client is None:
            from distributed import Client, LocalCluster

            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                self._cluster = LocalCluster(n_workers=self.n, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=40)
                self._client = Client(self._cluster)
        return self._client

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, dict]]:
        from distributed import as_completed

        jobs = list(jobs)
        if not jobs:
            return
        client = self.client()
        futures = {}
        for job in jobs:
            fut = client.submit(process_path_limited, str(Path(job.path).resolve()), self.limits, pure=False,
                                key=f"doc-{job.doc_id}-{job.key[-12:]}")
            futures[fut] = job
        for fut in as_completed(futures):
            job = futures.pop(fut)
            try:
                outcome = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated crashes
                outcome = {"error": {"error": Killed.code, "reason": f"the Dask task failed: {exc}",
                                     "hint": "the file may crash the worker; check it", "stage": PROCESS_STAGE}}
            address = outcome.pop("restart_worker", None)
            if address:
                try:
                    client.restart_workers([address])
                except Exception:  # noqa: BLE001 - older distributed, or the worker is already gone
                    pass
            yield job, outcome

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
