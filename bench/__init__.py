"""The benchmark harness (see docs of benchmarks in the project notes and bench/README.md)."""
