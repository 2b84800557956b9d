"""Keep NumPy's BLAS on one thread while training.

The matrices here are small (a batch of 16 sequences of 100 steps); OpenBLAS still splits
them over threads, and on a busy 2-core machine that made training 3 to 20 times slower.
Each training job therefore runs on one core: set the environment before NumPy is loaded
(the CLI), or ask the loaded OpenBLAS (a worker process).
"""

import ctypes
import glob
import os

ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
           "openblas_set_num_threads64_", "openblas_set_num_threads")


def single_thread_env() -> None:
    """Before NumPy is imported: ask every BLAS for one thread, unless the user chose."""
    for name in ENV_VARS:
        os.environ.setdefault(name, "1")


def limit_loaded_blas(threads: int = 1) -> bool:
    """After NumPy is imported: set the thread count of its bundled OpenBLAS, if found.

    Returns whether a setter was called. Process-wide: call it in worker processes only.
    """
    try:
        from threadpoolctl import threadpool_limits  # optional; used when present
        threadpool_limits(threads, user_api="blas")
        return True
    except ImportError:
        pass
    import numpy as np

    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(libs):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for setter in SETTERS:
            if hasattr(lib, setter):
                getattr(lib, setter)(threads)
                return True
    return False
