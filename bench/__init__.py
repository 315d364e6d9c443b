"""The benchmark: ``python -m bench`` measures the providers against the engine's own cost."""
