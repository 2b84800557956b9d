"""The pure NumPy model: no web, JSON or HTML imports live below this package."""

from .cell import GATES, ROWS, VARIANTS, Trace, Weights, run
from .squash import SQUASHES

__all__ = ["GATES", "ROWS", "SQUASHES", "VARIANTS", "Trace", "Weights", "run"]
