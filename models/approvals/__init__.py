"""Approval items (事项): item types, flows as data, steps and decisions.

Contract: ``kind`` (what each item kind provides; the kinds live in ``kinds/``), ``tables``.
Engine: ``engine`` (submit, decide, lift_hold) over ``context`` (the locked item, transitions),
``moves`` (approve, reject, return), ``signing`` (transfer, add a signer, comment), ``applicant``
(withdraw, resubmit, lift), ``steps`` (starting steps, 二人复核), ``signers`` (who may sign),
``hold`` (暂缓审批), ``flows`` (steps per kind and region); ``outcome`` is what a move returns.
Reading: ``query`` (boxes, detail; rows in ``rows``, parts in ``detail``), ``timeliness``, ``labels``.
"""
