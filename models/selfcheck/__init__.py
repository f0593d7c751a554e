"""Twice-monthly self-checks and account locks. Filled by the self-check capability."""
