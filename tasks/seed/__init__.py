"""Seed data: a realistic, reproducible 机构编制实名制 data set with known defects (``bzops seed``).

Design
------
* **Deterministic.** Every random choice comes from a ``random.Random`` seeded with a string
  ``f"{seed}/<purpose>"`` (tree, fill, persons, mobiles, one stream per defect kind, and the person
  stream restarted per unit); every date is computed from ``as_of``. The same arguments give
  byte-identical files; nothing reads the clock or the global ``random``.
* **Exact sizes.** :mod:`tree` splits N units over governments (省 → 市 → 县 → 乡镇, Zhejiang
  codes from :mod:`regions`) and builds each from :mod:`catalog` within its budget; :mod:`quotas`
  scales 事业单位 quotas so that M persons fill about 85% of all places and derives 内设机构限额
  and 领导职数 (:mod:`bodies` then gives each unit its 内设机构 within the limit and seats the
  internal leaders in them); :mod:`plan` shares out exactly M persons (70–100% per unit, never over quota)
  as contiguous "slots" per unit, leaders first.
* **Clean means clean.** IDs are valid GB 11643 numbers (area = the unit's region, parity = sex)
  and unique, as are (name, birth date) pairs and mobiles; USCCs carry valid GB 32100 checks and
  the 11/12/13 prefix of the unit kind; every active person is aged 22+ and more than a year
  from statutory retirement (:mod:`models.retirement`); profiles are complete and 在编 = 任职 unit.
  With ``--defects 0`` no rule of domain §9 (A–D) fires, except the informational C2/C3 (平编,
  空编) that real fill rates imply.
* **Known defects.** :mod:`defects` plans, per rule id, which slots or units break which rule;
  :mod:`inject` applies them and records each subject in a manifest that is exactly what a full
  scan should report. A1–A4 (ID problems) are refused by ``bzops import``, so they are injected
  only when writing straight to the database; file output always imports cleanly.
* **Streaming.** Persons are generated unit by unit and handed to a sink (:mod:`writer`: CSV
  files through the export ``TableWriter`` columns, or the database through ``write_units`` and
  ``PersonWriter`` in one transaction) in chunks of 5,000; memory holds the units, the plan and
  the uniqueness sets only (about 370 MB for 1,000,000 persons in 50,000 units).
* **Demo.** :mod:`demo` seeds 安吉县 (under 湖州市 and 浙江省) with ~1,500 persons, 2–3 records of
  every defect kind and one account per role (password ``bzops-demo``), into an empty database.
"""
