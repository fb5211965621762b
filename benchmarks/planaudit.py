"""Precision and recall of the plan audit on the hand-labelled seed plans, and its time on a long plan.

    .venv/bin/python benchmarks/planaudit.py                       # labelled set + 200-page timing
    .venv/bin/python benchmarks/planaudit.py --zonder-tijd         # labelled set only
    .venv/bin/python benchmarks/planaudit.py --seeds DIR --pages 200 --json uit.json

The source documents are not in the repository: ``--seeds`` or the environment variable
``REGIO_ANALYSIS_BRONNEN`` names their folder.

The labels (``tests/bronnen/planaudit_labels.yaml``) name each seed file and its sha256, and per
finding its kind, the offsets of a quantity it involves and whether it is true (``juist``). No
sentence of a plan is copied into them. A reported finding matches a label of its kind when one
of its quantities (``locaties``) overlaps the label's ``[start, einde)``. Precision counts every
reported finding: one without a label counts as false (and is listed, to be labelled); recall
counts the true labels, also those of findings the audit does not report.

Exit code: 0 when precision is at least 0.8 and the long plan takes at most 30 s, 1 when a target
is missed, 2 when a seed is missing or differs from the labelled one.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "bronnen" / "planaudit_labels.yaml"
SEEDS = Path(os.environ["REGIO_ANALYSIS_BRONNEN"]) if os.environ.get("REGIO_ANALYSIS_BRONNEN") else None
PRECISION_TARGET = 0.8
SECONDS_TARGET = 30.0
CHARS_PER_PAGE = 3000  # an A4 page of plan prose


def load_labels(path: Path = LABELS) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_seed(seeds: Path, entry: dict) -> str:
    """The text of a labelled seed, checked against its sha256."""
    from regio_analysis.io.documents import read_document
    from regio_analysis.qualitative.documents import text_hash

    path = seeds / entry["bestand"]
    if not path.exists():
        raise FileNotFoundError(f"{path}: seed not found")
    text = read_document(path)[0]
    if text_hash(text) != entry["sha256"]:
        raise ValueError(f"{path}: sha256 {text_hash(text)} differs from the labelled {entry['sha256']}")
    return text


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(findings, labels: list[dict]) -> list[dict]:
    """One row per reported finding and per true label not reported: ``soort``, ``uitkomst``
    (``juist``, ``onjuist``, ``ongelabeld``, ``gemist``), offsets."""
    rows, found_labels = [], set()
    for _, f in findings.iterrows():
        spans = [tuple(s) for s in f["locaties"]] or [(int(f["start"]), int(f["einde"]))]
        match = [i for i, lab in enumerate(labels) if lab["soort"] == f["soort"]
                 and any(_overlaps(s, (lab["start"], lab["einde"])) for s in spans)]
        if not match:
            outcome = "ongelabeld"
        elif any(labels[i]["juist"] for i in match):
            outcome = "juist"
            found_labels.update(i for i in match if labels[i]["juist"])
        else:
            outcome = "onjuist"
        rows.append(dict(soort=f["soort"], uitkomst=outcome, start=int(f["start"]), einde=int(f["einde"]),
                         regel=f["regel"]))
    for i, lab in enumerate(labels):
        if lab["juist"] and i not in found_labels:
            rows.append(dict(soort=lab["soort"], uitkomst="gemist", start=lab["start"], einde=lab["einde"],
                             regel=lab.get("notitie", "")))
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Per kind and in total: reported, true, false, unlabelled, missed, precision and recall."""
    from regio_analysis.planaudit import KINDS

    out = []
    for kind in list(KINDS) + ["totaal"]:
        sel = [r for r in rows if kind == "totaal" or r["soort"] == kind]
        n = {k: sum(1 for r in sel if r["uitkomst"] == k) for k in ("juist", "onjuist", "ongelabeld", "gemist")}
        reported = n["juist"] + n["onjuist"] + n["ongelabeld"]
        known = n["juist"] + n["gemist"]
        out.append(dict(soort=kind, gemeld=reported, **n,
                        precisie=n["juist"] / reported if reported else None,
                        recall=n["juist"] / known if known else None))
    return out


def region_of(bestand: str):
    """The default region whose published tables were transcribed from the seed ``bestand`` (its
    ``regio.yaml`` maps the file name to the plan's title under ``bronnen``), loaded; None if none."""
    from regio_analysis.data import load_region
    from regio_analysis.data.regions import DEFAULT_REGIONS, default_data_dir, read_regio_yaml

    for rid in DEFAULT_REGIONS:
        if bestand in (read_regio_yaml(default_data_dir() / rid).get("bronnen") or {}):
            return load_region(rid)
    return None


