"""The ``regio-analysis`` command.

Data problems are printed as one readable paragraph (file, column, rows) on stderr, never as a
traceback; so are problems with the disk (full, read-only, no permission) and the command line
itself. Exit codes: 0 done; 1 done, but ``validate`` found problems or a region of a batch failed;
2 the command line is wrong; 3 the data, a file or the disk stopped the command.

Pseudonymisation key: regions with microdata (``dienstverbanden``, ``enquete``,
``open_antwoorden``) need ``REGIO_ANALYSIS_KEY`` (or an existing key file, see
``regio_analysis.data.privacy``); ``--sleutel-aanmaken`` creates one. Synthetic demonstration data
needs no key.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from regio_analysis import DataError, __version__

#: exit codes: done; done, but something is invalid or failed (``validate`` found problems, a region of a
#: batch failed); the command line is wrong; the data, a file or the disk stopped the command
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_DATA = 0, 1, 2, 3


def _print_json(value) -> None:
    """``--json``: one JSON document on stdout (UTF-8 text as is; dates and paths as text)."""
    import json

    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _cmd_regions(args: argparse.Namespace) -> int:
    from regio_analysis.data.regions import list_regions

    df = list_regions(args.data_dir)
    if df.empty:
        print(f"geen regio's gevonden in {args.data_dir or 'de standaardmap'}", file=sys.stderr)
        return EXIT_DATA
    if args.json:
        _print_json(df.to_dict(orient="records"))
        return EXIT_OK if df["geldig"].all() else EXIT_INVALID
    shown = df[["regio_id", "naam", "sectoren", "provincies"]].copy()
    shown.loc[~df["geldig"], "naam"] = "(ongeldig) " + df.loc[~df["geldig"], "probleem"].str.slice(0, 60)
    import pandas as pd

    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(shown.to_string(index=False))
    for problem in df.loc[~df["geldig"], "probleem"]:
        print(f"fout: {problem}", file=sys.stderr)
    return EXIT_OK if df["geldig"].all() else EXIT_INVALID


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
    if args.json:
        import dataclasses

        _print_json({"regio": target, "fouten": [{**dataclasses.asdict(p), "tekst": str(p)} for p in errors],
                     "waarschuwingen": [{**dataclasses.asdict(p), "tekst": str(p)} for p in warnings]})
        return EXIT_INVALID if errors else EXIT_OK
    for p in errors:
        print(f"fout: {p}")
    if not args.stil:
        for p in warnings:
            print(f"waarschuwing: {p}")
    if errors:
        print(f"{target}: {len(errors)} fout(en), {len(warnings)} waarschuwing(en)")
        return EXIT_INVALID
    if not args.stil:
        print(f"{target}: geen fouten ({len(warnings)} waarschuwing(en))")
    return EXIT_OK


def _cmd_synthetic(args: argparse.Namespace) -> int:
    from regio_analysis.data import load_region
    from regio_analysis.io.files import write_csv
    from regio_analysis.reporting.outdir import check_out_dir, claim
    from regio_analysis.data.synthetic import calibration_targets, generate_microdata

    _key_option(args)
    root = check_out_dir(args.out, args.data_dir)
    region = load_region(args.regio, args.data_dir)
    tables = generate_microdata(region, seed=args.seed)
    out = claim(root / region.regio_id, option="--naar/<regio>")
    for name, df in tables.items():
        path = write_csv(df, out / f"{name}.csv")
        print(f"{path}: {len(df)} rijen (synthetisch, seed={args.seed})")
    print("\nKalibratiedoelen:")
    print(calibration_targets(region).to_string(index=False))
    return EXIT_OK


def _print_batch(manifest: dict, out: Path, stil: bool = False, as_json: bool = False) -> int:
    """The batch's result: a line per region and per failed chapter, or (``--json``) the manifest; with
    ``--stil`` only the failures, on stderr. Exit 1 when a region failed."""
    from regio_analysis.reporting.runner import status_woord

    earlier = [r["regio_id"] for r in manifest["regio's"] if r["status"] == "eerder"]
    regions = [r for r in manifest["regio's"] if r["status"] != "eerder"]
    failed = [r for r in regions if r["status"] == "fout"]
    if as_json or stil:
        if as_json:
            _print_json(manifest)
        for row in manifest["rijen"]:
            if row["status"] == "fout" and stil:
                print(f"{row['regio_id']}/{row['hoofdstuk']}: {row['fout']}: {row['foutmelding']}", file=sys.stderr)
        return EXIT_INVALID if failed else EXIT_OK

    for r in regions:
        line = f"{r['regio_id']}: {status_woord(r['status'])} ({r['duur_s']:.0f} s)"
        print(line + (f" - {r['fout']}" if r["fout"] else ""))
    if earlier:
        print(f"eerder gemaakt, blijven in het overzicht: {', '.join(earlier)}")
    for row in manifest["rijen"]:
        if row["regio_id"] in earlier:
            continue
        if row["status"] == "fout" and row["cel"] is not None:
            print(f"  {row['regio_id']}/{row['hoofdstuk']}: {row['fout']} in cel {row['cel']} ({row['code']}): {row['foutmelding']}")
    print(f"{len(regions) - len(failed)} van {len(regions)} rapporten in orde; overzicht: {out / 'index.html'}")
    if failed:
        print(f"mislukte notebooks en logs: {out / '_mislukt'}", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _params(pairs: list[str] | None, chapters=None) -> dict:
    """``-p naam=waarde`` pairs. A parameter declared as text keeps its value literally (a path
    such as ``my docs #1`` stays whole; file and folder parameters are made absolute, since
    kernels run elsewhere); other values are read as YAML scalars (5 -> int, 0.5 -> float)."""
    import yaml

    from regio_analysis.reporting.chapters import CHAPTERS, all_params

    specs = all_params(chapters or CHAPTERS)
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise DataError(f"parameter {pair!r}: schrijf naam=waarde", file="<opdracht>")
        spec = specs.get(name)
        if spec is not None and spec.type is str:
            if spec.path and value:
                value = os.path.abspath(os.path.expanduser(value))
        else:
            try:
                parsed = yaml.safe_load(value) if value.strip() else ""
            except yaml.YAMLError:
                parsed = value
            value = parsed if isinstance(parsed, (int, float, str, bool)) else value
        out[name] = value
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


def _key_option(args: argparse.Namespace) -> None:
    """``--sleutel-aanmaken``: create the pseudonymisation key file now (when no key is set),
    telling the user where, here on the terminal and never inside a report."""
    if not getattr(args, "sleutel_aanmaken", False):
        return
    import warnings

    from regio_analysis.data import privacy

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        privacy.get_key(create=True)
    for w in caught:
        print(f"let op: {w.message}", file=sys.stderr)
    if not os.environ.get(privacy.KEY_ENV):  # workers and kernels inherit an explicit, existing key file
        os.environ[privacy.KEY_FILE_ENV] = str(privacy.default_key_file())


def _run(args: argparse.Namespace, regio_ids, jobs: int, force: bool, scheduler=None) -> int:
    from regio_analysis.reporting import run_batch

    _key_option(args)
    chapters = _chapters(args.hoofdstukken)
    out = Path(args.out)
    manifest = run_batch(regio_ids, out, jobs=jobs, force=force, scheduler=scheduler, data_dir=args.data_dir,
                         timeout=args.timeout, params=_params(args.param, chapters), chapters=chapters,
                         pdf=not args.geen_pdf, progress=not args.stil)
    return _print_batch(manifest, out, stil=args.stil, as_json=args.json)


def _cmd_report(args: argparse.Namespace) -> int:
    return _run(args, [args.regio], jobs=1, force=True)


def _cmd_batch(args: argparse.Namespace) -> int:
    if args.all == bool(args.regio):
        raise DataError("geef --alle of een of meer regio-id's (niet allebei)", file="<opdracht>")
    return _run(args, None if args.all else args.regio, jobs=args.jobs, force=args.force, scheduler=args.scheduler)


IMPORTERS = {
    "duo": ("read_duo", "elk DUO-bestand in een huidige indeling (leerlingen, vestigingen, personeel; herkend aan de kolommen)"),
    "duo-vestigingen": ("read_duo_vestigingen", "DUO-adressenbestand van vestigingen (CSV)"),
    "duo-leerlingen": ("read_duo_leerlingen", "DUO-leerlingenbestand (CSV)"),
    "duo-personeel": ("read_duo_personeel", "DUO-personeelsbestand (CSV of XLSX)"),
    "cbs-odata": ("read_cbs_odata_dir", "map geschreven door cbsodata.download_data"),
    "cbs-statline": ("read_cbs_statline_csv", "StatLine CSV-export"),
    "vestiging-regio": ("read_vestiging_regio", "koppeling vestiging -> regio (CSV)"),
}


def _csv_out(out: str | None, source: str) -> Path | None:
    """``--naar`` as a path, checked before anything is read (a wrong --naar costs nothing): not a
    folder, not the source file itself (source files are never overwritten)."""
    if not out:
        return None
    path = Path(out)
    if path.is_dir():
        raise DataError("--naar is een bestaande map; geef de naam van een CSV-bestand", file=str(path))
    if path.resolve() == Path(source).resolve():
        raise DataError("--naar is het bronbestand zelf; bronbestanden worden nooit overschreven", file=str(path))
    return path


def _cmd_import(args: argparse.Namespace) -> int:
    from regio_analysis import io as loaders
    from regio_analysis.io.files import write_csv
    from regio_analysis.data.regions import available_region_ids

    out = _csv_out(args.out, args.path)
    func = getattr(loaders, IMPORTERS[args.kind][0])
    if args.kind == "vestiging-regio":
        df = func(args.path, known_regions=available_region_ids(args.data_dir))
    else:
        df = func(args.path)
    if out is not None:
        write_csv(df, out)
        print(f"{out}: {len(df)} rijen")
    else:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 12):
            print(df.head(args.rows).to_string(index=False))
        print(f"... {len(df)} rijen; gebruik --naar BESTAND om ze als CSV te schrijven")
    return EXIT_OK


def _cmd_fetch(args: argparse.Namespace) -> int:
    from regio_analysis.io.fetch import MANIFEST, default_cache_dir, fetch_files

    rows = fetch_files(args.catalogus, args.naar, offline=args.offline, opnieuw=args.opnieuw,
                       voortgang=lambda line: print(line, file=sys.stderr))
    folder = Path(args.naar).expanduser() if args.naar else default_cache_dir()
    print(f"{len(rows)} bestand(en) in {folder}; manifest: {folder / MANIFEST}")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from regio_analysis.data import duo_laag
    from regio_analysis.data.regions import default_data_dir
    from regio_analysis.io.fetch import default_cache_dir

    bronmap = Path(args.bronmap) if args.bronmap else default_cache_dir()
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if args.als_beschikbaar and not bronmap.is_dir():
        print(f"geen DUO-bestanden in {bronmap} (haal ze op met 'regio-analysis ophalen'); de rapporten gebruiken "
              "alleen de gepubliceerde cijfers", file=sys.stderr)
        return EXIT_OK
    result = duo_laag.build_layers(bronmap, data_dir, args.regio or None,
                                   voortgang=lambda msg: print(msg, file=sys.stderr))
    for problem in result.waarschuwingen:
        print(f"waarschuwing: {problem}", file=sys.stderr)
    counts = result.toewijzing["status"].value_counts()
    several = counts.get("meer regio's", 0)
    print(f"DUO-laag gebouwd voor {len(result.regios)} regio('s) in {result.seconden:.1f} s: "
          f"{', '.join(result.regios)}")
    print(f"vestigingen: {counts.get('toegewezen', 0)} in één regio, {counts.get('geen regio', 0)} in geen regio, "
          f"{several} in meer dan één regio; zie {data_dir / duo_laag.TOEWIJZING_BESTAND}")
    for row in result.dubbel.head(10).itertuples():
        print(f"  in meer regio's: {row.vestigingscode} {row.naam} ({row.gemeentenaam}): {row.regio_ids}")
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace) -> int:
    from regio_analysis.planaudit.chapter import audit_plan, write_planaudit

    out = _csv_out(args.out, args.plan)
    region = None
    if args.regio:
        from regio_analysis.data import load_region

        region = load_region(args.regio, args.data_dir)
    result = audit_plan(args.plan, region=region)
    if out is not None:
        write_planaudit(result, out, privacy=False)
    if args.json:
        _print_json({"plan": args.plan, "getallen": len(result.quantities),
                     "bevindingen": result.findings.to_dict(orient="records"),
                     "vergelijkingen": result.comparisons.to_dict(orient="records") if region is not None else None})
        return EXIT_OK
    if args.stil:
        return EXIT_OK
    counts = result.per_soort()
    print(f"{args.plan}: {len(result.quantities)} getallen, {len(result.findings)} bevinding(en)")
    for row in counts.itertuples():
        print(f"  {row.soort:<14} {row.totaal:>3}  (hoog {row.hoog}, middel {row.middel}, laag {row.laag})")
    if region is not None:
        n, ok = len(result.comparisons), int(result.comparisons["klopt"].sum())
        print(f"vergeleken met de gegevens van {region.regio_id} ({', '.join(result.lagen) or 'geen cijfers'}): "
              f"{n} vergelijking(en), {ok} binnen de afronding")
    for f in result.findings.itertuples():
        sectie = next((s for s in f.secties if s), "")
        print(f"\n{f.bevinding} [{f.ernst}] {f.regel}" + (f"  § {sectie}" if sectie else ""))
        print(f"  {f.bewijs[:300]}")
        if f.gegevens:
            print(f"  gegevens: {f.gegevens}")
    if out is not None:
        print(f"\n{out}: {len(result.findings)} rijen")
    return EXIT_OK


def _cmd_chapters(args: argparse.Namespace) -> int:
    from regio_analysis.reporting.chapters import overzicht

    print(overzicht(), end="")
    return EXIT_OK


NOTEBOOKS_README = """# De hoofdstukken van regio_analysis als notebooks

