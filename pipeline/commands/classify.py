"""`classify [FILE] [--out FILE] [--proba] [--explain]`: tag tasks given as JSON Lines.

Reads `{"id": ..., "text": ...}` per line (stdin or FILE) and writes
`{"id": ..., "themes": [...], "activities": [...]}` per line, in order
(stdout or --out). A line may also carry `"context"`: the headings above the
task (a string or a list, innermost first), which add to the text's scores as
a record's section headings do. `--proba` adds `"proba": {"themes:drowning": 0.93, ...}`;
`--explain` adds `"explain": {"themes:drowning": [["chars: đuối", 0.41], ...]}`,
the features that pushed each predicted label, and `"evidence"`, the tag's
evidence as records carry it (`tag_evidence`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("classify", help="tag tasks (JSON Lines id/text) with themes and activities")
    p.add_argument("input", nargs="?", type=Path, default=None, help="JSON Lines file (default stdin)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="output file (default stdout)")
    p.add_argument("--proba", action="store_true", help="add a score per label")
    p.add_argument("--explain", action="store_true", help="add the top weighted features per predicted label")
    p.add_argument("--model", type=Path, default=None, metavar="FILE", help="model file (default: shipped)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pipeline.classifier import MODEL_PATH, load_model

    model_path = args.model or MODEL_PATH
    if not Path(model_path).is_file():
        print(f"error: no model at {model_path}; run `python -m pipeline train`", file=sys.stderr)
        return 2
    src = open(args.input, encoding="utf-8") if args.input else sys.stdin
    try:
        rows = []
        for n, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"error: line {n}: {e}", file=sys.stderr)
                return 2
    finally:
        if args.input:
            src.close()
    from pipeline.classifier import context, tag_evidence

    model = load_model(str(model_path))
    texts = [str(r.get("text") or "") for r in rows]
    contexts = [context.from_headings(r.get("context")) for r in rows]
    tags = model.predict(texts, contexts)
    scores = model.scores(texts, contexts) if args.proba else None
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        for i, (r, t) in enumerate(zip(rows, tags, strict=True)):
            rec = {"id": r.get("id"), "themes": t["themes"], "activities": t["activities"]}
            if scores is not None:
                rec["proba"] = {f"{f}:{lab}": round(float(s), 4) for (f, lab), s in zip(model.columns, scores[i],
                                                                                       strict=True)}
            if args.explain:
                rec["explain"] = model.explain(texts[i], context=contexts[i])
                rec["evidence"] = tag_evidence(model, texts[i], contexts[i], t)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0
