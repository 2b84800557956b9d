"""Squashing functions g (cell input) and h (cell output), with their derivatives.

Each function takes and returns float arrays of any shape; derivatives are taken
with respect to the same argument.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    """Logistic function 1 / (1 + e^-x), in [0, 1]; written through tanh, which cannot
    overflow, so it saturates to exactly 0 or 1 with no warnings."""
    return 0.5 * np.tanh(0.5 * x) + 0.5


@dataclass(frozen=True)
class Squash:
    name: str
    g: Callable[[Array], Array]
    g_prime: Callable[[Array], Array]
    h: Callable[[Array], Array]
    h_prime: Callable[[Array], Array]


def _identity(x: Array) -> Array:
    return x


def _ones(x: Array) -> Array:
    return np.ones_like(x)


def _tanh_prime(x: Array) -> Array:
    return 1.0 - np.tanh(x) ** 2


def _sigmoid_prime(x: Array) -> Array:
    s = sigmoid(x)
    return s * (1.0 - s)


def _paper_g(x: Array) -> Array:
    return 4.0 * sigmoid(x) - 2.0  # range [-2, 2]


def _paper_g_prime(x: Array) -> Array:
    return 4.0 * _sigmoid_prime(x)


def _paper_h(x: Array) -> Array:
    return 2.0 * sigmoid(x) - 1.0  # range [-1, 1]


def _paper_h_prime(x: Array) -> Array:
    return 2.0 * _sigmoid_prime(x)


def sigmoid_float(v: float) -> float:
    """sigmoid for one float, by the same formula."""
    return 0.5 * math.tanh(0.5 * v) + 0.5


def _sigmoid_prime_float(v: float) -> float:
    s = sigmoid_float(v)
    return s * (1.0 - s)


def _one(v: float) -> float:
    return 1.0


# g, h and h' of each squash for one float, by the same formulas as the array versions
# (plain floats are far quicker than 1x1 arrays).
Float = Callable[[float], float]
SCALAR: dict[str, tuple[Float, Float, Float]] = {
    "identity": (float, float, _one),
    "tanh": (math.tanh, math.tanh, lambda v: 1.0 - math.tanh(v) ** 2),
    "paper": (
        lambda v: 4.0 * sigmoid_float(v) - 2.0,
        lambda v: 2.0 * sigmoid_float(v) - 1.0,
        lambda v: 2.0 * _sigmoid_prime_float(v),
    ),
    "logistic": (sigmoid_float, float, _one),
}


SQUASHES: dict[str, Squash] = {
    # Teaching default: the cell stores exactly what the input gate lets through.
    "identity": Squash("identity", _identity, _ones, _identity, _ones),
    # Today's vanilla LSTM (and PyTorch's nn.LSTMCell).
    "tanh": Squash("tanh", np.tanh, _tanh_prime, np.tanh, _tanh_prime),
    # Hochreiter & Schmidhuber 1997: g = 4 sigmoid - 2, h = 2 sigmoid - 1.
    "paper": Squash("paper", _paper_g, _paper_g_prime, _paper_h, _paper_h_prime),
    # The paper's Experiments 2a/2b: a logistic g in [0, 1] and h = identity. A bounded g
    # leaves the input gate to decide what is written; an unbounded h never saturates.
    "logistic": Squash("logistic", sigmoid, _sigmoid_prime, _identity, _ones),
}
