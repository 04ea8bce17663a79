"""Legal citations in plans, eyecite style: symbols/dates -> find -> resolve.

The stage entry point is `pipeline.extractors.citations.extract_citations`.
"""
