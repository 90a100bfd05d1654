"""Operator tools: pipeline status, dead-letter inspection and replay, the published-alerts ledger."""
