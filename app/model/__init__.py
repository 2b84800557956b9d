"""The pure NumPy model: no web, JSON or HTML imports live below this package."""

from .cell import ROWS, Trace, Weights, run
from .squash import SQUASHES
from .variants import GATES, VARIANT, VARIANTS, gates_of, has_forget

__all__ = ["GATES", "ROWS", "SQUASHES", "VARIANT", "VARIANTS", "Trace", "Weights", "gates_of", "has_forget", "run"]
