"""Shared test setup: import the package from this checkout, and the real dump as a fixture."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

# One day of a real daily-papers digest: 51 papers under a single "Mar 11" date line.
REAL_DUMP = ROOT / "data" / "daily-papers.txt"


@pytest.fixture
def real_dump() -> Path:
    return REAL_DUMP
