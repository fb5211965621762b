"""Loaders for CBS (Statistics Netherlands) StatLine tables.

Two source formats, both read into the same tidy long frame:

* a folder as written by ``cbsodata.download_data(table_id, dir=...)``: one JSON list per
  OData entity set -- ``TableInfos.json``, ``DataProperties.json`` (dimensions and topics),
  ``TypedDataSet.json`` or ``UntypedDataSet.json`` (the data; cbsodata's default is untyped),
  and one code list per dimension named after its key (``Perioden.json``, ``RegioS.json``, ...);
* a StatLine CSV export: ``;``-separated and quoted, a title line, one or more
  ``"Onderwerpen"`` header lines (topic hierarchy), a line with the dimension names followed
  by the units, the data, and a footer (``"Bron: CBS"``, ``"© Centraal Bureau ..."``).

The tidy frame has one column per dimension holding the human-readable title (column name:
the dimension key or title in lower case with only letters and digits, so ``RegioS`` and
``Regio's`` both become ``regios``), ``perioden_jaar`` (int), ``onderwerp`` (topic title),
``onderwerp_code`` (topic key; empty for CSV), ``eenheid`` (CBS unit as published),
``waarde``, ``onderdrukt``, ``tabel``, ``regel`` (source line), ``bron``, ``bron_bestand``,
``sha256``. :func:`cbs_to_kengetallen` maps it into the canonical ``kengetallen`` table.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.duo import conform_lines
from regio_analysis.io.files import read_text
from regio_analysis.data.schemas import EENHEDEN, FUNCTIEGROEPEN

__all__ = [
    "CBS_SYMBOLS", "CBS_UNITS", "cbs_to_kengetallen", "read_cbs_odata_dir", "read_cbs_statline_csv",
]

#: CBS symbols in cells -> (value, onderdrukt). ``.`` = unknown, too unreliable or secret;
#: ``x`` = secret (older tables); ``-`` = nil (zero); blank = cannot occur. In a
#: TypedDataSet these arrive as ``null``, which is read like ``.``.
CBS_SYMBOLS: dict[str, tuple[float, bool]] = {
    ".": (np.nan, True),
    "x": (np.nan, True),
    "-": (0.0, False),
    "": (np.nan, False),
}

#: CBS units (lower case, single spaces) -> (``eenheid`` of the canonical tables, factor).
CBS_UNITS: dict[str, tuple[str, float]] = {
    "aantal": ("aantal", 1), "x 1 000": ("aantal", 1000), "x 1000": ("aantal", 1000),
    "x 1 mln": ("aantal", 1e6), "%": ("procent", 1), "procent": ("procent", 1),
    "euro": ("eur", 1), "euro's": ("eur", 1), "x 1 000 euro": ("eur", 1000), "mln euro": ("eur", 1e6),
    "x mln euro": ("eur", 1e6), "fte": ("fte", 1), "x 1 000 fte": ("fte", 1000),
    "jaar": ("jaren", 1), "jaren": ("jaren", 1), "uren": ("uren", 1), "uur": ("uren", 1),
}

_DIMENSION_TYPES = ("Dimension", "TimeDimension", "GeoDimension", "GeoDetail")
_FIXED = ("perioden_jaar", "onderwerp", "onderwerp_code", "eenheid", "waarde", "onderdrukt", "tabel",
          "regel", "bron", "bron_bestand", "sha256")
_FOOTER = re.compile(r"^(©|\(c\)|bron\b|centraal bureau|cbs\b)", re.IGNORECASE)


def column_name(name: str) -> str:
    """Dimension column name: lower case letters and digits only (``Regio's`` -> ``regios``)."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower()) or "dimensie"


def _year(text: str) -> float:
    m = re.match(r"\s*((?:19|20)\d{2})", str(text))
    return int(m.group(1)) if m else np.nan


def _parse_cell(value: Any) -> tuple[float, bool, bool]:
    """(value, suppressed, bad) of one CBS cell: a number, a symbol, or null."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan, True, False
    if isinstance(value, bool):
        return np.nan, False, True
    if isinstance(value, (int, float)):
        return float(value), False, False
    text = str(value).strip()
    if text in CBS_SYMBOLS:
        v, s = CBS_SYMBOLS[text]
        return v, s, False
    t = text.replace(" ", "")
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    try:
        return float(t), False, False
    except ValueError:
        return np.nan, False, True


def _rows(lines, mask) -> tuple[int, ...]:
    return tuple(int(x) for x in np.sort(np.asarray(lines)[np.asarray(mask, dtype=bool)]))


def _examples(values) -> str:
    return ", ".join(repr(v) for v in pd.unique(pd.Series(list(values), dtype=object).astype(str))[:3])


# --- OData folder (cbsodata.download_data) ------------------------------------------------------

def _json_records(path: Path) -> tuple[list, list[int], str]:
    """A JSON list (or an OData response with ``value``) and the line where each element starts."""
    tf = read_text(path)
    text = tf.text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(Problem(str(path), f"geen geldige JSON: {err.msg}", rows=(err.lineno,))) from None
    start = 0
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        start = text.index("[", text.index('"value"'))
        data = data["value"]
    elif isinstance(data, list):
        start = text.index("[")
    else:
        raise DataError(Problem(str(path), "verwacht een JSON-lijst (zoals cbsodata die wegschrijft)"))
    decoder = json.JSONDecoder()
    skip = re.compile(r"[\s,]*")
    pos, line, last, lines = start + 1, 1 + text.count("\n", 0, start), start, []
    for _ in data:
        pos = skip.match(text, pos).end()
        line += text.count("\n", last, pos)
        last = pos
        lines.append(line)
        _, pos = decoder.raw_decode(text, pos)
    return data, lines, tf.sha256


def _folder_sha256(folder: Path) -> str:
    """sha256 over the folder's JSON files: ``name NUL sha256(file) LF`` for each, sorted by name."""
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.json")):
        h.update(p.name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).hexdigest().encode() + b"\n")
    return h.hexdigest()


