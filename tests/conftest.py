"""Shared fixtures: paths to the repository's data and to the source documents (seeds)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# CI has ../shared beside the clone; locally the same layout holds.
SEEDS = REPO.parent / "shared" / "seeds"


def seed_text(prefix: str) -> str:
    """The text of the seed whose file name starts with ``prefix`` (e.g. "002"); skips when absent."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not found under {SEEDS}")
    return matches[0].read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Collapse runs of white space, so table rows can be matched with single spaces."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
