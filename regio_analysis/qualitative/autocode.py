"""Auto-coding: dictionary and pattern rules of a codebook applied to text units.

Words are compared on two keys: the word itself and its Dutch lemma from ``simplemma``
(whose dictionaries ship inside its wheel, so nothing is downloaded at run time), both
lowercased and without hyphens. The Snowball ``dutch`` stemmer is deliberately *not* used:
it maps *begeleiding* and *beleid* to the same stem, merging the theme *begeleiden* with
"policy". Words hyphenated across a line break by a PDF conversion (``be-\\nsturen``) are
joined first.

Every hit is one row flagged ``auto=True`` with the rule that fired (``term:mentor*``,
``patroon:...``, ``afgeleid:thema/werven``), the matched text and its offsets, so a person
can review it (:func:`regio_analysis.io.codings.export_codings`). A hit is
dropped when a negation word of the codebook stands within ``negatie.venster`` words before
it in the same clause, or a negating phrase ("geen reden", "ontbrak het me niet") follows;
with ``keep_negated=True`` such hits are returned with ``ontkend=True`` instead.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from regio_analysis.qualitative.codebook import Code, Codebook, CodePattern
from regio_analysis.qualitative.documents import normalise_text, segment

CODING_COLUMNS = ["doc_id", "start", "einde", "code", "codeur", "memo", "auto", "regel"]
AUTO_COLUMNS = CODING_COLUMNS + ["eenheid", "nr", "treffer", "treffer_start", "treffer_einde", "ontkend"]
AUTO_CODEUR = "auto"

# words (with inner hyphens/apostrophes; a hyphen before a line break joins the parts) and clause breaks
_TOKEN = re.compile(r"[^\W_]+(?:(?:-[ \t]*\n\s*|[-'’])[^\W_]+)*|[.;:!?|•]")
_CLAUSE_WORDS = {"maar", "echter"}


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="nl")


def _key(word: str) -> str:
    return word.lower().replace("-", "").replace("'", "").replace("’", "")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    surface: str  # normalised key of the word itself
    lemma: str  # normalised key of its lemma
    brk: bool = False  # a clause break (punctuation)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words of ``text`` with code-point offsets (plus ``offset``) and their lemma keys."""
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        if len(raw) == 1 and not raw.isalnum():
            out.append(Token(m.start() + offset, m.end() + offset, raw, raw, True))
            continue
        # a hyphen at a line break: drop it before a lowercase letter (hyphenation), keep it otherwise
        word = re.sub(r"-[ \t]*\n\s*(?=[^\W\d_])", lambda h: "" if h.string[h.end()].islower() else "-", raw)
        lower = word.lower()
        out.append(Token(m.start() + offset, m.end() + offset, _key(lower), _key(_lemma(lower))))
    return out


@dataclass(frozen=True)
class _Part:
    keys: frozenset[str]
    prefix: bool

    def matches(self, tok: Token) -> bool:
        if tok.brk:
            return False
        if self.prefix:
            return any(tok.surface.startswith(k) or tok.lemma.startswith(k) for k in self.keys)
        return tok.surface in self.keys or tok.lemma in self.keys


@dataclass(frozen=True)
class _Term:
    code: str
    rule: str
    parts: tuple[_Part, ...]


def _compile_term(code: str, term: str) -> _Term | None:
    parts: list[_Part] = []
    for chunk in term.split():
        prefix = chunk.endswith("*")
        words = [t for t in tokenize(chunk.rstrip("*")) if not t.brk]
        for i, t in enumerate(words):
            last = i == len(words) - 1
            keys = {t.surface} if (prefix and last) else {t.surface, t.lemma}
            parts.append(_Part(frozenset(k for k in keys if k), prefix and last))
    return _Term(code, f"term:{term}", tuple(parts)) if parts else None