def read_cbs_odata_dir(folder: str | Path) -> pd.DataFrame:
    """Read a table folder written by ``cbsodata.download_data(table_id, dir=folder)``.

    Uses ``TypedDataSet.json`` when present, else ``UntypedDataSet.json`` (padded strings
    with CBS symbols). ``bron`` is the folder name, ``sha256`` a hash over its JSON files
    (see :func:`_folder_sha256`), ``regel`` the line in the data file where the record starts.
    """
    folder_s = str(folder)
    path = Path(folder)
    if not path.exists():
        raise DataError(Problem(folder_s, "map niet gevonden"))
    if not path.is_dir():
        raise DataError(Problem(folder_s, "verwacht een map zoals cbsodata.download_data(..., dir=...) die schrijft, "
                                          "geen bestand"))
    props_path = path / "DataProperties.json"
    if not props_path.exists():
        raise DataError(Problem(str(props_path), "bestand niet gevonden; een cbsodata-map heeft DataProperties.json, "
                                                 "TypedDataSet.json (of UntypedDataSet.json) en een codelijst per dimensie"))
    data_path = next((path / n for n in ("TypedDataSet.json", "UntypedDataSet.json") if (path / n).exists()), None)
    if data_path is None:
        raise DataError(Problem(str(path / "TypedDataSet.json"), "bestand niet gevonden (ook geen UntypedDataSet.json)"))

    props, prop_lines, _ = _json_records(props_path)
    problems: list[Problem] = []
    for prop, line in zip(props, prop_lines):
        missing = [k for k in ("Type", "Key", "Title") if not isinstance(prop, dict) or k not in prop]
        if missing:
            problems.append(Problem(str(props_path), f"eigenschap zonder {', '.join(missing)}", column=missing[0],
                                    rows=(line,)))
    if problems:
        raise DataError(problems)
    dims = [p for p in props if p["Type"] in _DIMENSION_TYPES]
    topics = [p for p in props if p["Type"] == "Topic"]
    if not topics:
        raise DataError(Problem(str(props_path), "geen onderwerpen (Type 'Topic') gevonden", column="Type"))
    groups = {p.get("ID"): p for p in props if p["Type"] == "TopicGroup"}

    tabel = path.name
    if (path / "TableInfos.json").exists():
        infos, _, _ = _json_records(path / "TableInfos.json")
        if infos and isinstance(infos[0], dict):
            tabel = str(infos[0].get("Identifier") or tabel)
            if infos[0].get("Title"):
                tabel = f"{tabel}: {infos[0]['Title']}"

    codes: dict[str, dict[str, str]] = {}
    for dim in dims:
        code_path = path / f"{dim['Key']}.json"
        if not code_path.exists():
            problems.append(Problem(str(code_path), f"codelijst van dimensie '{dim['Key']}' niet gevonden",
                                    column=dim["Key"]))
            continue
        items, _, _ = _json_records(code_path)
        codes[dim["Key"]] = {str(i["Key"]).strip(): str(i.get("Title", i["Key"])).strip()
                             for i in items if isinstance(i, dict) and "Key" in i}
    if problems:
        raise DataError(problems)

    records, lines, _ = _json_records(data_path)
    if not records:
        raise DataError(Problem(str(data_path), "de dataset is leeg (geen records)"))
    df = pd.DataFrame.from_records(records)
    lines = np.asarray(lines, dtype=int)
    data_file = str(data_path)
    for needed in [d["Key"] for d in dims] + [t["Key"] for t in topics]:
        if needed not in df.columns:
            problems.append(Problem(data_file, f"kolom '{needed}' uit DataProperties.json ontbreekt in de data",
                                    column=needed))
    if problems:
        raise DataError(problems)

    dim_frame = {}
    for dim in dims:
        key = dim["Key"]
        raw = df[key].astype("string").fillna("").str.strip()
        titles = raw.map(codes[key])
        unknown = titles.isna()
        if unknown.any():
            problems.append(Problem(data_file, f"code(s) {_examples(raw[unknown])} staan niet in {key}.json",
                                    column=key, rows=_rows(lines, unknown)))
        dim_frame[key] = (titles.astype(object), raw.astype(object))
    titles_by_key = {t["Key"]: t["Title"] for t in topics}
    dup_titles = {t for t in titles_by_key.values() if list(titles_by_key.values()).count(t) > 1}

    parts = []
    for topic in topics:
        parsed = [_parse_cell(r.get(topic["Key"]) if isinstance(r, dict) else None) for r in records]
        values = np.array([p[0] for p in parsed], dtype=float)
        supp = np.array([p[1] for p in parsed], dtype=bool)
        bad = np.array([p[2] for p in parsed], dtype=bool)
        if bad.any():
            problems.append(Problem(data_file, f"geen getal of CBS-symbool: {_examples(df.loc[bad, topic['Key']])}",
                                    column=topic["Key"], rows=_rows(lines, bad)))
        title = str(topic["Title"]).strip()
        if title in dup_titles and topic.get("ParentID") in groups:
            title = f"{str(groups[topic['ParentID']]['Title']).strip()} / {title}"
        part = pd.DataFrame({column_name(d["Key"]): dim_frame[d["Key"]][0] for d in dims})
        time_keys = [d["Key"] for d in dims if d["Type"] == "TimeDimension"]
        part["perioden_jaar"] = (dim_frame[time_keys[0]][1].map(_year) if time_keys else np.nan)
        part["onderwerp"] = title
        part["onderwerp_code"] = str(topic["Key"])
        part["eenheid"] = str(topic.get("Unit") or "").strip()
        part["waarde"] = values
        part["onderdrukt"] = supp
        part["regel"] = lines
        parts.append(part)
    if problems:
        raise DataError(problems)
    return _finish(pd.concat(parts, ignore_index=True), [column_name(d["Key"]) for d in dims], tabel=tabel,
                   bron=path.name, bron_bestand=folder_s, sha256=_folder_sha256(path), label=data_file)


