"""The domain: every table, query and rule of BZOps, and all of its SQL.

One package per domain, each with a small public surface (see docs/ARCHITECTURE.md):

- ``core``      database, settings, crypto, audit, enums, working-day calendar, bulk helpers,
                the decision step; imports nothing else of ours.
- ``staffing``  units, quotas, posts, persons, ID/USCC checks, retirement age, scopes.
- ``accounts``  accounts, roles, the permission table, resolving an account's scope.
- ``warnings``  rules (data + one set-based query each), scans, the warning lifecycle.
- ``notify``    targets, the outbox, deliveries, digest marks, reminders and escalation queries.
- ``approvals``, ``selfcheck``, ``scores``, ``reports``: the capabilities that come next.

Dependencies point down the list (``notify`` may use ``warnings``, never the reverse) and never
in a cycle; ``tests/test_layers.py`` enforces it. ``migrate`` and ``migrations`` see every
domain's tables, so they sit beside the packages.
"""
