"""People who log in: accounts, password hashing and lockout (``store``), the units each may see
(``scope``) and what each role may do (``permissions``, the one permission table)."""
