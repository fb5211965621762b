"""Plan audit (regio_analysis.planaudit) on small made-up Dutch plan texts: Dutch numbers, units,
shares in words, sections and tables, and every kind of finding firing on a constructed
inconsistency and staying silent on the consistent text."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from conftest import FIXTURES
from regio_analysis import DataError
from regio_analysis.planaudit import FINDING_COLUMNS, KINDS, QUANTITY_COLUMNS, analyse, audit, extract_quantities
from regio_analysis.planaudit.numbers import parse_number, word_shares


def quantity(text: str, snippet: str) -> pd.Series:
    """The one quantity whose text is ``snippet``."""
    q = extract_quantities(text)
    hit = q[q["tekst"] == snippet]
    assert len(hit) == 1, (snippet, q[["tekst", "eenheid", "soort"]].to_string())
    return hit.iloc[0]


def kinds(text: str) -> list[str]:
    return audit(text)["soort"].tolist()


# --- numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value, decimals", [
    ("1.243", 1243, 0), ("1.091.565", 1091565, 0), ("1.091.565,-", 1091565, 0), ("27,7", 27.7, 1),
    ("955", 955, 0), ("10.7", 10.7, 1), ("0,25", 0.25, 2), ("12.500,50", 12500.5, 2),
])
def test_dutch_number_notation(raw, value, decimals):
    assert parse_number(raw) == (pytest.approx(value), decimals)


def test_parse_number_refuses_text():
    with pytest.raises(ValueError):
        parse_number("twaalf")


@pytest.mark.parametrize("text, snippet, value, unit", [
    ("De begroting bedraagt € 1.091.565,- voor dit jaar.", "€ 1.091.565,-", 1091565, "eur"),
    ("We rekenen met €955 per deelnemer.", "€955", 955, "eur"),
    ("Het kost 3,2 miljoen euro per jaar.", "3,2 miljoen euro", 3.2e6, "eur"),
    ("Het aandeel vrouwen is 27,7% van het team.", "27,7%", 27.7, "procent"),
    ("De daling is 2,8 procent van de banen.", "2,8 procent", 2.8, "procent"),
    ("In het noorden tellen we 1.243 studenten op de pabo.", "1.243 studenten", 1243, "studenten"),
    ("Er is een tekort van 2.710 fte aan leraren.", "2.710 fte", 2710, "fte"),
    ("De regio telt 48 scholen voor basisonderwijs.", "48 scholen", 48, "scholen"),
    ("Aan het netwerk doen vijf besturen mee.", "vijf besturen", 5, "besturen"),
    ("Er zijn drie instellingen voor mbo.", "drie instellingen", 3, "instellingen"),
    ("Wij bereiken 640 leerlingen met dit aanbod.", "640 leerlingen", 640, "leerlingen"),
    ("Het team bestaat uit 12 ervaren docenten.", "12 ervaren docenten", 12, "personen"),
    ("De cursus duurt 3 jaar voor iedereen.", "3 jaar", 3, "jaar"),
])
def test_numbers_with_their_units(text, snippet, value, unit):
    q = quantity(text, snippet)
    assert q["waarde"] == pytest.approx(value)
    assert q["eenheid"] == unit
    assert q["soort"] == "getal"


def test_a_rate_knows_what_it_is_per():
    q = quantity("Voor elke stagiair is er € 1.200 per student beschikbaar.", "€ 1.200")
    assert (q["eenheid"], q["per"]) == ("eur", "student")
    q = quantity("Het gaat om 640 studenten a 955,- in het eerste jaar.", "955,-")
    assert (q["eenheid"], q["per"]) == ("eur", "student")


@pytest.mark.parametrize("text, snippet, low, high, relation", [
    ("Zonder maatregelen ontstaat een tekort van 5 tot 8% van de formatie.", "5 tot 8%", 5, 8, "="),
    ("Zonder maatregelen ontstaat een tekort van ca. 5–8% van de formatie.", "5–8%", 5, 8, "≈"),
    ("Het verzuim ligt tussen de 3,5% en 5,5% van de uren.", "3,5% en 5,5%", 3.5, 5.5, "="),
    ("Jaarlijks plaatsen we 10-12 zij-instromers in de regio.", "10-12 zij-instromers", 10, 12, "="),
])
def test_ranges(text, snippet, low, high, relation):
    q = quantity(text, snippet)
    assert (q["laag"], q["hoog"], q["relatie"], q["soort"]) == (low, high, relation, "bereik")


@pytest.mark.parametrize("text, snippet, low, high", [
    ("Het plan loopt in de periode 2024-2027 door.", "2024-2027", 2024, 2027),
    ("Het plan loopt in de jaren 2026–2029 door.", "2026–2029", 2026, 2029),
    ("De pilot loopt van 01/2026 t/m 07/2026 in drie wijken.", "01/2026 t/m 07/2026", 2026, 2026),
    ("In schooljaar 26/27 starten we de tweede groep.", "26/27", 2026, 2027),
    ("De evaluatie volgt in 2027 met alle partners.", "2027", 2027, 2027),
])
def test_years_and_periods(text, snippet, low, high):
    q = quantity(text, snippet)
    assert (q["eenheid"], q["laag"], q["hoog"]) == ("jaartal", low, high)


@pytest.mark.parametrize("words, low, high", [
    ("bijna een kwart", 20, 25), ("ruim de helft", 50, 60), ("meer dan de helft", 50, 100),
    ("twee derde", 100 * 2 / 3 - 5, 100 * 2 / 3 + 5), ("een derde", 100 / 3 - 5, 100 / 3 + 5),
    ("driekwart", 70, 80), ("de meerderheid", 50, 100), ("ongeveer 3 op de 10", 25, 35),
])
def test_shares_in_words(words, low, high):
    text = f"Van de leraren in de regio werkt {words} in deeltijd."
    q = quantity(text, words)
    assert (q["eenheid"], q["soort"]) == ("procent", "woord")
    assert q["laag"] == pytest.approx(low) and q["hoog"] == pytest.approx(high)


def test_no_share_where_the_words_mean_something_else():
    assert word_shares("Een van de drie instituten doet mee; het grootste deel van de tijd gaat naar lessen.") == []


@pytest.mark.parametrize("text", [
    "Zie 2.2 in het activiteitenplan voor de uitwerking.",
    "Dit staat in hoofdstuk 4 en bijlage 3 van het plan.",
    "De werkgroep Samen Opleiden 2.0 start in het voorjaar.",
    "Het gaat om 2e graads bevoegdheden in de regio.",
    "Meer informatie op https://www.voorbeeld.nl/plan2026/pagina12 voor iedereen.",
])
def test_numbers_that_are_no_quantity(text):
    q = extract_quantities(text)
    assert q.empty, q[["tekst", "eenheid"]].to_string()


def test_quantity_table_has_the_documented_columns_and_offsets():
    text = "# Analyse\n\nIn 2024 werkten 1.310 leraren in de regio.\n"
    q = extract_quantities(text)
    assert list(q.columns) == QUANTITY_COLUMNS
    row = q[q["eenheid"] == "personen"].iloc[0]
    assert text[row["start"]:row["einde"]] == row["tekst"] == "1.310 leraren"
    assert row["jaar"] == "2024" and row["sectie"] == "Analyse"
    assert "leraar" in row["onderwerp"].split()
    assert text[row["zin_start"]:row["zin_einde"]] == "In 2024 werkten 1.310 leraren in de regio."


# --- structure -----------------------------------------------------------------------------------

PLAN = """# Activiteitenplan Regio Voorbeeld

