"""The home page's tips (首页提示): facts read from every domain, each with the page that fixes it.

Reads warnings, staffing, approvals, unittasks, selfcheck and core; nothing imports this package.
"""