def _finish(df: pd.DataFrame, dim_cols: list[str], *, tabel: str, bron: str, bron_bestand: str, sha256: str,
            label: str) -> pd.DataFrame:
    clash = [c for c in dim_cols if c in _FIXED]
    if clash or len(set(dim_cols)) != len(dim_cols):
        raise DataError(Problem(label, f"dimensienamen botsen met elkaar of met vaste kolommen: "
                                       f"{', '.join(dim_cols)}", column=(clash or dim_cols)[0]))
    df["perioden_jaar"] = pd.array(df["perioden_jaar"], dtype="Int64")
    df["tabel"] = tabel
    df["bron"] = bron
    df["bron_bestand"] = bron_bestand
    df["sha256"] = sha256
    dup = df.duplicated(dim_cols + ["onderwerp"], keep=False).to_numpy()
    if dup.any():
        raise DataError(Problem(label, "dubbele combinatie van dimensies en onderwerp", column=dim_cols[0] if dim_cols
                                else "onderwerp", rows=_rows(df["regel"], dup)))
    df["regel"] = df["regel"].astype(int)
    return df[dim_cols + list(_FIXED)].reset_index(drop=True)


# --- StatLine CSV export ------------------------------------------------------------------------

def read_cbs_statline_csv(path: str | Path) -> pd.DataFrame:
    """Read a StatLine CSV export (``;``, quoted, title/topic/unit header lines, footer).

    The topic title is the most specific ``Onderwerpen`` line; when that is not unique the
    levels are joined with `` / `` (e.g. ``Werkzame personen / Vrouwen``). Decimal comma or
    point are both accepted; CBS symbols are read as in :data:`CBS_SYMBOLS`.
    """
    tf = read_text(path)
    name = str(path)
    reader = csv.reader(io.StringIO(tf.text), delimiter=";", quotechar='"')
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [c.strip() for c in row]))
    except csv.Error as err:
        raise DataError(Problem(name, f"kan het bestand niet als CSV lezen: {err}", rows=(reader.line_num,))) from None
    topic_idx = [i for i, (_, r) in enumerate(rows) if r and r[0].lower() in ("onderwerpen", "onderwerp")]
    if not topic_idx:
        raise DataError(Problem(name, "geen StatLine-kopregels gevonden (een regel die begint met \"Onderwerpen\", "
                                      "gevolgd door de regel met dimensies en eenheden); is dit een CSV-export "
                                      "uit StatLine?"))
    last = topic_idx[-1]
    if last + 1 >= len(rows):
        raise DataError(Problem(name, "de regel met dimensies en eenheden ontbreekt na de onderwerpregels",
                                rows=(rows[last][0],)))
    topic_row = rows[last][1]
    n_dims = 1
    while n_dims < len(topic_row) and topic_row[n_dims] == "":
        n_dims += 1
    unit_line, unit_row = rows[last + 1]
    if len(unit_row) <= n_dims:
        raise DataError(Problem(name, "de regel met dimensies en eenheden heeft geen eenheden", rows=(unit_line,)))
    dim_names = unit_row[:n_dims]
    units = unit_row[n_dims:]
    width = n_dims + len(units)
    chains = []
    for j in range(len(units)):
        chain: list[str] = []
        for i in topic_idx:
            cells = rows[i][1]
            cell = cells[n_dims + j] if n_dims + j < len(cells) else ""
            if cell and (not chain or chain[-1] != cell):
                chain.append(cell)
        chains.append(chain or [f"onderwerp {j + 1}"])
    leaf = [c[-1] for c in chains]
    titles = leaf if len(set(leaf)) == len(leaf) else [" / ".join(c) for c in chains]

    data, data_lines, problems = [], [], []
    for line, row in rows[last + 2:]:
        if not any(row):
            continue
        if len(row) < n_dims + 1 or _FOOTER.match(row[0]):
            break  # footer: source line, copyright
        if len(row) != width:
            problems.append(Problem(name, f"regel met {len(row)} velden; verwacht {width}", rows=(line,)))
            continue
        data.append(row)
        data_lines.append(line)
    if problems:
        raise DataError(problems)
    if not data:
        raise DataError(Problem(name, "het bestand heeft kopregels maar geen gegevensregels"))

    dim_cols = [column_name(d) for d in dim_names]
    lines = np.asarray(data_lines, dtype=int)
    period_col = next((c for c in dim_cols if c in ("perioden", "periode", "jaar")), None)
    parts = []
    for j, (title, unit) in enumerate(zip(titles, units)):
        cells = [r[n_dims + j] for r in data]
        parsed = [_parse_cell(c) for c in cells]
        bad = np.array([p[2] for p in parsed], dtype=bool)
        if bad.any():
            problems.append(Problem(name, f"geen getal of CBS-symbool: {_examples(np.asarray(cells, dtype=object)[bad])}",
                                    column=title, rows=_rows(lines, bad)))
        part = pd.DataFrame({c: [r[k] for r in data] for k, c in enumerate(dim_cols)}, dtype=object)
        part["perioden_jaar"] = part[period_col].map(_year) if period_col else np.nan
        part["onderwerp"] = title
        part["onderwerp_code"] = ""
        part["eenheid"] = unit
        part["waarde"] = np.array([p[0] for p in parsed], dtype=float)
        part["onderdrukt"] = np.array([p[1] for p in parsed], dtype=bool)
        part["regel"] = lines
        parts.append(part)
    if problems:
        raise DataError(problems)
    tabel = rows[0][1][0] if rows and rows[0][1] and 0 not in topic_idx else Path(name).stem
    return _finish(pd.concat(parts, ignore_index=True), dim_cols, tabel=tabel, bron=Path(name).name,
                   bron_bestand=name, sha256=tf.sha256, label=name)


