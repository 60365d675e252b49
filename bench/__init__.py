"""Benchmarks of edkg and the synthetic record generator they run on."""