def run_labelled(seeds: Path, labels_path: Path = LABELS) -> tuple[list[dict], list[dict]]:
    """Every labelled seed audited, with its region's data where a default region was transcribed
    from it (so findings of kind ``gegevens`` are scored too: any is unlabelled, counted as false)."""
    from regio_analysis.planaudit import audit

    data = load_labels(labels_path)
    rows = []
    for entry in data["bestanden"]:
        text = read_seed(seeds, entry)
        region = region_of(entry["bestand"])
        for r in score(audit(text, region=region), entry.get("bevindingen") or []):
            rows.append(dict(r, bestand=entry["bestand"], regio=region.regio_id if region is not None else ""))
    return rows, summary(rows)


def long_plan(seeds: Path, pages: int, labels_path: Path = LABELS) -> str:
    """The seed plans one after another, repeated until the text fills ``pages`` pages."""
    data = load_labels(labels_path)
    texts = [read_seed(seeds, e) for e in data["bestanden"]]
    parts, size, i = [], 0, 0
    while size < pages * CHARS_PER_PAGE:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)


def time_long_plan(seeds: Path, pages: int) -> dict:
    from regio_analysis.planaudit import audit, extract_quantities

    text = long_plan(seeds, pages)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    q = extract_quantities(text)
    t1 = time.perf_counter()
    found = audit(text, quantities=q)
    t2 = time.perf_counter()
    return dict(paginas=pages, tekens=len(text), grootheden=len(q), bevindingen=len(found),
                seconden_extractie=round(t1 - t0, 2), seconden_totaal=round(t2 - t0, 2),
                cpu_seconden=round(time.process_time() - cpu0, 2))


def _fmt(x) -> str:
    return "–" if x is None else f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=Path, default=SEEDS)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--zonder-tijd", action="store_true", help="skip the timing on a long plan")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    args = ap.parse_args(argv)
    if args.seeds is None:
        print("FAIL: the source documents are not in the repository; give their folder with --seeds DIR or "
              "REGIO_ANALYSIS_BRONNEN", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    try:
        rows, table = run_labelled(args.seeds, args.labels)
    except (FileNotFoundError, ValueError) as err:
        print(f"FAIL: {err}", file=sys.stderr)
        return 2
    print("Plan audit on the labelled seed plans\n")
    print(f"{'soort':<14}{'gemeld':>7}{'juist':>7}{'onjuist':>8}{'ongelabeld':>11}{'gemist':>7}"
          f"{'precisie':>10}{'recall':>8}")
    for r in table:
        print(f"{r['soort']:<14}{r['gemeld']:>7}{r['juist']:>7}{r['onjuist']:>8}{r['ongelabeld']:>11}"
              f"{r['gemist']:>7}{_fmt(r['precisie']):>10}{_fmt(r['recall']):>8}")
    unlabelled = [r for r in rows if r["uitkomst"] == "ongelabeld"]
    if unlabelled:
        print("\nFindings without a label (label them in tests/bronnen/planaudit_labels.yaml):")
        for r in unlabelled:
            print(f"  {r['bestand']} {r['soort']} {r['start']}-{r['einde']}: {r['regel']}")
    total = table[-1]
    ok = total["precisie"] is None or total["precisie"] >= PRECISION_TARGET
    print(f"\nprecision {_fmt(total['precisie'])} (target ≥ {PRECISION_TARGET}): {'PASS' if ok else 'FAIL'}; "
          f"recall {_fmt(total['recall'])} of the known true findings")
    timing = None
    if not args.zonder_tijd:
        timing = time_long_plan(args.seeds, args.pages)
        fast = timing["seconden_totaal"] <= SECONDS_TARGET
        ok = ok and fast
        print(f"\n{timing['paginas']} pages ({timing['tekens']:,} characters, {timing['grootheden']:,} quantities, "
              f"{timing['bevindingen']} findings): extraction {timing['seconden_extractie']} s, "
              f"extraction and checks {timing['seconden_totaal']} s ({timing['cpu_seconden']} CPU-s) "
              f"(target ≤ {SECONDS_TARGET:.0f} s): {'PASS' if fast else 'FAIL'}")
    if args.json:
        args.json.write_text(json.dumps(dict(per_soort=table, bevindingen=rows, tijd=timing), indent=2,
                                        ensure_ascii=False), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