## 2. Analyse

Het aantal leerlingen daalt.

2.1 Kenmerkende vraagstukken

De regio heeft een tekort van 4,5% aan leraren.

4.2 Activiteitenplanning op hoofdlijnen (2027-2029):

| Activiteit | Periode | Doel |
|---|---|---|
| Werving | 2027-2029 | 40 starters |
"""


def test_sections_markdown_and_numbered_headings():
    layout = analyse(PLAN)
    titles = [h.title for h in layout.headings]
    assert titles == ["Activiteitenplan Regio Voorbeeld", "2. Analyse", "2.1 Kenmerkende vraagstukken",
                      "4.2 Activiteitenplanning op hoofdlijnen (2027-2029):"]
    assert layout.headings[-1].years == (2027, 2029)
    q = extract_quantities(PLAN)
    short = q[q["eenheid"] == "procent"].iloc[0]
    assert short["sectie"] == "2.1 Kenmerkende vraagstukken"
    assert [h.title for h in layout.section_path(short["start"])] == [
        "Activiteitenplan Regio Voorbeeld", "2. Analyse", "2.1 Kenmerkende vraagstukken"]


def test_table_cells_carry_their_headers():
    q = extract_quantities(PLAN)
    starters = q[q["eenheid"] == "personen"].iloc[0]
    assert (starters["rij_kop"], starters["kolom_kop"], starters["waarde"]) == ("Werving", "Doel", 40)
    assert starters["jaar"] == "2027-2029"  # the section's period: the table row is about those years
    assert not q["tekst"].isin(["2.1", "4.2", "2."]).any()


def test_a_flattened_pdf_table_is_read_with_right_aligned_numbers():
    text = ("Begroting 2026\n\n"
            "Werving en matching 400 100 40.000 \n\n"
            "Opleiden in de school 1.000 100 100.000 \n\n"
            "Materiaal     25.000 \n\n"
            "TOTAAL     165.000 \n")
    layout = analyse(text)
    (table,) = layout.tables
    assert table.kind == "getallen" and len(table.rows) == 4
    assert [c.text for c in table.rows[2]] == ["Materiaal", "", "", "25.000"]
    assert audit(text).empty


def test_text_of_a_pdf_wrapped_lines_with_blank_lines_between():
    line1 = "De tekorten in het noordelijke deel van de regio nemen volgens de prognose eerst af, tot "
    line2 = "38 fte in 2025. Daarna loopt het tekort in het noordelijke deel van de regio weer op tot "
    text = (f"Tekorten \n\n{line1}\n\n{line2}\n\n51 fte in 2028 bij ongewijzigd beleid van de besturen. \n\n"
            "Een tweede alinea begint hier en gaat over iets anders dan de tekorten in het noorden. \n")
    q = extract_quantities(text)
    later = q[q["tekst"] == "51 fte"].iloc[0]
    assert later["zin"].startswith("Daarna loopt het tekort") and later["zin"].endswith("van de besturen.")
    assert later["jaar"] == "2028" and later["sectie"] == "Tekorten"
    assert "tekort" in later["onderwerp"].split()


def test_tab_table_with_group_labels_and_a_label_pushed_right():
    text = ("Prognose\t2025\t2026\n"
            "<i>Benodigde fte</i>\t\t\n"
            "OP\t1739\t1728\n"
            "\tOOP\t363\t358\n"
            "<i>Benodigd aantal personen</i>\t\t\n"
            "OP\t2480\t2470\n")
    q = extract_quantities(text).set_index("tekst")
    assert (q.loc["358", "rij_kop"], q.loc["358", "kolom_kop"], q.loc["358", "jaar"]) == ("OOP", "2026", "2026")
    assert q.loc["1739", "eenheid"] == "fte" and q.loc["2470", "eenheid"] == "personen"
    assert q.loc["2025", "eenheid"] == "jaartal"


def test_a_table_of_contents_holds_no_quantities():
    text = ("Inhoud\t2\nInleiding\t3\nAnalyse\t5\nAmbities\t11\nActiviteitenplanning\t14\n\n"
            "# Inleiding\n\nDe regio telt 48 scholen.\n")
    layout = analyse(text)
    assert layout.tables[0].toc
    assert extract_quantities(text)["tekst"].tolist() == ["48 scholen"]


# --- product ------------------------------------------------------------------------------------

def product_text(amount: str) -> str:
    return ("## Bijlage financiën\n\nDe hogeschool heeft 1.200 studenten à € 900 per student in het partnerschap. "
            f"Dat komt neer op € {amount} per jaar.\n")


def test_product_fires_when_amount_is_not_count_times_rate():
    found = audit(product_text("1.150.000"))
    assert found["soort"].tolist() == ["product"]
    row = found.iloc[0]
    assert (row["waarde"], row["verwacht"], row["ernst"]) == (1150000, 1080000, "hoog")
    assert "1.150.000" in row["bewijs"] and "1.200 studenten" in row["bewijs"]
    assert list(found.columns) == FINDING_COLUMNS


def test_product_silent_when_consistent():
    assert audit(product_text("1.080.000")).empty


def implied_text(amount: str) -> str:
    return ("Hanze Academie\n\nDe academie heeft 1.250 studenten in het partnerschap. "
            "De vergoeding is € 800 per student. "
            f"Wij ontvangen nu {amount} voor het partnerschap.\n")


def test_product_fires_on_an_amount_that_implies_another_count():
    found = audit(implied_text("920.000"))  # 920.000 = 1.150 × 800, but the plan names 1.250 students
    assert found["soort"].tolist() == ["product"]
    assert (found.iloc[0]["waarde"], found.iloc[0]["verwacht"]) == (920000, 1000000)


def test_product_silent_when_the_amount_matches_a_named_count():
    assert audit(implied_text("1.000.000")).empty


def test_product_in_a_table_breaking_the_rule_of_its_other_rows():
    rows = "Post A 100 50 5.000 \n\nPost B 200 50 10.000 \n\nPost C 300 50 {} \n"
    assert audit(rows.format("15.000")).empty
    found = audit(rows.format("14.000"))
    assert found["soort"].tolist() == ["product"]
    assert found.iloc[0]["verwacht"] == 15000


# --- som ----------------------------------------------------------------------------------------

def sum_table(total_2024: str) -> str:
    return ("## Leerlingen\n\n| Sector | 2023 | 2024 |\n|---|---|---|\n| Basisonderwijs | 1.200 | 1.250 |\n"
            f"| Speciaal onderwijs | 300 | 310 |\n| Totaal | 1.500 | {total_2024} |\n")


def test_sum_fires_on_a_total_that_is_not_the_sum():
    found = audit(sum_table("1.600"))
    assert found["soort"].tolist() == ["som"]
    row = found.iloc[0]
    assert (row["waarde"], row["verwacht"]) == (1600, 1560)
    assert "Totaal / 2024: 1.600" in row["bewijs"]


def test_sum_silent_when_it_adds_up_and_allows_rounding():
    assert audit(sum_table("1.560")).empty
    rounded = ("| Post | Bedrag |\n|---|---|\n| A | 10,4 |\n| B | 20,4 |\n| C | 30,4 |\n| Totaal | 61,3 |\n")
    assert audit(rounded).empty  # 61,2 summed from rounded parts; 61,3 is within their rounding


# --- verdeling ------------------------------------------------------------------------------------

def test_distribution_in_a_sentence():
    text = "De verdeling naar leeftijd: 30% is jonger dan 35, 45% zit ertussen en {}% is ouder dan 55."
    assert kinds(text.format(20)) == ["verdeling"]
    assert audit(text.format(20)).iloc[0]["waarde"] == 95
    assert audit(text.format(25)).empty


def test_distribution_in_a_list():
    text = ("De contracten zijn als volgt verdeeld:\n\n- vast: 70,5%\n- tijdelijk: 20,1%\n- invalkracht: {}%\n")
    assert kinds(text.format("6,4")) == ["verdeling"]
    assert audit(text.format("9,4")).empty
    assert audit(text.format("9,5")).empty  # 100,1: within the rounding of three shares


def test_distribution_of_two_complements():
    text = "Van de leraren werkt 62% in deeltijd, de overige {}% werkt voltijd."
    assert kinds(text.format(35)) == ["verdeling"]
    assert audit(text.format(38)).empty


def test_no_distribution_where_shares_are_separate_scores():
    text = ("De tevredenheid scoort als volgt:\n\n- salaris: 80%\n- werkdruk: 45%\n- collega's: 90%\n")
    assert audit(text).empty


# --- tegenstrijdig ----------------------------------------------------------------------------------

def contradiction_text(second: str) -> str:
    return ("## Analyse\n\nIn het speciaal onderwijs van de regio werken 412 leraren met een vaste aanstelling.\n\n"
            "## Ambities\n\nDe regio wil het vak aantrekkelijker maken.\n\n"
            f"In het speciaal onderwijs van de regio werken {second} leraren met een vaste aanstelling.\n")


def test_contradiction_fires_on_the_same_quantity_with_two_values():
    found = audit(contradiction_text("452"))
    assert found["soort"].tolist() == ["tegenstrijdig"]
    row = found.iloc[0]
    assert (row["waarde"], row["verwacht"]) == (452, 412)
    assert row["secties"] == ("Ambities", "Analyse")


def test_contradiction_silent_on_the_same_value_and_on_rounding():
    assert audit(contradiction_text("412")).empty
    text = ("Van het personeel werkt 60,2% in deeltijd in de regio.\n\n"
            "Ongeveer 60% van het personeel werkt in deeltijd in de regio.\n")
    assert audit(text).empty


def test_contradiction_silent_on_different_subjects():
    text = ("De instroom van leraren in de regio was 10,7% van het personeel.\n\n"
            "De uitstroom van leraren in de regio was 9,9% van het personeel.\n\n"
            "Het verzuim van leraren in de regio is 6,7% van de uren.\n\n"
            "Het landelijke verzuim van leraren is 6,3% van de uren.\n")
    assert audit(text).empty


def test_contradiction_not_between_neighbours_in_one_sentence_or_list():
    text = ("Het tekort aan leraren en schoolleiders is respectievelijk 3,7% en 4,1%.\n\n"
            "Duur van het dienstverband:\n\n- korter dan 1 jaar: 13,4%\n- 1 tot 5 jaar: 40,2%\n")
    assert audit(text).empty


# --- woord_getal -------------------------------------------------------------------------------------

def words_text(words: str) -> str:
    return ("## Personeel\n\nVan het personeel is 27,7% 55 jaar of ouder.\n\n"
            f"## Vergrijzing\n\n{words} van het personeel is 55 jaar of ouder.\n")


def test_word_share_contradicted_by_a_number():
    found = audit(words_text("Bijna een kwart"))
    assert found["soort"].tolist() == ["woord_getal"]
    row = found.iloc[0]
    assert (row["waarde"], row["verwacht"]) == (27.7, 25)


@pytest.mark.parametrize("words", ["Ruim een kwart", "Ongeveer een kwart", "Een kwart"])
def test_word_share_agreeing_with_the_number(words):
    assert audit(words_text(words)).empty


def test_word_share_about_another_age_is_no_finding():
    text = ("Van het personeel is 27,7% 55 jaar of ouder.\n\nMeer dan de helft van het personeel is 45 jaar of ouder.\n")
    assert audit(text).empty


# --- jaarbereik ----------------------------------------------------------------------------------------

def test_year_outside_the_period_of_its_sentence():
    text = "In de periode 2026-2029 voeren we het programma uit en de eindevaluatie volgt in {}."
    found = audit(text.format(2031))
    assert found["soort"].tolist() == ["jaarbereik"]
    assert (found.iloc[0]["waarde"], found.iloc[0]["verwacht"]) == (2031, 2029)
    assert audit(text.format(2028)).empty


def test_year_outside_a_period_is_fine_when_the_sentence_looks_back_or_forward():
    assert audit("In de periode 2026-2029 bouwen we voort op wat sinds 2019 is opgebouwd.").empty
    assert audit("In de periode 2026-2029 bereiden we ons voor op het tekort dat in 2034 wordt verwacht.").empty


def planning_table(period: str) -> str:
    return ("### 4.1 Gedetailleerde activiteitenplanning (2026):\n\n| Activiteit | Doel | Periode |\n|---|---|---|\n"
            f"| Werving zij-instromers | Meer instroom | {period} |\n| Banenmarkt | Matchen | maart 2026 |\n")


def test_activity_period_outside_the_years_of_its_section():
    found = audit(planning_table("2027-2029"))
    assert found["soort"].tolist() == ["jaarbereik"]
    assert "4.1 Gedetailleerde activiteitenplanning (2026):" in found.iloc[0]["bewijs"]


@pytest.mark.parametrize("period", ["januari 2026 - juni 2026", "01/2026 t/m 12/2026", "10/2026 t/m 03/2027",
                                    "Gedurende het jaar"])
def test_activity_period_within_or_overlapping_its_section(period):
    assert audit(planning_table(period)).empty


# --- audit ------------------------------------------------------------------------------------------------

def test_audit_runs_the_requested_kinds_only():
    text = sum_table("1.600") + "\n" + product_text("1.150.000")
    assert sorted(kinds(text)) == ["product", "som"]
    assert audit(text, kinds=("som",))["soort"].tolist() == ["som"]
    assert set(KINDS) == {"product", "som", "verdeling", "tegenstrijdig", "woord_getal", "jaarbereik", "gegevens"}


def test_findings_are_numbered_per_kind_and_sorted_by_position():
    text = sum_table("1.600").replace("| 1.500 |", "| 1.400 |") + "\n" + product_text("1.150.000")
    found = audit(text)
    assert found["bevinding"].tolist() == ["som-1", "som-2", "product-1"]
    assert found["start"].is_monotonic_increasing
    for _, row in found.iterrows():
        assert all(text[a:b].strip() for a, b in row["locaties"])


@pytest.mark.parametrize("bad, message", [
    (None, "geen NoneType"), ("   \n", "geen tekst"),
])
def test_bad_input_gives_a_clean_error(bad, message):
    with pytest.raises(DataError) as err:
        audit(bad, bron="plan.pdf")
    assert "plan.pdf" in str(err.value) and message in str(err.value)


def test_unknown_kind_is_refused():
    with pytest.raises(DataError, match="onbekende soort controle: optelling"):
        audit("Er zijn 5 scholen.", kinds=("optelling",))


# --- a whole plan -----------------------------------------------------------------------------------

#: a whole made-up plan, consistent (tests/fixtures/plannen/voorbeeldplan.md)
WHOLE_PLAN = (FIXTURES / "plannen" / "voorbeeldplan.md").read_text(encoding="utf-8")

#: inconsistencies planted in WHOLE_PLAN, one per line: (consistent text, planted text, kind)
PLANTED = [tuple(p) for p in yaml.safe_load((FIXTURES / "plannen" / "geplant.yaml").read_text(encoding="utf-8"))]


def test_a_consistent_plan_has_no_findings():
    """Regional and national figures, instroom and uitstroom, a hidden shortage, a forecast, a
    table of years with its total, a distribution, rounding, a budget, periods: all consistent."""
    assert audit(WHOLE_PLAN).empty


def test_each_inconsistency_planted_in_the_plan_is_found_and_nothing_else():
    text = WHOLE_PLAN
    for consistent, planted, _kind in PLANTED:
        assert consistent in text
        text = text.replace(consistent, planted)
    found = audit(text)
    # the wrong budget row also breaks the budget's total: one more "som"
    assert sorted(found["soort"]) == sorted([k for _, _, k in PLANTED] + ["som"])
    for consistent, planted, kind in PLANTED:
        where = text.index(planted)
        spans = [s for locs in found.loc[found["soort"] == kind, "locaties"] for s in locs]
        assert any(where <= a < where + len(planted) for a, _ in spans), (kind, planted)
