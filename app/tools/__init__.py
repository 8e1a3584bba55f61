"""Tooling around the engine: benchmarks, synthetic corpora, helper servers, ``policyqa doctor``."""
