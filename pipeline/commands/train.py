"""`train [--evaluate]`: rebuild the shipped theme classifier from data/labels/ and write its model card."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.classifier import CARD_PATH, MODEL_PATH


def register(sub) -> None:
    p = sub.add_parser("train", help="rebuild the theme classifier from data/labels/ (model + model card)")
    p.add_argument("--evaluate", action="store_true",
                   help="print the dev-set table (per label, beside the cue baseline) and the grouped-CV table; "
                        "exit 1 if a bar is missed")
    p.add_argument("--labels", type=Path, default=None, metavar="DIR", help="labelled data (default data/labels)")
    p.add_argument("--excerpts", type=Path, default=None, metavar="DIR",
                   help="excerpt folder (default ../shared/corpus/excerpts)")
    p.add_argument("--out", type=Path, default=MODEL_PATH, metavar="FILE", help="model file to write")
    p.set_defaults(func=run)


def run(args) -> int:
    import joblib

    from pipeline.classifier import card, data, evaluate, runtime, training

    labelled = data.load_labelled(args.labels or data.LABELS_DIR,
                                  args.excerpts if args.excerpts is not None else data.EXCERPTS_DIR)
    for note in labelled.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"training on {len(labelled.tasks)} tasks from {len(set(labelled.groups))} documents "
          "(leave-one-document-out CV)...", file=sys.stderr)
    result = training.train(labelled, log=lambda m: print(m, file=sys.stderr))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(result.model, args.out, compress=3)
    compiled = runtime.runtime_path(args.out)
    runtime.save(runtime.compile_model(result.model, runtime.file_sha256(args.out)), compiled)
    card_path = CARD_PATH if args.out == MODEL_PATH else args.out.with_suffix(".md")
    dev = evaluate.dev_report(result.model, name=result.model.family) if evaluate.dev_available() else None
    card_path.write_text(card.model_card(result, dev), encoding="utf-8")
    print(f"model ({result.model.family}) -> {args.out} (+ {compiled.name}); card -> {card_path} "
          f"({result.seconds:.0f}s)",
          file=sys.stderr)
    if args.evaluate:
        if dev is not None:
            print(evaluate.format_report(dev) + "\n")
        print(card.summary_table(result))
        failed = card.bars_met(result) + (dev.failed_bars() if dev is not None else [])
        for f in failed:
            print(f"bar missed: {f}", file=sys.stderr)
        return 1 if failed else 0
    return 0
