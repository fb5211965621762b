"""Validation of the induction-effect estimators on synthetic data with a known effect.

The synthetic generator (``regio_analysis.synthetic``) assigns induction to starting teachers
with a probability that rises with certification and school size, both of which also lower
the hazard of leaving: a naive comparison is confounded. The true effect is known
(``inductie_log_hr`` = log 0.8 on the hazard of leaving the board; the true risk and RMST
differences follow from the generator's hazard model, see ``induction.true_effects``).

Each replication generates new spells for a region with a new seed, builds the study cohort
of the chapter ``04_inductie_effect`` (OP starters 2019-2024) and estimates the ATT with the
naive comparison, IPW and AIPW (propensity model by maximum likelihood and by covariate
balance, CBPS), plus the hazard ratio from the naive, the IPW-weighted and the
covariate-adjusted Cox model. It prints, per target and method: the mean truth, the mean
estimate, the bias, the empirical SD, the mean SE, bias/SE, RMSE and the 95 % CI coverage.

    .venv/bin/python benchmarks/causal_validation.py                 # 4 default regions x 50 seeds
    .venv/bin/python benchmarks/causal_validation.py --reps 10       # quicker: 4 x 10
    .venv/bin/python benchmarks/causal_validation.py --personen 12000 --reps 25   # larger cohorts
    .venv/bin/python benchmarks/causal_validation.py --csv rows.csv  # keep every replication

Targets (exit code 1 when one fails): IPW and AIPW risk differences with |bias| < 0.25 SE
and coverage >= 90 %; the naive risk difference biased by more than 3 Monte Carlo SEs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from regio_analysis import induction
from regio_analysis.regions import DEFAULT_REGIONS

_REGIONS: dict = {}


def _replicate(job: tuple[str, int, int | None, int, str]) -> list[dict]:
    regio_id, seed, personen, horizon, estimand = job
    from regio_analysis.data import load_region
    from regio_analysis.synthetic import SyntheticParams

    if regio_id not in _REGIONS:  # one load per worker process and region
        _REGIONS[regio_id] = load_region(regio_id)
    params = SyntheticParams(personen=personen) if personen else SyntheticParams()
    return induction.simulate_replicate(_REGIONS[regio_id], seed, params, horizon=horizon, estimand=estimand)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=50, help="replications per region (default 50: 200 in all)")
    ap.add_argument("--regions", nargs="*", default=list(DEFAULT_REGIONS), help="region ids (default: the 4 default)")
    ap.add_argument("--personen", type=int, default=None, help="staff size of the generated region (default: published)")
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--estimand", default="ATT", choices=("ATT", "ATE"))
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--csv", default="", help="write every replication's estimates to this CSV")
    args = ap.parse_args(argv)

    jobs = [(r, args.first_seed + i, args.personen, args.horizon, args.estimand)
            for r in args.regions for i in range(args.reps)]
    t0 = time.perf_counter()
    rows: list[dict] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for part in pool.map(_replicate, jobs, chunksize=max(1, len(jobs) // (8 * args.jobs))):
            rows.extend(part)
    seconds = time.perf_counter() - t0
    data = pd.DataFrame(rows)
    if args.csv:
        data.to_csv(args.csv, index=False)
    table = induction.validation_table(data)
    per_rep = data.drop_duplicates(["regio", "seed"])
    print(f"{len(jobs)} replicaties ({', '.join(args.regions)}; estimand {args.estimand}, horizon {args.horizon} jaar) "
          f"in {seconds:.0f} s; cohort per replicatie: gemiddeld {per_rep['n'].mean():.0f} starters, "
          f"{per_rep['n_behandeld'].mean():.0f} met inductie")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))

    failures = []
    rd = table[table["doel"] == f"risicoverschil_{args.horizon}j"].set_index("methode")
    for m in ("ipw_ml", "ipw_cbps", "aipw_ml", "aipw_cbps"):
        if abs(rd.loc[m, "bias_per_se"]) >= 0.25:
            failures.append(f"{m}: |bias|/SE = {abs(rd.loc[m, 'bias_per_se']):.2f} >= 0.25")
        if rd.loc[m, "dekking_95"] < 0.90:
            failures.append(f"{m}: dekking {rd.loc[m, 'dekking_95']:.3f} < 0.90")
    naive = rd.loc["naief"]
    if abs(naive["bias"]) <= 3 * naive["mc_se_bias"]:
        failures.append(f"naief: bias {naive['bias']:.4f} not beyond 3 Monte Carlo SEs ({naive['mc_se_bias']:.4f})")
    for f in failures:
        print("FAIL", f)
    print("PASS" if not failures else f"{len(failures)} target(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
