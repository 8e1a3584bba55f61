"""The answering engine: from a question to a grounded, cited answer (see docs/architecture.md)."""
