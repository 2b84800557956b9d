"""LSTM Cell Lab: a classroom visualizer of the 1997 gated memory cell."""

__version__ = "0.1.0"
