"""Extractors: each takes the cleaned text, the section tree and the metadata
and returns dataclasses with exact offsets. No I/O, no batch logic here."""