class _Rules:
    """A codebook compiled for matching."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.terms: list[_Term] = []
        self.patterns: list[tuple[str, str, CodePattern]] = []
        self.codes: dict[str, Code] = {c.path: c for c in codebook}
        for c in codebook:
            if not c.codeerbaar:
                continue
            for term in c.termen:
                compiled = _compile_term(c.path, term)
                if compiled is not None:
                    self.terms.append(compiled)
            for pat in c.patronen:
                self.patterns.append((c.path, f"patroon:{pat}", CodePattern(pat, c.path, codebook.bron or "<codeboek>")))
        neg = codebook.negatie
        self.window = int(neg.get("venster", 3))
        self.neg_before = {_key(w) for w in neg.get("voor", [])}
        self.neg_after = [tuple(t.surface for t in tokenize(p) if not t.brk) for p in neg.get("na", [])]
        self._first: dict[tuple[str, str], list[_Term]] = {}

    def first_matches(self, tok: Token) -> list[_Term]:
        key = (tok.surface, tok.lemma)
        hit = self._first.get(key)
        if hit is None:
            hit = [t for t in self.terms if t.parts[0].matches(tok)]
            self._first[key] = hit
        return hit

    def applies(self, code: str, soort: str) -> bool:
        kinds = self.codes[code].soorten
        return not kinds or soort in kinds

    def negated(self, toks: list[Token], i: int, j: int) -> bool:
        """Whether the hit on tokens ``toks[i:j]`` is negated (tokens of one unit)."""
        k = i - 1
        steps = 0
        while k >= 0 and steps < self.window:
            t = toks[k]
            if t.brk or t.surface in _CLAUSE_WORDS:
                break
            if t.surface in self.neg_before:
                return True
            k -= 1
            steps += 1
        words_after = []
        for t in toks[j:j + self.window + 6]:
            if t.brk:
                break
            words_after.append(t.surface)
        for phrase in self.neg_after:
            n = len(phrase)
            for s in range(min(self.window, len(words_after) - n + 1)):
                if tuple(words_after[s:s + n]) == phrase:
                    return True
        return False


def _hits(rules: _Rules, text: str, toks: list[Token], unit_start: int, unit_end: int, soort: str):
    """Direct hits in one unit: (code, rule, start, end, negated)."""
    out = []
    for i, tok in enumerate(toks):
        for term in rules.first_matches(tok):
            if not rules.applies(term.code, soort):
                continue
            n = len(term.parts)
            if i + n > len(toks) or not all(p.matches(toks[i + m]) for m, p in enumerate(term.parts[1:], 1)):
                continue
            out.append((term.code, term.rule, tok.start, toks[i + n - 1].end, rules.negated(toks, i, i + n)))
    if rules.patterns:
        view = text[unit_start:unit_end].lower().replace("\n", " ")
        for code, rule, rx in rules.patterns:
            if not rules.applies(code, soort):
                continue
            for m in rx.finditer(view):
                s, e = m.start() + unit_start, m.end() + unit_start
                i = next((k for k, t in enumerate(toks) if t.end > s), len(toks))
                j = next((k for k, t in enumerate(toks) if t.start >= e), len(toks))
                out.append((code, rule, s, e, rules.negated(toks, i, j)))
    return out


def auto_code(
    documenten: pd.DataFrame,
    codebook: Codebook,
    *,
    eenheid: str = "zin",
    eenheden: pd.DataFrame | None = None,
    keep_negated: bool = False,
) -> pd.DataFrame:
    """Code every unit of every document with the codebook's rules.

    Parameters
    ----------
    documenten:
        A ``documenten`` table (``doc_id``, ``soort``, ``tekst``).
    codebook:
        The codebook whose rules are applied; the one shipped with the package is
        :func:`regio_analysis.io.codebook.default_codebook`.
    eenheid:
        The coding unit when ``eenheden`` is not given: ``zin``, ``alinea`` or ``sectie``.
    eenheden:
        Pre-made units (from :func:`segment`), e.g. to code exactly the units of a gold set.
    keep_negated:
        Also return negated hits (``ontkend=True``), for review.

    Returns one row per unit and code (columns ``AUTO_COLUMNS``): the unit's offsets in
    ``start``/``einde``, ``codeur="auto"``, ``auto=True``, the first rule that fired in
    ``regel`` and its matched text and offsets. Codes reached through ``afgeleid_van`` carry
    ``regel="afgeleid:<code>"``.
    """
    rules = _Rules(codebook)
    units = eenheden if eenheden is not None else segment(documenten, eenheid)
    derived = [c for c in codebook if c.codeerbaar and c.afgeleid_van]
    rows = []
    docs = documenten.set_index("doc_id")
    units = units.sort_values(["doc_id", "start"], kind="stable")
    n = len(units)
    kinds = units["eenheid"].tolist() if "eenheid" in units.columns else [eenheid] * n
    nrs = units["nr"].tolist() if "nr" in units.columns else [0] * n
    current = None
    for doc_id, start, einde, kind, nr in zip(units["doc_id"].tolist(), units["start"].tolist(),
                                              units["einde"].tolist(), kinds, nrs):
        if doc_id != current:  # a new document: its text and tokens once
            current = doc_id
            text = normalise_text(docs.at[doc_id, "tekst"])
            soort = str(docs.at[doc_id, "soort"]) if "soort" in docs.columns else ""
            all_toks = tokenize(text)
            starts = [t.start for t in all_toks]
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, einde)
        toks = [t for t in all_toks[lo:hi] if t.end <= einde]
        found: dict[str, tuple] = {}
        negated: dict[str, tuple] = {}
        for code, rule, s, e, neg in sorted(_hits(rules, text, toks, start, einde, soort), key=lambda h: (h[2], h[1])):
            (negated if neg else found).setdefault(code, (rule, s, e))
        for _ in range(3):  # derived codes (a derived code may derive from another)
            for c in derived:
                if c.path not in found and rules.applies(c.path, soort):
                    src = next((p for p in c.afgeleid_van if p in found), None)
                    if src is not None:
                        found[c.path] = (f"afgeleid:{src}",) + found[src][1:]
        base = (doc_id, int(start), int(einde))
        extra = (kind, int(nr))
        for code, (rule, s, e) in found.items():
            rows.append(base + (code, AUTO_CODEUR, "", True, rule) + extra + (text[s:e], s, e, False))
        if keep_negated:
            for code, (rule, s, e) in negated.items():
                if code not in found:
                    rows.append(base + (code, AUTO_CODEUR, "", True, rule) + extra + (text[s:e], s, e, True))
    out = pd.DataFrame(rows, columns=AUTO_COLUMNS)
    order = {p: i for i, p in enumerate(codebook.paths)}
    out["_o"] = out["code"].map(order)
    return out.sort_values(["doc_id", "start", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


def code_answers(open_antwoorden: pd.DataFrame, codebook: Codebook, regio_id: str = "") -> pd.DataFrame:
    """Auto-code open answers (one document each, the whole answer as the unit).

    Returns one row per answer with ``respondent_id``, ``jaar``, ``vraag``, ``tekst`` and
    ``auto_codes`` (';'-separated leaf names of the codes found, in codebook order), plus
    ``codes`` (the true codes, when the table has them: synthetic data).
    """
    from regio_analysis.qualitative.documents import documents_from_answers

    docs = documents_from_answers(open_antwoorden, regio_id)
    units = pd.DataFrame({"doc_id": docs["doc_id"], "eenheid": "antwoord", "nr": 1, "start": 0,
                          "einde": docs["tekst"].str.len(), "sectie": "", "tekst": docs["tekst"]})
    coded = auto_code(docs, codebook, eenheden=units)
    order = {p: i for i, p in enumerate(codebook.paths)}
    per_doc = (coded.assign(_o=coded["code"].map(order)).sort_values("_o")
               .groupby("doc_id")["code"].agg(lambda s: ";".join(p for p in s)))
    ans = open_antwoorden.copy()
    ans["doc_id"] = [f"{r.respondent_id}-{r.jaar}-{r.vraag}" for r in ans.itertuples(index=False)]
    ans["auto_codes"] = ans["doc_id"].map(per_doc).fillna("")
    cols = [c for c in ("respondent_id", "jaar", "vraag", "tekst", "codes", "auto_codes") if c in ans.columns]
    return ans[cols].reset_index(drop=True)


def precision_recall(predicted: pd.DataFrame, gold: pd.DataFrame, codes: list[str] | None = None,
                     key: tuple[str, ...] = ("doc_id", "start", "einde")) -> pd.DataFrame:
    """Precision, recall and F1 of ``predicted`` codings against ``gold`` codings, per code
    and overall (micro-averaged, row ``code == "totaal"``).

    Both frames have the ``key`` columns and ``code``; ``gold`` lists every coded unit (a unit
    with no code in ``gold`` counts as a true negative for every code). Only ``codes``
    (default: the codes in ``gold``) are scored, and only on the units present in ``gold``.
    """
    key_cols = list(key)
    units = gold[key_cols].drop_duplicates()
    codes = list(codes) if codes is not None else sorted(gold["code"].dropna().unique())
    pred = predicted.merge(units, on=key_cols)[key_cols + ["code"]].drop_duplicates()
    gold = gold.dropna(subset=["code"])[key_cols + ["code"]].drop_duplicates()
    rows = []
    for code in codes:
        p = set(map(tuple, pred.loc[pred["code"] == code, key_cols].to_numpy().tolist()))
        g = set(map(tuple, gold.loc[gold["code"] == code, key_cols].to_numpy().tolist()))
        rows.append({"code": code, "tp": len(p & g), "fp": len(p - g), "fn": len(g - p), "n_gold": len(g)})
    out = pd.DataFrame(rows, columns=["code", "tp", "fp", "fn", "n_gold"])
    total = out[["tp", "fp", "fn", "n_gold"]].sum()
    out = pd.concat([out, pd.DataFrame([{"code": "totaal", **total.to_dict()}])], ignore_index=True)
    denom_p = (out["tp"] + out["fp"]).replace(0, float("nan"))
    denom_r = (out["tp"] + out["fn"]).replace(0, float("nan"))
    out["precisie"] = out["tp"] / denom_p
    out["recall"] = out["tp"] / denom_r
    out["f1"] = 2 * out["precisie"] * out["recall"] / (out["precisie"] + out["recall"])
    return out
