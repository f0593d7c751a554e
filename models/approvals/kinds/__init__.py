"""The item kinds (用编, 入编, 出编, 核职, 任免, 解锁, 整改销号, 情况说明): importing this package registers
every one of them in ``models.approvals.kind.KINDS``."""

from models.approvals.kinds import appoint, dispute, enter, exits, posts, quota, rectify, unlock

__all__ = ["appoint", "dispute", "enter", "exits", "posts", "quota", "rectify", "unlock"]
