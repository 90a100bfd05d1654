"""Operator tools: pipeline status, dead-letter inspection and replay, whole-topic reads and lag for commands."""
