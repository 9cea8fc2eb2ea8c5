"""The fuzzing harness: mutators of the corpus files and a runner (see fuzz/README.md)."""
