"""Import and export of units and persons (Excel .xlsx and CSV), and the canonical templates.

Flow: :mod:`reader` streams rows of raw cells with headers matched by name; :mod:`columns`
parses each cell into a typed record (:mod:`models.records`) or a :class:`cells.CellError` with
row, column and a Chinese reason; :mod:`units` / :mod:`persons` add the cross-row checks and
write through :mod:`models.unit_store` / :mod:`models.person_store` inside one transaction;
:mod:`report` writes the error report next to the input file.
"""
