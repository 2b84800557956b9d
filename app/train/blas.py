"""Keep NumPy's BLAS on one thread while training.

The matrices here are small (a batch of 16 sequences of 100 steps); OpenBLAS still splits
them over threads, and on a busy 2-core machine that made training 3 to 20 times slower.
Each training job therefore runs on one core: the CLI and the worker processes set the
environment before NumPy is loaded.
"""

import os

ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_thread_env() -> None:
    """Before NumPy is imported: ask every BLAS for one thread, unless the user chose."""
    for name in ENV_VARS:
        os.environ.setdefault(name, "1")
