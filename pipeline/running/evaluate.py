"""`make eval` (`python -m pipeline eval`): extract every gold set the project has and score it.

One table, field x set, with precision, recall and F1, scored by the shared
scorer (`../shared/eval/score.py`, the same that scores the hidden set).
Sets: the sample plans as text, and rendered as PDF and DOCX (each reader held
to the same gold), the held-out dev set of other provinces, and any gold the
project adds under `tests/gold_sets/<name>/` (a `corpus.txt` there names the
folder of texts, relative to the repository). Then the theme classifier on
the dev set's labelled tasks, per theme and activity, beside the cue baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FIELDS = ("sections", "citations", "agencies", "deadlines", "targets")
EXTRAS = {"sections": "heading_accuracy", "citations": "date_accuracy", "agencies": "lead_accuracy",
          "deadlines": "recurrence_accuracy", "targets": "target_year_accuracy"}


@dataclass
class GoldSet:
    name: str
    gold: Path
    make_inputs: Callable[[Path], list[Path]]  # given a scratch folder, the files to extract


def load_scorer():
    """The shared scorer, or the copy kept in tests/gold/ when ../shared is absent."""
    for path in (SHARED / "eval" / "score.py", ROOT / "tests" / "gold" / "score.py"):
        if path.is_file():
            spec = importlib.util.spec_from_file_location("score", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    raise SystemExit("eval: no scorer found (../shared/eval/score.py or tests/gold/score.py)")


def _texts(folder: Path) -> Callable[[Path], list[Path]]:
    return lambda _scratch: sorted(p for p in folder.glob("*.txt") if p.name != "README.md")


def _rendered(folder: Path, kind: str) -> Callable[[Path], list[Path]]:
    """The folder's texts rendered as `kind` files (synth.render_as): each reader held to the same gold."""
    def make(scratch: Path) -> list[Path]:
        from pipeline.running.synth import render_as

        return [render_as(kind, src.read_text(encoding="utf-8"), scratch / src.stem) for src in _texts(folder)(scratch)]

    return make


def gold_sets() -> list[GoldSet]:
    seeds_gold = SHARED / "gold" if (SHARED / "gold").is_dir() else ROOT / "tests" / "gold"
    seeds = ROOT / "data" / "raw"
    sets = [GoldSet("seeds", seeds_gold, _texts(seeds)),
            GoldSet("seeds as PDF", seeds_gold, _rendered(seeds, "pdf")),
            GoldSet("seeds as DOCX", seeds_gold, _rendered(seeds, "docx")),
            GoldSet("seeds as HTML", seeds_gold, _rendered(seeds, "html"))]
    from pipeline.reading import ocr, office

    if office.soffice():
        sets.append(GoldSet("seeds as DOC", seeds_gold, _rendered(seeds, "doc")))
    if ocr.tessdata():
        sets.append(GoldSet("seeds as scans", seeds_gold, _rendered(seeds, "scan")))
    if (SHARED / "gold" / "dev").is_dir() and (SHARED / "corpus" / "dev").is_dir():
        sets.append(GoldSet("dev", SHARED / "gold" / "dev", _texts(SHARED / "corpus" / "dev")))
    for folder in sorted((ROOT / "tests" / "gold_sets").glob("*/")):
        corpus = ROOT / (folder / "corpus.txt").read_text(encoding="utf-8").strip()
        if corpus.is_dir():
            sets.append(GoldSet(folder.name, folder, _texts(corpus)))
    return sets


def score_set(gs: GoldSet, scorer) -> dict:
    """Extract the set's files into a scratch folder and score them."""
    from pipeline.process import process_file

    with tempfile.TemporaryDirectory(prefix="vncp-eval-") as tmp:
        scratch, pred = Path(tmp) / "in", Path(tmp) / "pred"
        scratch.mkdir()
        pred.mkdir()
        for path in gs.make_inputs(scratch):
            record = process_file(path).to_record()
            (pred / f"{path.stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        report, _ = scorer.score_extract(gs.gold, pred)
    return report


def format_table(reports: dict[str, dict]) -> str:
    """field x set: P / R / F1 (and the field's extra accuracy) per cell, markdown."""
    names = list(reports)
    lines = ["| field | " + " | ".join(f"{n} ({reports[n]['documents']} docs)" for n in names) + " |",
             "|---|" + "---|" * len(names),
             "| metadata accuracy | " + " | ".join(_num(reports[n]["metadata_accuracy"]) for n in names) + " |"]
    for field in FIELDS:
        cells = []
        for n in names:
            r = reports[n][field]
            if r["tp"] + r["fp"] + r["fn"] == 0:
                cells.append("–")
                continue
            cells.append(f"{r['precision']:.3f} / {r['recall']:.3f} / **{r['f1']:.3f}**")
        lines.append(f"| {field} P / R / F1 | " + " | ".join(cells) + " |")
        lines.append(f"| {EXTRAS[field].replace('_', ' ')} | "
                     + " | ".join(_num(reports[n][field].get(EXTRAS[field])) for n in names) + " |")
    return "\n".join(lines)


def _num(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def classifier_section() -> str:
    """The theme classifier on the dev tasks (never trained on), per label, beside the cue baseline."""
    from pipeline.classifier import evaluate as classifier_eval

    if not classifier_eval.dev_available():
        return "\nclassifier: ../shared/gold/dev/themes.jsonl is absent, not scored"
    return "\n" + classifier_eval.format_report(classifier_eval.dev_report())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline eval", description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="also write the reports as JSON")
    args = ap.parse_args(argv)
    scorer = load_scorer()
    reports = {}
    for gs in gold_sets():
        print(f"scoring {gs.name} ...", file=sys.stderr)
        reports[gs.name] = score_set(gs, scorer)
    print(format_table(reports))
    print(classifier_section())
    if args.json:
        args.json.write_text(json.dumps(reports, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
