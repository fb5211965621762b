"""SPP scenarios from a YAML file (the model: ``workforce.model.parse_scenarios``)."""
from __future__ import annotations

from pathlib import Path

from regio_analysis.io.files import read_yaml_text
from regio_analysis.workforce.model import Scenario, parse_scenarios


def load_scenarios(path: str | Path) -> dict[str, Scenario]:
    """The scenarios of the YAML file ``path`` added to (or replacing) the defaults; every value
    outside its domain is a DataError naming the file, scenario, key and line."""
    raw, text = read_yaml_text(path)
    return parse_scenarios(raw, text, str(path))
