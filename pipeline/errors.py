"""Errors a user can act on: each says what is wrong and what to do."""

from __future__ import annotations


class PlanError(Exception):
    """A document the pipeline cannot process; `str()` is one clear line."""

    code = "error"

    def __init__(self, reason: str, hint: str = ""):
        self.reason = reason
        self.hint = hint
        super().__init__(f"{reason} ({hint})" if hint else reason)


class UnreadableFile(PlanError):
    """Empty, binary, truncated, encrypted, scanned or of an unknown format."""

    code = "unreadable"


class NotAPlan(PlanError):
    """Readable text that is not a Vietnamese plan."""

    code = "not_a_plan"


class Timeout(PlanError):
    code = "timeout"
