"""三色管理: each unit's monthly red / yellow / green, its reasons, history and the red hold.

Imports warnings, staffing and core only (approvals reads the red hold from here, so this package
never imports approvals); a monthly score reaches it as plain numbers from the task that runs it.
"""
