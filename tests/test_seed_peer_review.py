"""The peer-review dossier against the seeds (issue 15): what the dossier says about a region's
peer reviews and targets is what its plan says.

- Noorderwijzer (000): the two opleidingsscholen work as one practice from September 2026 and the
  region holds its peer review in 2029, so the School of Education is not "niet gepland".
- PO Noord-Nederland (001): all students get a place in a partnership *before 2030*, so the
  38,1 % of 2023 is compared with the course towards 2030, not graded as missed.
- Rond Bommel en Dommel (002): at most 20 % of starting staff leave within a year, the ambition
  the retention target comes from, named by the plan's title.
"""
from __future__ import annotations

import re

import pytest
from conftest import seed_text, squash

from regio_analysis.data import load_region
from regio_analysis.peerreview import chapter as peer

#: every test here reads the source documents (tests/conftest.py: deselected without them)
pytestmark = pytest.mark.bronnen


def _row(df, **where):
    sel = df
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, where
    return sel.iloc[0]


def test_noorderwijzer_plan_schedules_the_joint_review_and_the_cycle_says_so():
    flat = squash(seed_text("000"))
    # the plan: both partnerships work as one practice from September 2026 ...
    assert re.search(r"Vanaf september 2026 zullen opleidingsschool Noordermarke en de drie scholen van de "
                     r"School of Education binnen Noorderwijzer", flat)
    # ... and the region holds its (developmental) peer review in 2029; no other year is planned
    assert re.search(r"In 2029 organiseert Onderwijsregio Noorderwijzer [^.]* ontwikkelingsgericht peerreview", flat)
    region = load_region("noorderwijzer", synthetic=True)
    p = region.partnerschappen.set_index("naam")
    assert p.loc["Opleidingspraktijk Noorderwijzer", "instellingen"].split(";") == ["Noordermarke", "School of Education"]
    d = peer.dossier(region)
    cyc = d.cyclus.set_index("naam")
    school = cyc.loc["School of Education"]
    assert (school["gepland"], school["via"], school["status"]) == (2029, "Opleidingspraktijk Noorderwijzer", "op schema")
    assert (cyc["volgende"] == 2029).all() and (cyc["status"] == "op schema").all()
    assert "niet gepland" not in peer.lezing_cyclus(d)
    assert "niet gepland" not in _row(d.indicatoren, indicator_id="peer_review_cyclus")["bewijs"]


def test_po_noord_coverage_target_has_the_plans_year():
    flat = squash(seed_text("001"))
    assert re.search(r"Voor 2030 biedt de onderwijsregio .{0,80}aan alle studenten een opleidingsplek", flat)
    assert "(studiejaar 2023-2024) 971 studenten in SO&P" in flat
    d = peer.dossier(load_region("po-noord-nederland", synthetic=True))
    cov = _row(d.indicatoren, indicator_id="samen_opleiden_dekking")
    assert (cov["doel"], cov["doeljaar"], cov["meetjaar"]) == (100, 2030, 2023)
    assert cov["status"] == "koers onbekend"  # one measurement, seven years before 2030: not "niet gehaald"
    assert "Plan van aanpak Onderwijsregio PO Noord-Nederland 2024" in cov["doel_bron"]
    assert "001_" not in cov["doel_bron"] and ".txt" not in cov["bron"]


def test_bommel_retention_target_is_the_plans_ambition_named_by_its_title():
    flat = squash(seed_text("002"))
    assert re.search(r"vertrekt binnen 1 jaar na het aangaan van de arbeidsovereenkomst terugbrengen tot maximaal "
                     r"20 procent", flat)
    d = peer.dossier(load_region("rond-bommel-en-dommel", synthetic=True))
    row = _row(d.indicatoren, indicator_id="behoud_starters_1_jaar")
    assert row["doel"] == 80 and row["doel_soort"] == "ambitie"
    assert "Activiteitenplan Rond Bommel en Dommel 2026–2029" in row["doel_bron"] and ".txt" not in row["doel_bron"]
    # the estimate itself rests on synthetic spells: shown, never graded against the ambition
    assert row["synthetisch"] and row["status"] == "voorbeeld (synthetisch), niet beoordeeld"


@pytest.mark.parametrize("rid", ["noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel",
                                 "kennemerland-groot-amsterdam"])
def test_no_internal_file_name_in_the_dossier(rid):
    d = peer.dossier(load_region(rid, synthetic=True))
    for col in ("doel_bron", "bron", "bewijs"):
        assert not d.indicatoren[col].astype(str).str.contains(r"\d{3}_[0-9a-f]{16}\.txt").any(), (rid, col)
