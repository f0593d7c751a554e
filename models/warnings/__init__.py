"""Warnings: the rule catalogue (``rules``: data plus one set-based query each), their settings
(``config``), scans (``scan``, ``scope``, ``merge``), data quality (``quality``), and the lifecycle
people drive (``actions`` through the core decision step; ``query`` and ``evidence`` for reading)."""
