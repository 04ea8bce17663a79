"""What the finder returns before resolution: one `Mention` per place in the text."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extraction.citations.symbols import Symbol


@dataclass
class Mention:
    """One mention of an instrument, as found (before short forms are resolved).

    kind: "full" (type word + symbol), "bare" (symbol alone), "short" (type
    word + bare number: "Chỉ thị số 28"), "named" (a law by name).
    """

    kind: str
    type: str | None
    start: int  # evidence span in the text
    end: int
    symbol: Symbol | None = None
    lead: str | None = None  # leading number of a short form: "28"
    name: str | None = None  # named laws
    law_number: str | None = None  # official number of a named law, when known
    registry_name: str | None = None  # canonical name of a named instrument (its key when it has no number)
    date: str | None = None
    year: int | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    inherited: bool = False  # date taken from another mention of the same number
    plain_number: str | None = None  # a bare number that stands alone ("Chỉ thị số 06 của Chủ tịch UBND tỉnh")

    @property
    def number(self) -> str | None:
        return self.symbol.number if self.symbol else self.plain_number
