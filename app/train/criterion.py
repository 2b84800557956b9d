"""When a run counts as solved: the 1997 paper's stopping rules, judged online. Pure Python.

Exp. 2a: every output unit within 0.25 of its target on 10,000 consecutive training
sequences. Exp. 4 (adding): the 2,000 most recent training sequences all within 0.04 at the
sequence end, and their mean squared error below 0.01 (the paper's "average training error
below 0.01"; it does not say over which sequences, we take the same 2,000).

Each sequence is judged as it is presented, with the weights of that moment (before the
update it causes): the paper's online reading. Nothing is re-evaluated with frozen weights.
"""

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    window: int  # consecutive sequences that must all be within tolerance
    tolerance: float  # largest |output - target| of a sequence that still counts as right
    mean_squared_limit: float | None = None  # and their mean squared error below this


class Judge:
    """Follows the training sequences one by one; says when the criterion is first met."""

    def __init__(self, criterion: Criterion):
        self.criterion = criterion
        self.streak = 0  # consecutive sequences within tolerance, up to now
        self._squared: deque[float] = deque(maxlen=criterion.window)  # the latest sequences' squared errors
        self._squared_sum = 0.0

    def feed(self, max_errors: list[float], squared_errors: list[float]) -> int | None:
        """Judge sequences in the order presented: each one's largest |output - target|
        and its mean squared error. Returns the index (into these lists) of the sequence
        that completed the criterion, or None."""
        c = self.criterion
        for k, (error, squared) in enumerate(zip(max_errors, squared_errors)):
            self.streak = self.streak + 1 if error < c.tolerance else 0
            if c.mean_squared_limit is not None:
                if len(self._squared) == c.window:
                    self._squared_sum -= self._squared[0]
                self._squared.append(squared)
                self._squared_sum += squared
            if self.streak >= c.window and self._mean_ok():
                return k
        return None

    def _mean_ok(self) -> bool:
        limit = self.criterion.mean_squared_limit
        return limit is None or self._squared_sum / len(self._squared) < limit
