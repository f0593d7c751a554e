"""Import and export of units and persons (Excel .xlsx and CSV), and the canonical templates.

Flow: :mod:`reader` streams rows of raw cells with headers matched by name; :mod:`columns`
parses each cell into a typed record (:mod:`models.records`) or a :class:`cells.CellError` with
row, column and a Chinese reason; :mod:`units` / :mod:`persons` add the cross-row checks and
write through :mod:`models.unit_store` / :mod:`models.person_store` inside one transaction;
:mod:`report` writes the error report next to the input file.

Hostile files: :mod:`xlsx` checks an .xlsx before openpyxl parses it (zip bombs, shared-strings
bombs), :func:`cells.screen` refuses control characters and oversized cells per cell, and every
batch ends ``failed`` when an import breaks off (:func:`result.run_batch`). Every file written
(exports, templates, reports) goes through :mod:`safe_cells`, so no cell is a live formula.
"""
