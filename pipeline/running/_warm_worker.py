"""Imported by the worker forkserver only (`pipeline.running.engines`): load and warm the pipeline once,
so every worker forked from it starts with word lists and models already in memory (shared pages)."""

from pipeline.running.engines import settle

settle()