Open een notebook in JupyterLab (`pip install 'regio-analysis[lab]'`, dan `jupyter lab`), zet in de
cel `parameters` de regio (`regio_id`) en voer het uit. Zonder `data_dir` gebruikt het de meegeleverde
regio's; `output_dir` leeg schrijft niets weg. Het hele rapport van een regio (alle hoofdstukken, HTML en
pdf) maakt `regio-analysis rapport REGIO_ID`.

"""


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from regio_analysis.io.files import make_dir, read_bytes, write_bytes, write_text
    from regio_analysis.reporting.chapters import CHAPTERS, overzicht

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise DataError("--naar is een bestaand bestand; geef een map", file=str(out))
    changed = [ch.notebook for ch in CHAPTERS
               if (out / ch.notebook).exists() and read_bytes(out / ch.notebook) != read_bytes(ch.path)]
    if changed and not args.overschrijven:
        raise DataError(f"{', '.join(changed)} bestaan al in {out} en wijken af van de meegeleverde; "
                        "gebruik --overschrijven om ze te vervangen (uw wijzigingen gaan dan verloren)", file=str(out))
    make_dir(out)
    for ch in CHAPTERS:
        write_bytes(out / ch.notebook, read_bytes(ch.path))
    write_text(out / "README.md", NOTEBOOKS_README + overzicht())
    print(f"{len(CHAPTERS)} notebooks en README.md in {out}; open ze met: jupyter lab {out}")
    return EXIT_OK


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help in Dutch: "gebruik:", and every option's default where it has one."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "gebruik: ")

    def _get_help_string(self, action):
        text = str(action.help or "")  # a _Later help text is made only when the help is shown
        if ("%(default)" not in text and "standaard" not in text and action.option_strings
                and action.default not in (None, False, argparse.SUPPRESS)):
            text += " (standaard: %(default)s)"
        return text


class _Parser(argparse.ArgumentParser):
    """argparse in Dutch (help, section titles, usage errors; exit 2, no traceback) that never
    completes an option from a prefix (``--al`` is not ``--alle``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["allow_abbrev"] = False
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--hulp", action="help", default=argparse.SUPPRESS, help="toon deze hulp en stop")
        self.add_argument("--help", action="help", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def optie(self, *names: str, engels: str | None = None, **kwargs) -> argparse.Action:
        """An option under its Dutch name(s); ``engels``, its English name of before, is still understood
        but not shown (scripts written for it keep working)."""
        action = self.add_argument(*names, **kwargs)
        if engels:
            assert not kwargs.get("required"), "argparse would ask for the Dutch name even when the English is given"
            hidden = {k: v for k, v in kwargs.items() if k not in ("default", "required")}
            self.add_argument(engels, **{**hidden, "dest": action.dest, "default": argparse.SUPPRESS,
                                         "help": argparse.SUPPRESS})
        return action

    def error(self, message: str):
        for en, nl in (("argument ", "optie "), ("the following arguments are required", "verplicht"),
                       ("invalid choice", "ongeldige keuze"), ("unrecognized arguments", "onbekende opties"),
                       ("expected one argument", "verwacht een waarde"), ("choose from", "kies uit"),
                       ("invalid int value", "geen geheel getal"), ("invalid", "ongeldige"),
                       ("not allowed with argument", "gaat niet samen met")):
            message = message.replace(en, nl)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: fout: {message}\n")


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is geen geheel getal") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"moet een positief geheel getal zijn (1 of meer), niet {value}")
    return value


KEY_HELP = ("maak een pseudonimiseringssleutel aan in ~/.config/regio_analysis/ (of op het pad in "
            "REGIO_ANALYSIS_KEY_FILE) als er nog geen is; zonder deze optie is een ontbrekende sleutel een fout. "
            "Alleen nodig voor regio's met microdata (dienstverbanden, enquete, open_antwoorden); "
            "synthetische demonstratiedata heeft geen sleutel nodig")


class _Later(str):
    """A help text computed only when the help is shown (the chapter registry imports the data layer:
    seconds that ``--help`` should not cost)."""

    def __new__(cls, make):
        obj = super().__new__(cls, "…")  # not empty: argparse shows no help for an empty text
        obj._make = make
        return obj

    def __str__(self) -> str:
        return self._make()


def _chapter_names() -> str:
    from regio_analysis.reporting.chapters import CHAPTERS

    return ", ".join(ch.name for ch in CHAPTERS)


#: the commands' English names of before (still understood, not shown): English name -> Dutch name
ENGELSE_OPDRACHTEN = {"regions": "regios", "validate": "controleren", "report": "rapport", "import": "importeren",
                      "fetch": "ophalen", "synthetic": "synthetisch", "build": "duo-laag"}


def _opdracht(sub, name: str, **kwargs) -> _Parser:
    """A command under its Dutch name; its English name of before, if any, is an alias left out of the help."""
    engels = [en for en, nl in ENGELSE_OPDRACHTEN.items() if nl == name]
    parser = sub.add_parser(name, aliases=engels, **kwargs)
    if engels:  # argparse lists an alias beside the name ("rapport (report)"): show the Dutch name only
        sub._choices_actions[-1].metavar = name
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="regio-analysis",
        description="Arbeidsmarkt-, retentie- en kwalitatieve analyses voor onderwijsregio's.",
        epilog="hulp per opdracht: regio-analysis OPDRACHT --hulp\n"
               "exit: 0 klaar; 1 klaar, maar iets ongeldig of mislukt; 2 opdrachtregel fout; 3 gegevens, bestand of "
               "schijf hielden de opdracht tegen",
    )
    parser.optie("--versie", engels="--version", action="version", version=f"%(prog)s {__version__}",
                 help="toon het versienummer en stop")
    sub = parser.add_subparsers(dest="command", required=True, title="opdrachten", metavar="OPDRACHT",
                                parser_class=_Parser)

    def data_dir(p):
        p.optie("--gegevens", engels="--data-dir", dest="data_dir", default=None, metavar="MAP",
                help="map met regiomappen (standaard: de meegeleverde regio's)")

    def scripting(p, what: str, stil: bool = True):
        if stil:
            p.optie("--stil", action="store_true", help="geen voortgang en geen uitleg op het scherm; alleen fouten")
        p.optie("--json", action="store_true", help=f"schrijf {what} als JSON naar stdout (voor scripts)")

    p = _opdracht(sub, "regios", help="toon de beschikbare regio's",
                  epilog="voorbeeld:\n  regio-analysis regios --gegevens mijn-regios/")
    data_dir(p)
    scripting(p, "de regio's", stil=False)
    p.set_defaults(func=_cmd_regions)

    p = _opdracht(sub, "controleren", help="controleer alle bestanden van een regio (regio-id of map)",
                  epilog="voorbeelden:\n  regio-analysis controleren rond-bommel-en-dommel\n"
                         "  regio-analysis controleren pad/naar/mijn-regio\n"
                         "exit 0: geen fouten; 1: fouten gevonden (elk met bestand, kolom en regels)")
    p.add_argument("regio", help="regio-id, of een pad naar een regiomap")
    data_dir(p)
    scripting(p, "de fouten en waarschuwingen")
    p.set_defaults(func=_cmd_validate)

    def report_options(p):
        p.optie("--naar", engels="--out", dest="out", default="reports", metavar="MAP", help="uitvoermap")
        p.optie("--tijdslimiet", engels="--timeout", dest="timeout", type=positive_int, default=900, metavar="SECONDEN",
                help="maximale duur van een cel in seconden")
        p.optie("--geen-pdf", action="store_true",
                help="geen rapport.pdf naast rapport.html (de pdf vraagt Chromium: /usr/bin/chromium)")
        p.optie("-p", "--parameter", engels="--param", dest="param", action="append", metavar="NAAM=WAARDE",
                help="hoofdstukparameter, bv. -p projectiejaren=10 (herhaalbaar); alle parameters: "
                     "regio-analysis hoofdstukken")
        p.optie("--hoofdstukken", default=None, metavar="A,B",
                help=_Later(lambda: f"alleen deze hoofdstukken (namen, komma's; standaard alle): {_chapter_names()}"))
        p.optie("--sleutel-aanmaken", action="store_true", help=KEY_HELP)
        data_dir(p)
        scripting(p, "het resultaat per regio en hoofdstuk (het manifest)")

    p = _opdracht(sub, "rapport", help="maak het rapport van een regio (altijd opnieuw)",
                  epilog="voorbeelden:\n  regio-analysis rapport noorderwijzer\n"
                         "  regio-analysis rapport rond-bommel-en-dommel -p projectiejaren=10 --geen-pdf\n"
                         "exit 0: rapport gemaakt; 1: een hoofdstuk mislukte (notebook en log in "
                         "<uitvoermap>/_mislukt/); 3: gegevens of parameters afgewezen")
    p.add_argument("regio", help="regio-id (regio-analysis regios toont ze)")
    report_options(p)
    p.set_defaults(func=_cmd_report)

    p = _opdracht(sub, "batch", help="maak de rapporten van meerdere regio's, parallel, met een index",
                  epilog="voorbeelden:\n  regio-analysis batch --alle --tegelijk 2 --naar reports\n"
                         "  regio-analysis batch noorderwijzer po-noord-nederland --opnieuw\n"
                         "exit 0: alle rapporten gemaakt of ongewijzigd; 1: een of meer regio's mislukt; "
                         "3: gegevens, parameters of uitvoermap afgewezen")
    p.add_argument("regio", nargs="*", help="regio-id's (of --alle)")
    p.optie("--alle", engels="--all", dest="all", action="store_true", help="alle regio's in de gegevensmap")
    p.optie("--tegelijk", engels="--jobs", dest="jobs", type=positive_int, default=2, metavar="N",
            help="aantal regio's tegelijk")
    p.optie("--opnieuw", engels="--force", dest="force", action="store_true", help="ook ongewijzigde regio's opnieuw maken")
    p.optie("--scheduler", default=None, metavar="ADRES",
            help="adres van een Dask-scheduler (tcp://host:8786); vraagt pip install 'regio-analysis[dask]'")
    report_options(p)
    p.set_defaults(func=_cmd_batch)

    p = _opdracht(sub, "importeren", help="lees een bronbestand (DUO, CBS, koppeling) als canonieke tabel",
                  epilog="voorbeeld:\n  regio-analysis importeren duo-leerlingen leerlingen.csv "
                         "--naar mijn-regio/leerlingen.csv")
    p.add_argument("kind", choices=sorted(IMPORTERS), metavar="SOORT",
                   help="; ".join(f"{k}: {v[1]}" for k, v in IMPORTERS.items()))
    p.add_argument("path", metavar="BESTAND", help="het bronbestand (of de map, voor cbs-odata); wordt alleen gelezen")
    p.optie("--naar", engels="--out", dest="out", default=None, metavar="BESTAND",
            help="schrijf de canonieke tabel als CSV naar dit bestand")
    p.optie("--regels", engels="--rows", dest="rows", type=positive_int, default=10, metavar="N",
            help="aantal regels in de voorvertoning")
    data_dir(p)
    p.set_defaults(func=_cmd_import)

    p = _opdracht(sub, "ophalen", help="haal DUO's landelijke open-onderwijsdatabestanden op in een cache",
                  epilog="voorbeelden:\n  regio-analysis ophalen\n  regio-analysis ophalen --offline")
    p.optie("--naar", default=None, metavar="MAP",
            help="cachemap (standaard: $XDG_CACHE_HOME/regio_analysis/duo of ~/.cache/regio_analysis/duo)")
    p.optie("--offline", action="store_true",
            help="geen netwerk: controleer alleen de cache tegen catalogus en manifest.json")
    p.optie("--catalogus", default=None, metavar="BESTAND",
            help="eigen catalogus (YAML: bestanden met naam, url, soort, optioneel sha256); standaard de "
                 "meegeleverde regio_analysis/io/duo_bestanden.yaml (DUO's namen veranderen elk jaar)")
    p.optie("--opnieuw", action="store_true", help="haal ook ongewijzigde bestanden opnieuw op")
    p.set_defaults(func=_cmd_fetch)

    p = _opdracht(sub, "audit", help="controleer elk cijfer in het activiteitenplan van een regio, tegen het plan zelf "
                                     "en (met --regio) tegen de gegevens van de regio",
                  epilog="voorbeeld:\n  regio-analysis audit activiteitenplan.pdf --regio noorderwijzer "
                         "--naar planaudit.csv")
    p.add_argument("plan", help="het plan (.pdf, .docx, .md of .txt); wordt alleen gelezen")
    p.optie("--regio", default=None, metavar="REGIO_ID",
            help="vergelijk de cijfers ook met de gepubliceerde tabellen en de DUO-laag van deze regio")
    p.optie("--naar", engels="--out", dest="out", default=None, metavar="BESTAND",
            help="schrijf de bevindingen als CSV (planaudit.csv) naar dit bestand")
    data_dir(p)
    scripting(p, "de bevindingen")
    p.set_defaults(func=_cmd_audit)

    p = _opdracht(sub, "hoofdstukken", help="toon de hoofdstukken van het rapport en hun parameters")
    p.set_defaults(func=_cmd_chapters)

    p = _opdracht(sub, "notebooks", help="kopieer de hoofdstukken als notebooks naar een map, om ze in JupyterLab "
                                         "te openen")
    p.optie("--naar", dest="out", required=True, metavar="MAP",
            help="de map voor de notebooks (wordt aangemaakt)")
    p.optie("--overschrijven", action="store_true", help="vervang notebooks in MAP die afwijken van de meegeleverde")
    p.set_defaults(func=_cmd_notebooks)

    p = _opdracht(sub, "synthetisch", help="schrijf synthetische microdata voor een regio als CSV",
                  epilog="voorbeeld:\n  regio-analysis synthetisch noorderwijzer --seed 1 --naar data/generated")
    p.add_argument("regio", help="regio-id (regio-analysis regios toont ze)")
    p.optie("--seed", type=int, default=0, metavar="GETAL",
            help="startwaarde van de toevalsgenerator: dezelfde seed geeft dezelfde gegevens")
    p.optie("--naar", engels="--out", dest="out", default="data/generated", metavar="MAP",
            help="uitvoermap, buiten de regiomappen; per regio een submap")
    p.optie("--sleutel-aanmaken", action="store_true", help=KEY_HELP)
    data_dir(p)
    p.set_defaults(func=_cmd_synthetic)

    p = _opdracht(sub, "duo-laag", help="bereken voor elke regio met een samenstelling haar tabellen uit de landelijke "
                                        "DUO-bestanden (de DUO-laag, in <regiomap>/duo/)",
                  epilog="voorbeeld:\n  regio-analysis ophalen && regio-analysis duo-laag")
    p.add_argument("bronmap", nargs="?", default=None, metavar="MAP",
                   help="map met DUO-bestanden (standaard: de cache van 'regio-analysis ophalen')")
    p.optie("--regio", action="append", metavar="REGIO_ID", help="alleen deze regio (herhaalbaar)")
    p.optie("--als-beschikbaar", action="store_true",
            help="sla over zonder fout als de bronmap er niet is (voor 'make reports')")
    data_dir(p)
    p.set_defaults(func=_cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as err:
        print(f"fout: {err}", file=sys.stderr)
        return EXIT_DATA
    except OSError as err:  # a full, read-only or forbidden disk: one paragraph naming the path
        from regio_analysis.io.files import describe_os_error

        print(f"fout: {describe_os_error(err)}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("afgebroken", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
