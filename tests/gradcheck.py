"""Central differences, the independent reference for every gradient test."""

from typing import Callable

import numpy as np

EPS = 1e-5


def central_difference(array: np.ndarray, index: tuple, value_of: Callable[[], float],
                       eps: float = EPS) -> float:
    """d value_of() / d array[index] as (f(a + eps) - f(a - eps)) / 2 eps; array[index]
    is put back as it was."""
    kept = array[index]
    array[index] = kept + eps
    up = value_of()
    array[index] = kept - eps
    down = value_of()
    array[index] = kept
    return (up - down) / (2 * eps)
