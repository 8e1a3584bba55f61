"""The one error class a user sees: a problem and its fix, printed without a traceback."""

from __future__ import annotations


class PolicyQAError(Exception):
    """A user-facing error: ``problem`` says what is wrong, ``fix`` what to do about it."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} {fix}".strip())

    def __str__(self) -> str:
        return f"{self.problem} Fix: {self.fix}" if self.fix else self.problem
