"""Training the cell on the 1997 paper's long-time-lag tasks: pure NumPy, no web imports."""
