"""Plumbing every domain shares: database sessions, settings, field encryption, the audit log,
vocabularies (enums), the working-day calendar, bulk writes and the decision step.

Imports nothing else of ours, so every other package may import it.
"""
