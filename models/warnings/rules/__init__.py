"""The rule catalogue (domain.md §9 A–D): each rule is data plus one set-based query.

A rule (:class:`base.RuleDef`) has a stable code, a Chinese title, a severity, its policy basis,
a deadline in working days and thresholds (``params``). Its query returns the offending subjects
as rows (``unit_id``, ``person_id``, ``key``, ``anchor`` date, ``severity`` override and ``ev_*``
evidence columns); the scanner (:mod:`models.scan`) turns them into warnings. The same query runs
for a full scan and, restricted to the units in ``scan_scope``, for an incremental one.

Time-dependent rules also declare *windows*: the date ranges in which a value crossing the
threshold between the previous scan's day and this one changes the result without any data
change (a birthday reaching retirement age, an entry date passing). Incremental scans add the
units of such persons to their scope, which is what makes them equal to a full scan.
"""
