"""Retention models at national scale: time and peak memory, fast route beside the naive one.

Builds a synthetic cohort of starting teachers (default 500,000 people who started over 10
years, Weibull hazards with known log hazard ratios, administrative censoring at the data
end) and measures, each in a fresh subprocess (so the peak memory of one step does not
hide in another's):

* the package's route: ``kaplan_meier`` (by induction), ``cox`` (Efron ties, robust SEs
  clustered by board) and ``discrete_time_hazard`` (cloglog, person-period rows
  aggregated to covariate patterns with frequency weights), also all three in one process;
* the naive route: lifelines ``KaplanMeierFitter`` per group, lifelines ``CoxPHFitter`` on
  the raw rows, and a statsmodels ``GLM`` on the expanded person-period rows.

Run:  .venv/bin/python benchmarks/retention.py [--n 500000] [--years 10] [--json out.json]
Exit code 0 when the package's three steps together take at most 30 s and 2 GiB peak.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COVARIATES = ["inductie", "bevoegd", "zij_instroom", "tijdelijk", "schoolgrootte"]
TRUE_LOG_HR = {"inductie": np.log(0.80), "bevoegd": np.log(0.60), "zij_instroom": np.log(1.20),
               "tijdelijk": np.log(1.30)}
TARGET_SECONDS = 30.0
TARGET_BYTES = 2 * 1024 ** 3
STEPS = ("km", "cox", "discreet")


def cohort(n: int, years: int, seed: int = 2024) -> pd.DataFrame:
    """``n`` starters spread over ``years`` start years, followed to the end of the last year."""
    rng = np.random.default_rng(seed)
    bevoegd = rng.random(n) < 0.8
    zij = rng.random(n) < 0.15
    klasse = rng.integers(0, 5, n)  # school size quintile
    z = (klasse - 2) / 1.4
    inductie = rng.random(n) < 1 / (1 + np.exp(-(-0.6 + 1.3 * bevoegd + 0.8 * z)))
    tijdelijk = rng.random(n) < 0.7
    lp = (TRUE_LOG_HR["inductie"] * inductie + TRUE_LOG_HR["bevoegd"] * bevoegd
          + TRUE_LOG_HR["zij_instroom"] * zij + TRUE_LOG_HR["tijdelijk"] * tijdelijk - 0.25 * z)
    t_event = (rng.exponential(1.0, n) / (0.3 * np.exp(lp))) ** (1 / 0.7)
    follow_up = years - rng.integers(0, years, n) - rng.random(n)  # start date within its year
    t_event = np.maximum(np.round(t_event * 365.25), 1) / 365.25  # whole days, as in the registers
    follow_up = np.maximum(np.round(follow_up * 365.25), 1) / 365.25
    return pd.DataFrame({
        "duration": np.minimum(t_event, follow_up),
        "event": (t_event <= follow_up).astype(np.int8),
        "inductie": inductie, "bevoegd": bevoegd, "zij_instroom": zij, "tijdelijk": tijdelijk,
        "schoolgrootte": pd.Categorical(np.array(["1 klein", "2", "3", "4", "5 groot"])[klasse]),
        "bestuur_id": rng.integers(0, 1000, n).astype(np.int32),
    })


def _dummies(df: pd.DataFrame) -> pd.DataFrame:
    x = df[COVARIATES[:-1]].astype(float)
    return pd.concat([x, pd.get_dummies(df["schoolgrootte"], prefix="school", drop_first=True, dtype=float)], axis=1)


# ----------------------------------------------------------------------------- the steps


def fast_step(step: str, df: pd.DataFrame) -> dict:
    from regio_analysis.retention import cox, discrete_time_hazard, kaplan_meier

    if step == "km":
        km = kaplan_meier(df, "duration", "event", by="inductie")
        return {"rows": len(km), "S(1) met inductie": float(km[km["inductie"] & (km["time"] <= 1)]["survival"].iloc[-1])}
    if step == "cox":
        fit = cox(df, "duration", "event", COVARIATES, cluster="bestuur_id")
        return {"log HR inductie": float(fit.summary.loc["inductie", "coef"]),
                "se": float(fit.summary.loc["inductie", "se"]), "iteraties": fit.iterations}
    if step == "discreet":
        res = discrete_time_hazard(df, "duration", "event", COVARIATES, link="cloglog", entry=None, max_periods=10)
        return {"log HR inductie": float(res.summary.loc["inductie", "coef"]),
                "se": float(res.summary.loc["inductie", "se"]), "glm-rijen": res.n_rows,
                "persoonsperioden": res.n_person_periods}
    raise ValueError(step)


def naive_step(step: str, df: pd.DataFrame) -> dict:
    if step == "km":
        from lifelines import KaplanMeierFitter

        out = {}
        for value, g in df.groupby("inductie"):
            kmf = KaplanMeierFitter().fit(g["duration"], g["event"])
            out[f"S(1) inductie={value}"] = float(kmf.predict(1.0))
        return out
    if step == "cox":
        from lifelines import CoxPHFitter

        frame = _dummies(df)
        frame["duration"] = df["duration"].to_numpy()
        frame["event"] = df["event"].to_numpy()
        fit = CoxPHFitter().fit(frame, "duration", "event")
        return {"log HR inductie": float(fit.params_["inductie"]), "se": float(fit.standard_errors_["inductie"])}
    if step == "discreet":
        import statsmodels.api as sm

        from regio_analysis.retention import to_person_period

        pp = to_person_period(df, "duration", "event", entry=None, max_periods=10, covariates=COVARIATES)
        x = pd.concat([pd.get_dummies(pp["periode"], prefix="periode", dtype=float), _dummies(pp)], axis=1)
        fam = sm.families.Binomial(link=sm.families.links.CLogLog())
        res = sm.GLM(pp["event"].to_numpy(float), x.to_numpy(float), family=fam).fit()
        k = list(x.columns).index("inductie")
        return {"log HR inductie": float(res.params[k]), "se": float(res.bse[k]), "glm-rijen": len(pp)}
    raise ValueError(step)


def child(route: str, steps: list[str], n: int, years: int) -> dict:
    """Run ``steps`` of ``route`` in this (fresh) process; report seconds and peak RSS."""
    # imports are not part of the measured time
    import lifelines  # noqa: F401
    import statsmodels.api  # noqa: F401

    import regio_analysis.retention  # noqa: F401

    df = cohort(n, years)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"route": route, "steps": {}, "rss_na_data": base}
    run = fast_step if route == "pakket" else naive_step
    t_all, cpu_all = time.perf_counter(), time.process_time()
    for step in steps:
        t0, cpu0 = time.perf_counter(), time.process_time()
        result = run(step, df)
        out["steps"][step] = {"seconden": time.perf_counter() - t0, "cpu": time.process_time() - cpu0,
                              "resultaat": result}
    out["seconden"] = time.perf_counter() - t_all
    out["cpu"] = time.process_time() - cpu_all
    out["piek_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["events"] = int(df["event"].sum())
    return out


def spawn(route: str, steps: list[str], n: int, years: int) -> dict:
    cmd = [sys.executable, __file__, "--child", route, "--steps", ",".join(steps), "--n", str(n), "--years", str(years)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                          env=os.environ | {"PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        raise RuntimeError(f"{route} {steps} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def mib(b: float) -> str:
    return f"{b / 1024 ** 2:,.0f} MiB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--steps", default=",".join(STEPS))
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.steps.split(","), args.n, args.years)))
        return 0

    print(f"cohort: {args.n:,} starters over {args.years} years (fresh subprocess per measurement)")
    results = {"n": args.n, "years": args.years, "pakket": {}, "naief": {}, "load_start": os.getloadavg()[0]}
    together = spawn("pakket", list(STEPS), args.n, args.years)
    results["pakket_samen"] = together
    for step in STEPS:
        results["pakket"][step] = spawn("pakket", [step], args.n, args.years)
        if not args.skip_naive:
            results["naief"][step] = spawn("naief", [step], args.n, args.years)

    print(f"events: {together['events']:,}; memory after building the cohort: {mib(together['rss_na_data'])}")
    print()
    print(f"{'step':<10} {'package s':>10} {'package peak':>14} {'naive s':>9} {'naive peak':>12}  "
          f"results (log HR induction, true {TRUE_LOG_HR['inductie']:.4f})")
    for step in STEPS:
        p = results["pakket"][step]
        q = results["naief"].get(step)
        ps = p["steps"][step]
        line = f"{step:<10} {ps['seconden']:>10.2f} {mib(p['piek_rss']):>14}"
        line += f" {q['steps'][step]['seconden']:>9.2f} {mib(q['piek_rss']):>12}" if q else f" {'-':>9} {'-':>12}"
        line += f"  package {ps['resultaat']}"
        if q:
            line += f" | naive {q['steps'][step]['resultaat']}"
        print(line)
    tot_naive = sum(results["naief"][s]["steps"][s]["seconden"] for s in STEPS) if results["naief"] else float("nan")
    peak_naive = max(results["naief"][s]["piek_rss"] for s in STEPS) if results["naief"] else float("nan")
    print()
    print(f"package, three steps in one process: {together['seconden']:.2f} s (CPU {together['cpu']:.2f} s), "
          f"peak RSS {mib(together['piek_rss'])}")
    if results["naief"]:
        cpu_naive = sum(results["naief"][s]["cpu"] for s in STEPS)
        print(f"naive, three steps (sum of seconds, largest peak): {tot_naive:.2f} s (CPU {cpu_naive:.2f} s), "
              f"peak RSS {mib(peak_naive)}")
    load = os.getloadavg()[0]
    print(f"load average (1 min): {results['load_start']:.1f} at the start, {load:.1f} at the end, "
          f"on {os.cpu_count()} CPUs"
          + ("; the machine was busy, wall-clock times are inflated" if load > (os.cpu_count() or 1) else ""))
    ok_time = together["seconden"] <= TARGET_SECONDS
    ok_mem = together["piek_rss"] <= TARGET_BYTES
    print(f"target time  <= {TARGET_SECONDS:.0f} s : {'PASS' if ok_time else 'FAIL'}")
    print(f"target memory <= 2 GiB : {'PASS' if ok_mem else 'FAIL'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float))
    return 0 if ok_time and ok_mem else 1


if __name__ == "__main__":
    sys.exit(main())
