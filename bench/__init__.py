"""Descenso's benchmarks: ``python -m bench.run [--quick] [--only NAME]`` prints one table per
benchmark, every figure a ratio against a baseline measured in the same run (see README.md)."""