# --- into the data model ---------------------------------------------------------------------

_REGION_SUFFIX = {"PV": "provincie", "LD": "landsdeel", "CR": "corop", "GM": "gemeente", "RE": "regio"}


def _niveau(title: str) -> str | None:
    t = str(title).strip()
    if t.lower() in ("nederland", "totaal nederland"):
        return "landelijk"
    m = re.fullmatch(r"(.+?)\s*\((PV|LD|CR|GM|RE)\)", t)
    if m:
        return f"{_REGION_SUFFIX[m.group(2)]}:{m.group(1).strip()}"
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")


def _is_total(title: str) -> bool:
    return str(title).strip().lower().startswith("totaal")


def cbs_to_kengetallen(df: pd.DataFrame, onderwerp: str, mapping: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Map a tidy CBS frame (from either reader) into the canonical ``kengetallen`` table.

    ``onderwerp`` becomes ``kengetallen.onderwerp`` (e.g. ``"arbeidsmarkt"``). ``mapping``
    (all keys optional):

    - ``indicator``: {CBS topic title or code: indicator}; only the listed topics are kept.
      Default: every topic, indicator = its title as a slug.
    - ``regio_kolom``: the region dimension (default ``regios`` when present). Its titles
      become ``niveau``: ``Nederland`` -> ``landelijk``, ``X (PV)`` -> ``provincie:X``,
      ``(LD)`` -> ``landsdeel:``, ``(CR)`` -> ``corop:``, ``(GM)`` -> ``gemeente:``;
      ``niveau`` = {title: niveau} overrides; ``niveau_standaard`` is used without a region
      dimension (default ``landelijk``).
    - ``functiegroep``: a fixed value (default ``totaal``) or
      ``{"kolom": dimension, "waarden": {title: DIR/OP/OOP/totaal}}``.
    - ``eenheid``: {CBS unit: eenheid or (eenheid, factor)}, added to :data:`CBS_UNITS`.
    - ``opmerking``: text for every row.

    Remaining dimensions go into ``categorie`` as ``dim=title`` joined by ``; `` (``totaal``
    when all are totals); a period that is not a whole year is added as ``perioden=...``.
    Extra columns kept: ``onderdrukt``, ``tabel``, ``bron_bestand``, ``sha256``.
    """
    mapping = dict(mapping or {})
    label = ", ".join(sorted(set(df["bron_bestand"].astype(str)))) if "bron_bestand" in df else "<cbs>"
    lines = df["regel"].to_numpy() if "regel" in df else np.arange(2, len(df) + 2)
    missing = [c for c in ("onderwerp", "eenheid", "waarde", "perioden_jaar", "bron") if c not in df.columns]
    if missing:
        raise DataError(Problem(label, f"geen CBS-frame: kolom(men) {', '.join(missing)} ontbreken", column=missing[0]))
    dims = [c for c in df.columns if c not in _FIXED]
    work = df.reset_index(drop=True).copy()
    lines = np.asarray(lines)
    problems: list[Problem] = []

    sel = mapping.get("indicator")
    if sel is not None:
        by_title = work["onderwerp"].map(sel).astype(object)
        by_code = (work["onderwerp_code"].map(sel).astype(object) if "onderwerp_code" in work
                   else pd.Series(None, index=work.index, dtype=object))
        indicator = by_title.where(by_title.notna(), by_code)
        keep = indicator.notna().to_numpy()
        unused = [k for k in sel if k not in set(work["onderwerp"]) and k not in set(work.get("onderwerp_code", []))]
        if unused:
            problems.append(Problem(label, f"onderwerp(en) uit de mapping niet in de tabel: {_examples(unused)}; "
                                           f"aanwezig: {_examples(pd.unique(work['onderwerp']))}", column="onderwerp"))
        work, lines, indicator = work[keep].reset_index(drop=True), lines[keep], indicator[keep].reset_index(drop=True)
    else:
        indicator = work["onderwerp"].map(_slug)

    units = {k.lower(): v for k, v in CBS_UNITS.items()}
    for k, v in (mapping.get("eenheid") or {}).items():
        units[re.sub(r"\s+", " ", str(k).strip().lower())] = (v, 1) if isinstance(v, str) else tuple(v)
    unit_key = work["eenheid"].astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    known_unit = unit_key.isin(list(units))
    if (~known_unit).any():
        problems.append(Problem(label, f"onbekende CBS-eenheid {_examples(work.loc[~known_unit, 'eenheid'])}; geef "
                                       f"mapping['eenheid'] = {{eenheid: een van {', '.join(EENHEDEN)}}}",
                                column="eenheid", rows=_rows(lines, ~known_unit)))
    eenheid = unit_key.map(lambda u: units.get(u, (None, 1))[0])
    factor = unit_key.map(lambda u: float(units.get(u, (None, 1))[1]))

    regio_col = mapping.get("regio_kolom", "regios" if "regios" in dims else None)
    if regio_col is not None and regio_col not in dims:
        problems.append(Problem(label, f"regio_kolom '{regio_col}' is geen dimensie; dimensies: {', '.join(dims)}",
                                column=str(regio_col)))
        regio_col = None
    if regio_col:
        overrides = mapping.get("niveau") or {}
        niveau = work[regio_col].map(lambda t: overrides.get(t) or _niveau(t))
        unknown = niveau.isna()
        if unknown.any():
            problems.append(Problem(label, f"kan geen niveau afleiden uit regio {_examples(work.loc[unknown, regio_col])}; "
                                           "geef mapping['niveau'] = {titel: niveau}", column=regio_col,
                                    rows=_rows(lines, unknown)))
    else:
        niveau = pd.Series(mapping.get("niveau_standaard", "landelijk"), index=work.index)

    fg = mapping.get("functiegroep", "totaal")
    fg_col = None
    if isinstance(fg, Mapping):
        fg_col = fg.get("kolom")
        if fg_col not in dims:
            raise DataError(Problem(label, f"functiegroep-kolom '{fg_col}' is geen dimensie; dimensies: "
                                           f"{', '.join(dims)}", column=str(fg_col)))
        functiegroep = work[fg_col].map(fg.get("waarden", {}))
        bad = functiegroep.isna() | ~functiegroep.isin(FUNCTIEGROEPEN)
        if bad.any():
            problems.append(Problem(label, f"geen functiegroep voor {_examples(work.loc[bad, fg_col])}", column=fg_col,
                                    rows=_rows(lines, bad)))
    else:
        functiegroep = pd.Series(fg, index=work.index)

    period_col = next((c for c in dims if c in ("perioden", "periode", "jaar")), None)
    cat_dims = [c for c in dims if c not in (period_col, regio_col, fg_col)]

    def categorie(row) -> str:
        parts = []
        if period_col and not re.fullmatch(r"(?:19|20)\d{2}\*{0,2}", str(row[period_col]).strip()):
            parts.append(f"{period_col}={row[period_col]}")
        parts += [f"{c}={row[c]}" for c in cat_dims if not _is_total(row[c])]
        return "; ".join(parts) or "totaal"

    if problems:
        raise DataError(problems)
    out = pd.DataFrame({
        "onderwerp": onderwerp,
        "indicator": indicator.astype(str),
        "jaar": work["perioden_jaar"],
        "functiegroep": functiegroep,
        "categorie": work.apply(categorie, axis=1) if len(work) else pd.Series(dtype=object),
        "niveau": niveau,
        "eenheid": eenheid,
        "waarde": work["waarde"].astype(float) * factor,
        "bron": work["bron"].astype(str),
        "opmerking": mapping.get("opmerking", ""),
        "onderdrukt": work["onderdrukt"].astype(bool) if "onderdrukt" in work else False,
        "tabel": work.get("tabel", ""),
        "bron_bestand": work.get("bron_bestand", ""),
        "sha256": work.get("sha256", ""),
    })
    return conform_lines(out, "kengetallen", label, lines.tolist())
