"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``) that ATLAS.ti, NVivo,
MAXQDA and QualCoder read and write.

A ``.qdpx`` is a zip with ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and
the documents as UTF-8 text in ``Sources/``; text codings are ``PlainTextSelection``
elements with ``startPosition``/``endPosition`` in Unicode code points over the NFC text
with ``\\n`` line endings (the convention of :mod:`regio_analysis.qualitative.documents`).
A ``.qdc`` is the codebook alone (namespace ``urn:QDA-XML:codebook:1.0``).

What round-trips: documents (text, name), the code hierarchy (names, colours, codable
flag, definition; inclusion/exclusion rules, examples and the auto-coding terms and
patterns are kept as labelled lines in the code's ``Description``), and every text coding
(document, start, end, code, coder, memo). GUIDs are derived from the content, so writing
the same project twice gives the same file. The tests validate written files against the
REFI-QDA XML schemas.
"""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from regio_analysis import __version__
from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import atomic_write, check_file
from regio_analysis.qualitative.autocode import CODING_COLUMNS
from regio_analysis.qualitative.codebook import (
    GUID_NAMESPACE,
    Code,
    Codebook,
    codebook_from_dict,
)
from regio_analysis.qualitative.documents import document_table, normalise_text

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"regio_analysis {__version__}"
# labelled lines in a code's Description that carry the fields REFI-QDA has no element for
_LABELS = {"insluiten": "Insluiten", "uitsluiten": "Uitsluiten", "voorbeelden": "Voorbeelden", "termen": "Termen",
           "patronen": "Patronen", "afgeleid_van": "Afgeleid van", "soorten": "Soorten"}
_LIST_FIELDS = ("voorbeelden", "termen", "patronen", "afgeleid_van", "soorten")
_SEP = " || "


def _guid(*parts) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(map(str, parts))))


# --- codebook ---------------------------------------------------------------------------------

def _description(code: Code) -> str:
    lines = [code.definitie] if code.definitie else []
    for key, label in _LABELS.items():
        value = getattr(code, key)
        if value:
            text = _SEP.join(value) if isinstance(value, list) else value
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def _parse_description(text: str) -> dict:
    out: dict = {}
    rest = []
    by_label = {label: key for key, label in _LABELS.items()}
    for line in (text or "").split("\n"):
        m = re.match(r"^([A-Z][a-z]+(?: van)?): (.*)$", line)
        if m and m.group(1) in by_label:
            key = by_label[m.group(1)]
            out[key] = m.group(2).split(_SEP) if key in _LIST_FIELDS else m.group(2)
        else:
            rest.append(line)
    definitie = "\n".join(rest).strip()
    if definitie:
        out["definitie"] = definitie
    return out


def _code_element(parent: ET.Element, code: Code, ns: str) -> None:
    attrs = {"guid": code.guid, "name": code.naam, "isCodable": "true" if code.codeerbaar else "false"}
    if code.kleur:
        attrs["color"] = code.kleur
    el = ET.SubElement(parent, f"{{{ns}}}Code", attrs)
    desc = _description(code)
    if desc:
        ET.SubElement(el, f"{{{ns}}}Description").text = desc
    for child in code.children:
        _code_element(el, child, ns)


def _xml_bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def codebook_xml(codebook: Codebook) -> bytes:
    """The codebook as REFI-QDA ``.qdc`` XML."""
    root = ET.Element(f"{{{NS_CODEBOOK}}}CodeBook", {"origin": ORIGIN})
    codes = ET.SubElement(root, f"{{{NS_CODEBOOK}}}Codes")
    for code in codebook.codes:
        _code_element(codes, code, NS_CODEBOOK)
    return _xml_bytes(root, NS_CODEBOOK)


def write_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file (atomically)."""
    with atomic_write(path, mode="wb") as fh:
        fh.write(codebook_xml(codebook))
    return Path(path)


def _codes_from_xml(codes_el: ET.Element, ns: str) -> tuple[list[dict], dict[str, str]]:
    """Codebook dicts (for codebook_from_dict) and a map guid -> code path."""
    guids: dict[str, str] = {}

    def walk(el: ET.Element, parent: str) -> dict:
        name = el.get("name", "").strip()
        path = f"{parent}/{name}" if parent else name
        guids[el.get("guid", "")] = path
        d: dict = {"naam": name, "codeerbaar": el.get("isCodable", "true").lower() != "false"}
        if el.get("color"):
            d["kleur"] = el.get("color")
        desc = el.find(f"{{{ns}}}Description")
        if desc is not None and desc.text:
            d.update(_parse_description(desc.text))
        children = [walk(c, path) for c in el.findall(f"{{{ns}}}Code")]
        if children:
            d["codes"] = children
        return d

    return [walk(c, "") for c in codes_el.findall(f"{{{ns}}}Code")], guids


def _parse_xml(data: bytes, name: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        raise DataError(Problem(name, f"geen geldige XML: {err}", rows=(line,) if line else ())) from None


def read_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA ``.qdc`` codebook (as written by ATLAS.ti, NVivo, MAXQDA, QualCoder)."""
    path = check_file(path)
    root = _parse_xml(path.read_bytes(), str(path))
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag.split("}")[-1] != "CodeBook" or ns not in (NS_CODEBOOK, NS_PROJECT):
        raise DataError(Problem(str(path), f"geen REFI-QDA-codeboek: hoofdelement {root.tag!r}, verwacht CodeBook in {NS_CODEBOOK}"))
    codes_el = root.find(f"{{{ns}}}Codes")
    if codes_el is None or not len(codes_el):
        raise DataError(Problem(str(path), "het codeboek bevat geen codes"))
    codes, _ = _codes_from_xml(codes_el, ns)
    return codebook_from_dict({"naam": path.stem, "codes": codes}, file=str(path))


# --- project ----------------------------------------------------------------------------------

@dataclass
class QdaProject:
    """What a ``.qdpx`` holds: documents, codebook and text codings (``CODING_COLUMNS``)."""

    naam: str
    documenten: pd.DataFrame
    codebook: Codebook
    codings: pd.DataFrame
    users: dict[str, str]  # guid -> name


def project_xml(documenten: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook,
                naam: str = "regio_analysis") -> tuple[bytes, dict[str, str]]:
    """``project.qde`` XML and the source files (``Sources/<guid>.txt`` -> text)."""
    problems = []
    unknown = sorted(set(codings["code"]) - set(codebook.paths))
    if unknown:
        problems.append(Problem("<codings>", f"codes niet in het codeboek: {', '.join(unknown[:5])}", column="code"))
    missing_docs = sorted(set(codings["doc_id"]) - set(documenten["doc_id"]))
    if missing_docs:
        problems.append(Problem("<codings>", f"codings bij onbekende documenten: {', '.join(missing_docs[:5])}", column="doc_id"))
    if problems:
        raise DataError(problems)
    P = f"{{{NS_PROJECT}}}"
    coders = sorted(set(codings["codeur"].fillna("").astype(str)) - {""}) or []
    user_guid = {c: _guid("user", c) for c in coders}
    root = ET.Element(f"{P}Project", {"name": naam, "origin": ORIGIN})
    if coders:
        users = ET.SubElement(root, f"{P}Users")
        for c in coders:
            ET.SubElement(users, f"{P}User", {"guid": user_guid[c], "name": c})
    cb = ET.SubElement(root, f"{P}CodeBook")
    codes_el = ET.SubElement(cb, f"{P}Codes")
    for code in codebook.codes:
        _code_element(codes_el, code, NS_PROJECT)
    sources = ET.SubElement(root, f"{P}Sources")
    files: dict[str, str] = {}
    by_doc = {d: g for d, g in codings.groupby("doc_id", sort=True)}
    for doc in documenten.sort_values("doc_id").itertuples(index=False):
        sguid = _guid("source", doc.doc_id)
        text = normalise_text(doc.tekst)
        files[f"Sources/{sguid}.txt"] = text
        src = ET.SubElement(sources, f"{P}TextSource", {"guid": sguid, "name": doc.doc_id,
                                                          "plainTextPath": f"internal://{sguid}.txt"})
        group = by_doc.get(doc.doc_id)
        if group is None:
            continue
        g = group.assign(memo=group["memo"].fillna("").astype(str), codeur=group["codeur"].fillna("").astype(str))
        for (start, einde, coder, memo), sel in g.groupby(["start", "einde", "codeur", "memo"], sort=True):
            if not (0 <= int(start) < int(einde) <= len(text)):
                raise DataError(Problem("<codings>", f"coding {start}-{einde} valt buiten document {doc.doc_id!r}", column="start"))
            attrs = {"guid": _guid("selection", doc.doc_id, start, einde, coder, memo),
                     "name": text[int(start):int(einde)][:60], "startPosition": str(int(start)), "endPosition": str(int(einde))}
            if coder:
                attrs["creatingUser"] = user_guid[coder]
            sel_el = ET.SubElement(src, f"{P}PlainTextSelection", attrs)
            if memo:
                ET.SubElement(sel_el, f"{P}Description").text = memo
            for code in sorted(set(sel["code"])):
                c_attrs = {"guid": _guid("coding", doc.doc_id, start, einde, coder, memo, code)}
                if coder:
                    c_attrs["creatingUser"] = user_guid[coder]
                coding = ET.SubElement(sel_el, f"{P}Coding", c_attrs)
                ET.SubElement(coding, f"{P}CodeRef", {"targetGUID": codebook[code].guid})
    return _xml_bytes(root, NS_PROJECT), files


def write_qdpx(path: str | Path, documenten: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook,
               naam: str = "regio_analysis") -> Path:
    """Write documents, codebook and text codings as a REFI-QDA ``.qdpx`` project (atomically)."""
    xml, files = project_xml(documenten, codings, codebook, naam)
    with atomic_write(path, mode="wb") as fh, zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("project.qde", date_time=(2020, 1, 1, 0, 0, 0)), xml)
        for name, text in sorted(files.items()):
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text.encode("utf-8"))
    return Path(path)


def read_qdpx(path: str | Path) -> QdaProject:
    """Read a REFI-QDA ``.qdpx`` project: its text sources, codebook and text codings.

    Non-text sources (pictures, PDFs, audio) are skipped. Raises DataError naming the file
    for a broken zip, a missing ``project.qde``, invalid XML, a missing source text or a
    coding that refers to an unknown code.
    """
    path = check_file(path)
    name = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise DataError(Problem(name, f"geen geldig .qdpx-bestand (zip): {err}")) from None
    with zf:
        names = zf.namelist()
        qde = next((n for n in names if n.lower().endswith(".qde")), None)
        if qde is None:
            raise DataError(Problem(name, "project.qde ontbreekt in het .qdpx-bestand"))
        root = _parse_xml(zf.read(qde), f"{name}!{qde}")
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        if root.tag.split("}")[-1] != "Project" or ns != NS_PROJECT:
            raise DataError(Problem(f"{name}!{qde}", f"geen REFI-QDA-project: hoofdelement {root.tag!r}"))
        P = f"{{{ns}}}"
        users = {u.get("guid", ""): u.get("name", "") or u.get("id", "") for u in root.iter(f"{P}User")}
        codes_el = root.find(f"{P}CodeBook/{P}Codes")
        if codes_el is not None and len(codes_el):
            code_dicts, guids = _codes_from_xml(codes_el, ns)
            codebook = codebook_from_dict({"naam": root.get("name", path.stem), "codes": code_dicts}, file=f"{name}!{qde}")
        else:
            codebook, guids = Codebook(naam=root.get("name", path.stem), codes=[]), {}
        lower = {n.lower(): n for n in names}
        docs, rows, problems = [], [], []
        for src in root.iter(f"{P}TextSource"):
            sname = src.get("name") or src.get("guid", "")
            content = src.find(f"{P}PlainTextContent")
            if content is not None and content.text is not None:
                text = content.text
            else:
                ref = src.get("plainTextPath", "")
                member = ref.replace("internal://", "Sources/") if ref.startswith("internal://") else ref
                hit = lower.get(member.lower()) or lower.get(("Sources/" + Path(member).name).lower())
                if hit is None:
                    problems.append(Problem(name, f"brontekst {ref!r} van document {sname!r} ontbreekt in Sources/"))
                    continue
                text = zf.read(hit).decode("utf-8-sig")
            text = normalise_text(text)
            docs.append({"doc_id": sname, "soort": "document", "titel": sname, "bestand": Path(name).name, "tekst": text})
            for sel in src.findall(f"{P}PlainTextSelection"):
                try:
                    start, einde = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    problems.append(Problem(name, f"selectie {sel.get('guid')!r} in {sname!r} heeft geen geldige posities"))
                    continue
                desc = sel.find(f"{P}Description")
                memo = desc.text if desc is not None and desc.text else ""
                sel_user = users.get(sel.get("creatingUser", ""), "")
                for coding in sel.findall(f"{P}Coding"):
                    ref = coding.find(f"{P}CodeRef")
                    target = ref.get("targetGUID", "") if ref is not None else ""
                    if target not in guids:
                        problems.append(Problem(name, f"coding in {sname!r} verwijst naar onbekende code {target!r}"))
                        continue
                    coder = users.get(coding.get("creatingUser", ""), "") or sel_user
                    rows.append({"doc_id": sname, "start": start, "einde": einde, "code": guids[target],
                                 "codeur": coder, "memo": memo, "auto": coder == "auto", "regel": ""})
        if problems:
            raise DataError(problems)
    codings = pd.DataFrame(rows, columns=CODING_COLUMNS)
    codings = codings.sort_values(["doc_id", "start", "einde", "code", "codeur"]).reset_index(drop=True)
    return QdaProject(naam=root.get("name", path.stem), documenten=document_table(docs), codebook=codebook,
                      codings=codings, users=users)


def qdpx_bytes(path: str | Path) -> bytes:
    """The ``project.qde`` XML inside a ``.qdpx`` (e.g. to validate it against the schema)."""
    with zipfile.ZipFile(path) as zf:
        qde = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        return zf.read(qde)


__all__ = [
    "NS_CODEBOOK",
    "NS_PROJECT",
    "QdaProject",
    "codebook_xml",
    "project_xml",
    "qdpx_bytes",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
