"""The ``regio-analysis`` command.

Data problems are printed as one readable paragraph (file, column, rows) on stderr with a
non-zero exit code, never as a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from regio_analysis import DataError, __version__

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2


def _cmd_regions(args: argparse.Namespace) -> int:
    from regio_analysis.regions import list_regions

    df = list_regions(args.data_dir)
    if df.empty:
        print(f"geen regio's gevonden in {args.data_dir or 'de standaardmap'}", file=sys.stderr)
        return EXIT_ERROR
    shown = df[["regio_id", "naam", "sectoren", "provincies"]].copy()
    shown.loc[~df["geldig"], "naam"] = "(ongeldig) " + df.loc[~df["geldig"], "probleem"].str.slice(0, 60)
    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(shown.to_string(index=False))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from regio_analysis.data import validate_region

    target = args.regio
    as_path = Path(target)
    if ("/" in target or target in (".", "..")) and as_path.is_dir():
        problems = validate_region(as_path)
    else:
        problems = validate_region(target, args.data_dir)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in errors:
        print(f"fout: {p}")
    for p in warnings:
        print(f"waarschuwing: {p}")
    if errors:
        print(f"{target}: {len(errors)} fout(en), {len(warnings)} waarschuwing(en)")
        return EXIT_INVALID
    print(f"{target}: geen fouten ({len(warnings)} waarschuwing(en))")
    return EXIT_OK


def _cmd_synthetic(args: argparse.Namespace) -> int:
    from regio_analysis.data import load_region
    from regio_analysis.io.files import write_csv
    from regio_analysis.synthetic import calibration_targets, generate_microdata

    region = load_region(args.regio, args.data_dir)
    tables = generate_microdata(region, seed=args.seed)
    out = Path(args.out) / region.regio_id
    for name, df in tables.items():
        path = write_csv(df, out / f"{name}.csv")
        print(f"{path}: {len(df)} rijen (synthetisch, seed={args.seed})")
    print("\nKalibratiedoelen:")
    print(calibration_targets(region).to_string(index=False))
    return EXIT_OK


def _print_batch(manifest: dict, out: Path) -> int:
    regions = manifest["regio's"]
    failed = [r for r in regions if r["status"] == "fout"]
    for r in regions:
        line = f"{r['regio_id']}: {r['status']} ({r['duur_s']:.0f} s)"
        print(line + (f" - {r['fout']}" if r["fout"] else ""))
    for row in manifest["rijen"]:
        if row["status"] == "fout" and row["cel"] is not None:
            print(f"  {row['regio_id']}/{row['hoofdstuk']}: {row['fout']} in cel {row['cel']} ({row['code']}): {row['foutmelding']}")
    print(f"{len(regions) - len(failed)} van {len(regions)} rapporten in orde; overzicht: {out / 'index.html'}")
    if failed:
        print(f"mislukte notebooks en logs: {out / '_mislukt'}", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _params(pairs: list[str] | None) -> dict:
    """``-p naam=waarde`` pairs; values read as YAML scalars (5 -> int, 0.5 -> float, tekst -> str)."""
    import yaml

    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise DataError(f"parameter {pair!r}: schrijf naam=waarde", file="<opdracht>")
        parsed = yaml.safe_load(value) if value.strip() else ""
        value = parsed if isinstance(parsed, (int, float, str, bool)) else value
        if isinstance(value, str) and value and Path(value).exists():
            value = str(Path(value).resolve())  # kernels run elsewhere: pass files by absolute path
        out[name.strip()] = value
    return out


def _chapters(names: str | None):
    """The chapters named in ``--hoofdstukken a,b`` (report order kept); all when None."""
    from regio_analysis.reporting.chapters import CHAPTERS

    if not names:
        return CHAPTERS
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in {c.name for c in CHAPTERS}]
    if unknown or not wanted:
        raise DataError(f"onbekend(e) hoofdstuk(ken) {unknown}; bekend: {', '.join(c.name for c in CHAPTERS)}",
                        file="<opdracht>")
    return tuple(c for c in CHAPTERS if c.name in wanted)


def _cmd_report(args: argparse.Namespace) -> int:
    from regio_analysis.reporting import run_batch

    out = Path(args.out)
    manifest = run_batch([args.regio], out, jobs=1, force=True, data_dir=args.data_dir, timeout=args.timeout,
                         params=_params(args.param), chapters=_chapters(args.hoofdstukken))
    return _print_batch(manifest, out)


def _cmd_batch(args: argparse.Namespace) -> int:
    from regio_analysis.reporting import run_batch

    if args.all == bool(args.regio):
        raise DataError("geef --all of een of meer regio-id's (niet allebei)", file="<opdracht>")
    out = Path(args.out)
    manifest = run_batch(None if args.all else args.regio, out, jobs=args.jobs, force=args.force,
                         scheduler=args.scheduler, data_dir=args.data_dir, timeout=args.timeout,
                         params=_params(args.param), chapters=_chapters(args.hoofdstukken))
    return _print_batch(manifest, out)


IMPORTERS = {
    "duo-leerlingen": ("read_duo_leerlingen", "DUO-leerlingenbestand (CSV)"),
    "duo-personeel": ("read_duo_personeel", "DUO-personeelsbestand (CSV of XLSX)"),
    "cbs-odata": ("read_cbs_odata_dir", "map geschreven door cbsodata.download_data"),
    "cbs-statline": ("read_cbs_statline_csv", "StatLine CSV-export"),
    "vestiging-regio": ("read_vestiging_regio", "koppeling vestiging -> regio (CSV)"),
}


def _cmd_import(args: argparse.Namespace) -> int:
    from regio_analysis import io as loaders
    from regio_analysis.io.files import write_csv
    from regio_analysis.regions import available_region_ids

    func = getattr(loaders, IMPORTERS[args.kind][0])
    if args.kind == "vestiging-regio":
        df = func(args.path, known_regions=available_region_ids(args.data_dir))
    else:
        df = func(args.path)
    if args.out:
        out = Path(args.out)
        if out.resolve() == Path(args.path).resolve():
            raise DataError("--out is het bronbestand zelf; bronbestanden worden nooit overschreven", file=str(out))
        write_csv(df, out)
        print(f"{out}: {len(df)} rijen")
    else:
        with pd.option_context("display.width", 160, "display.max_columns", 12):
            print(df.head(args.rows).to_string(index=False))
        print(f"... {len(df)} rijen; gebruik --out BESTAND om ze als CSV te schrijven")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regio-analysis",
        description="Arbeidsmarkt-, retentie- en kwalitatieve analyses voor onderwijsregio's.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_dir(p):
        p.add_argument("--data-dir", default=None, help="map met regiomappen (standaard: meegeleverde gegevens)")

    p = sub.add_parser("regions", help="toon de beschikbare regio's")
    data_dir(p)
    p.set_defaults(func=_cmd_regions)

    p = sub.add_parser("validate", help="controleer alle bestanden van een regio (regio-id of map)")
    p.add_argument("regio", help="regio-id, of een pad naar een regiomap")
    data_dir(p)
    p.set_defaults(func=_cmd_validate)

    def report_options(p):
        p.add_argument("--out", default="reports", help="uitvoermap (standaard: reports)")
        p.add_argument("--timeout", type=int, default=900, help="maximale duur van een cel in seconden")
        p.add_argument("-p", "--param", action="append", metavar="NAAM=WAARDE",
                       help="hoofdstukparameter, bv. -p projectiejaren=10 (herhaalbaar)")
        p.add_argument("--hoofdstukken", default=None, metavar="A,B",
                       help="alleen deze hoofdstukken (namen, komma's; standaard alle)")
        data_dir(p)

    p = sub.add_parser("report", help="maak het rapport van een regio (altijd opnieuw)")
    p.add_argument("regio")
    report_options(p)
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("batch", help="maak de rapporten van meerdere regio's, parallel, met een index")
    p.add_argument("regio", nargs="*", help="regio-id's (of --all)")
    p.add_argument("--all", action="store_true", help="alle regio's in de gegevensmap")
    p.add_argument("--jobs", type=int, default=2, help="aantal regio's tegelijk (standaard 2)")
    p.add_argument("--force", action="store_true", help="ook ongewijzigde regio's opnieuw maken")
    p.add_argument("--scheduler", default=None, help="adres van een Dask-scheduler (tcp://host:8786)")
    report_options(p)
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("import", help="lees een bronbestand (DUO, CBS, koppeling) als canonieke tabel")
    p.add_argument("kind", choices=sorted(IMPORTERS), help="; ".join(f"{k}: {v[1]}" for k, v in IMPORTERS.items()))
    p.add_argument("path", help="het bronbestand (of de map, voor cbs-odata); wordt alleen gelezen")
    p.add_argument("--out", default=None, help="schrijf de canonieke tabel als CSV naar dit bestand")
    p.add_argument("--rows", type=int, default=10, help="aantal regels in de voorvertoning")
    data_dir(p)
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("synthetic", help="schrijf synthetische microdata voor een regio als CSV")
    p.add_argument("regio")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="data/generated", help="uitvoermap (standaard: data/generated)")
    data_dir(p)
    p.set_defaults(func=_cmd_synthetic)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as err:
        print(f"fout: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
