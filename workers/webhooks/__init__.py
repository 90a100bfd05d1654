"""Webhooks: every alert message POSTed, signed, to each subscriber URL; retried, then dead-lettered."""
