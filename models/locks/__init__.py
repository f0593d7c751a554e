"""Month-end locks of units (锁定): a unit that made fewer counting self-checks in a month than the
settings ask is locked on the 1st; while it has an unlifted lock its stewards are restricted (they
may read their data and file a 解锁申请, nothing else). A lock is lifted by an approved 解锁申请 or
directly by an officer or admin, with a reason; both are audited."""
