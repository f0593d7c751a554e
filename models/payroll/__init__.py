"""财政's monthly payroll roster (工资统发名单), compared with the establishment (编制) by the D4 rules.

Modules: ``tables`` (batches and their entries), ``store`` (replacing a month's roster atomically,
recording a refused file, the units an importer may name), ``query`` (the months imported, as a
reader's scope sees them). The rules themselves live with the others in ``models.warnings.rules``.
"""
