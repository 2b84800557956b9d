"""Where the page's files live: beside the package in a checkout, or LSTM_LAB_ROOT."""

import os
from pathlib import Path

ROOT = Path(os.environ.get("LSTM_LAB_ROOT") or Path(__file__).resolve().parent.parent)
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
