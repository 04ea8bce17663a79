"""Regenerate the golden records: `make golden` (a deliberate, reviewed step).

The golden records pin what the pipeline writes, so that a refactor that
should change nothing provably changes nothing (`tests/test_golden.py`).
Seeds are the project's own data: their records are kept whole. The dev
texts are not ours to redistribute: of their records only a digest per field
is kept, enough to say which field of which document changed.

Regenerate only when a change is meant to alter records, and say why in the
commit message.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "data" / "raw"
DEV = SHARED / "corpus" / "dev"
FIELDS = ("text", "metadata", "sections", "tasks", "citations", "agencies", "deadlines", "targets", "warnings")


def comparable(record: dict) -> dict:
    """The record without what depends on where it was run from."""
    out = {k: record[k] for k in ("doc_id", "format", "pages", *FIELDS) if k in record}
    out["source"] = Path(record["source"]).name
    return out


def digest(value) -> str:
    blob = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def field_digests(record: dict) -> dict:
    rec = comparable(record)
    return {k: digest(rec.get(k)) for k in ("source", "format", "pages", *FIELDS)}


def extract(folder: Path) -> dict[str, dict]:
    from pipeline.process import process_file

    out = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in {".txt", ".md", ".pdf", ".docx"} and path.name != "README.md":
            out[path.stem] = process_file(path).to_record()
    return out


def main() -> int:
    seeds = {k: comparable(v) for k, v in extract(SEEDS).items()}
    (HERE / "seeds.json").write_text(json.dumps(seeds, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                     encoding="utf-8")
    print(f"{len(seeds)} seed records -> tests/golden/seeds.json")
    if DEV.is_dir():
        dev = {k: field_digests(v) for k, v in extract(DEV).items()}
        (HERE / "dev_digests.json").write_text(json.dumps(dev, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(dev)} dev record digests -> tests/golden/dev_digests.json")
    else:
        print("../shared/corpus/dev is absent: dev digests left as they are", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
