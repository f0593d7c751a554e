"""The establishment itself: units (the tree), quotas by establishment type, leadership posts,
persons and their history; ID/USCC checks, statutory retirement dates, reader scopes.

Writers (``unit_writer``, ``person_writer``) serve import and seed; readers (``units``,
``persons``, ``person_detail``) serve the portal, the CLI and exports.
"""
