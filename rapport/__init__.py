"""Rapport: a customer-service desk where technology enables human contact."""

import os

# numpy's OpenBLAS starts a thread per core for each matrix operation. Triage's matrices are
# small (a message's features, a few hundred columns to train on), and a desk runs them inside
# web and worker processes that share the cores: the threads only wait for each other. Measured
# on 2 shared cores, tests/triage/test_learned.py took 89 s CPU with them and 32 s without.
# Set before anything imports numpy (every process imports this package first); an operator's
# own value wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
