"""Adam (Kingma & Ba 2015), updating NumPy arrays in place."""

import numpy as np

Array = np.ndarray


class Adam:
    """Keeps the first and second moment of each parameter's gradient.

    params: arrays updated in place by `step`; each gradient passed to `step` has the shape
    of its parameter. Defaults are the paper's, with learning rate `lr`.
    """

    def __init__(
        self, params: list[Array], lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        self.params = params
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.steps = 0

    def step(self, grads: list[Array]) -> None:
        """One update: p -= lr * m_hat / (sqrt(v_hat) + eps). Mutates the params."""
        self.steps += 1
        b1, b2 = self.beta1, self.beta2
        # Bias corrections folded into the step size (same result as m_hat, v_hat).
        scale = self.lr * np.sqrt(1.0 - b2**self.steps) / (1.0 - b1**self.steps)
        eps = self.eps * np.sqrt(1.0 - b2**self.steps)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p -= scale * m / (np.sqrt(v) + eps)
