"""What `run` remembers between runs, so unchanged files are never processed twice.

Two stores live under `<out>/.cache/`:

- `objects/<kk>/<key>.json.gz`: the outcome of processing some bytes (a record,
  or an error row), addressed by `key = sha256(file bytes + pipeline fingerprint)`.
  Content-addressed, so a renamed or copied file is not processed again, and a
  new pipeline version (code or resources) invalidates everything at once.
- `state.json` + `journal.tsv`: which record file in `<out>/records/` was written
  from which key and which source, and each input's (size, mtime) so an
  unchanged file need not even be hashed again (the test git uses). The journal
  is appended after every record written, so a run killed at any moment loses
  at most the line being written; `state.json` is the journal folded up, rewritten
  atomically at the end of a run.

Every file is written to a temporary name in the same folder, then renamed:
a crash never leaves half a file under a real name.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import pipeline

if sys.platform != "win32":
    import fcntl
else:  # Windows has no advisory file lock
    fcntl = None

# Files of the package that do not change what a record holds: editing them
# must not throw the cache away.
_NOT_IN_FINGERPRINT = {"running", "cli.py", "__main__.py", "commands", "exports", "__pycache__"}
_FINGERPRINT_SUFFIXES = {".py", ".yaml", ".yml", ".csv", ".json", ".txt", ".tsv", ".pkl", ".joblib", ".bin", ".npz"}


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def atomic_write_bytes(path: Path, data: bytes, durable: bool = False) -> None:
    """Write to a temporary file in the same folder, then rename over `path`.

    The rename is atomic, so a killed process leaves either the old file or the
    new one. `durable` also fsyncs, for files that must survive a power cut.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


TEMPORARY_GLOBS = (".*.tmp", ".*.tmp.wal", ".export-*")  # what atomic writes and the export leave when killed


def clean_temporaries(out_dir: Path) -> int:
    """Remove what a killed run left under `out_dir` (temporary files of atomic writes, the export's staging
    folders); called under the folder's lock, so no other run is writing them. Returns how many."""
    import shutil

    removed = 0
    folders = [out_dir, *(out_dir / name for name in ("records", "csv", "parquet", ".cache"))]
    objects = out_dir / ".cache" / "objects"
    if objects.is_dir():
        folders += [d for d in objects.iterdir() if d.is_dir()]
    for folder in folders:
        if not folder.is_dir():
            continue
        for pattern in TEMPORARY_GLOBS:
            for p in folder.glob(pattern):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed += 1
    return removed


def shown_path(path: Path | str) -> str:
    """A path as text that can always be written (JSON, CSV, UTF-8): a file name that is not UTF-8
    (an old Windows share) keeps its bytes, escaped (`caf\\xe9.txt`); any other name is unchanged."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes, None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


@cache
def pipeline_fingerprint() -> str:
    """The pipeline version plus a hash of every file that shapes a record.

    The version number alone is not enough: during development the code changes
    without it, and a stale cache would silently serve old answers.
    """
    root = Path(pipeline.__file__).resolve().parent
    h = hashlib.sha256(pipeline.__version__.encode())
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or _NOT_IN_FINGERPRINT & set(rel.parts) or p.suffix not in _FINGERPRINT_SUFFIXES:
            continue
        h.update(rel.as_posix().encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return f"{pipeline.__version__}+{h.hexdigest()[:16]}"


def content_key(path: Path, fingerprint: str | None = None) -> str:
    """sha256 of the file's bytes and the pipeline fingerprint: the cache address."""
    h = hashlib.sha256((fingerprint or pipeline_fingerprint()).encode() + b"\0")
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class ObjectStore:
    """Outcomes by content key: `{"record": {...}}` or `{"error": {...}}`, gzipped JSON."""

    def __init__(self, root: Path):
        self.root = root
        self.damaged = 0  # entries found unreadable (then recomputed) during this run

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> dict | None:
        try:
            with gzip.open(self.path(key), "rt", encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError):  # a damaged entry is a miss, not a failure
            self.damaged += 1
            self.path(key).unlink(missing_ok=True)
            return None

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, outcome: dict) -> None:
        data = json.dumps(outcome, ensure_ascii=False).encode("utf-8")
        atomic_write_bytes(self.path(key), gzip.compress(data, compresslevel=3, mtime=0))

    def prune(self, keep: set[str]) -> int:
        """Delete entries not in `keep` (inputs removed or changed); returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for p in self.root.glob("*/*"):
            key = p.name.split(".", 1)[0]
            if key not in keep or p.name.endswith(".tmp"):
                p.unlink(missing_ok=True)
                removed += 1
        for shard in self.root.iterdir():
            if shard.is_dir() and not any(shard.iterdir()):
                shard.rmdir()
        return removed


@dataclass
class Entry:
    """What the output folder holds for one input."""

    source: str
    size: int
    mtime_ns: int
    key: str
    status: str  # "record" | "error"
    error: dict | None = None
    pages: int = 0
    digest: str | None = None  # sha256 of the record file written: a damaged record is noticed and redone


class State:
    """doc_id -> Entry of the last outcome written for it; journalled as it changes."""

    def __init__(self, cache_dir: Path):
        self.dir = cache_dir
        self.entries: dict[str, Entry] = {}
        self._journal = None
        self._load()

    @property
    def state_path(self) -> Path:
        return self.dir / "state.json"

    @property
    def journal_path(self) -> Path:
        return self.dir / "journal.tsv"

    def _load(self) -> None:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            self.entries = {k: Entry(**v) for k, v in data.get("entries", {}).items()}
        except (FileNotFoundError, ValueError, TypeError):
            self.entries = {}
        try:
            lines = self.journal_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        for line in lines:  # a line torn by a kill is skipped: its record is simply redone
            doc_id, _, payload = line.partition("\t")
            try:
                value = json.loads(payload)
                self.entries[doc_id] = Entry(**value) if value else None
            except (ValueError, TypeError):
                continue
        self.entries = {k: v for k, v in self.entries.items() if v is not None}

    def stat_key(self, doc_id: str, path: Path, st: os.stat_result) -> str | None:
        """The known key of an input whose source, size and mtime did not change."""
        e = self.entries.get(doc_id)
        if e and e.source == shown_path(path) and e.size == st.st_size and e.mtime_ns == st.st_mtime_ns:
            return e.key
        return None

    def record(self, doc_id: str, entry: Entry | None) -> None:
        """Remember (or forget, with None) what is written for `doc_id`; durable at once."""
        if entry is None:
            self.entries.pop(doc_id, None)
        else:
            self.entries[doc_id] = entry
        if self._journal is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        payload = json.dumps(asdict(entry) if entry else None, ensure_ascii=False)
        self._journal.write(f"{doc_id}\t{payload}\n")
        self._journal.flush()

    def save(self) -> None:
        """Fold the journal into state.json (atomically), then drop the journal."""
        data = {"entries": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        atomic_write_bytes(self.state_path, json.dumps(data, ensure_ascii=False, indent=0).encode(), durable=True)
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self.journal_path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


class FolderLock:
    """An exclusive lock on an output folder: two runs writing one dataset would mix it up.

    The OS releases it when the process dies, so a killed run never leaves it stuck.
    """

    def __init__(self, path: Path):
        self.path = path
        self._f = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._f = open(self.path, "a+")  # noqa: SIM115
        try:
            if fcntl is not None:  # Windows has no advisory lock: runs there are unguarded
                fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._f.close()
            raise RuntimeError(f"another run is writing to {self.path.parent.parent}; wait for it to finish") from exc
        return self

    def __exit__(self, *exc) -> None:
        if self._f is not None:
            self._f.close()
