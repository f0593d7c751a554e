"""Internal bodies (内设机构) of the seeded units, and which section each internal leader heads.

Clean data stays within the rules: a unit gets between half its 内设机构限额 and the limit, each
body approves one 正职 and one or two 副职 (or none separately, the unit's total then applies), and
the n-th internal chief heads the n-th body, deputies follow while their body has room. Defects:
C7 gives a unit one or two bodies above its limit; "C5B" (reported as C5, 超职数, as the domain
counts it per section too) puts a unit's second internal chief into the first body, beside its
chief. Everything comes from ``Random(f"{seed}/bodies")`` and the defect streams, in unit order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from models.staffing.records import BodyRecord, PersonRecord
from tasks.seed.tree import UnitInfo

ORGAN_SECTIONS = ("办公室", "政策法规科", "综合业务科", "财务审计科", "人事科", "规划发展科", "行政审批科",
                  "监督检查科", "信息化科", "安全管理科", "宣传教育科", "执法监督科", "项目管理科", "统计分析科",
                  "对外联络科", "综合协调科", "督查科")
INSTITUTION_SECTIONS = ("办公室", "财务科", "人事科", "业务一科", "业务二科", "业务三科", "后勤保障科", "信息科",
                        "质量管理科", "科研科", "安全保卫科", "培训科", "档案室", "对外合作科")
BODY_GRADES = {"正省部级": "正厅", "正厅级": "正处", "正处级": "正科", "正科级": "股级", "副科级": "股级"}
DEPUTY_POSTS = (1, 1, 2, None)


@dataclass
class BodyPlan:
    """Bodies per unit index, and the units whose first body gets a second chief (C5B)."""

    bodies: dict[int, list[BodyRecord]] = field(default_factory=dict)
    doubled: set[int] = field(default_factory=set)
    over_limit: set[int] = field(default_factory=set)

    def all(self) -> list[BodyRecord]:
        return [body for index in sorted(self.bodies) for body in self.bodies[index]]


def plan_bodies(units: list[UnitInfo], seed: int, wanted: dict[str, int]) -> BodyPlan:
    plan, rng = BodyPlan(), Random(f"{seed}/bodies")
    limited = [i for i, u in enumerate(units) if u.record.internal_limit]
    over = Random(f"{seed}/C7")
    plan.over_limit = set(over.sample(limited, min(wanted.get("C7", 0), len(limited))))
    for index in limited:
        limit = units[index].record.internal_limit or 0
        count = limit + 1 + over.randrange(2) if index in plan.over_limit else limit - rng.randrange(limit // 2 + 1)
        plan.bodies[index] = [_body(units[index], n, rng) for n in range(count)]
    doubled = [i for i in limited if _chiefs(units[i]) >= 2]
    plan.doubled = set(Random(f"{seed}/C5B").sample(doubled, min(wanted.get("C5B", 0), len(doubled))))
    return plan


def _chiefs(unit: UnitInfo) -> int:
    return unit.record.posts.get(("internal", "chief"), 0)


def _body(unit: UnitInfo, n: int, rng: Random) -> BodyRecord:
    record = unit.record
    names = INSTITUTION_SECTIONS if record.kind == "institution" else ORGAN_SECTIONS
    name = names[n] if n < len(names) else f"第{n + 1}业务科"
    return BodyRecord(record.code, f"{n + 1:02d}", name, BODY_GRADES.get(record.grade or ""), 1,
                      rng.choice(DEPUTY_POSTS), record.approved_on, record.approval_doc)


def assign_bodies(records: list[PersonRecord], bodies: list[BodyRecord], doubled: bool) -> None:
    """Set the section of each internal leader in ``records`` (one unit's persons)."""
    if not bodies:
        return
    chiefs = [r for r in records if r.leader_kind == "internal_chief"]
    for n, record in enumerate(chiefs[:len(bodies)]):
        record.body_code = bodies[n].code
    if doubled and len(chiefs) >= 2:
        chiefs[1].body_code = bodies[0].code
    room = {b.code: 1 if b.deputy_posts is None else b.deputy_posts for b in bodies}
    deputies = [r for r in records if r.leader_kind == "internal_deputy"]
    for n, record in enumerate(deputies):
        code = bodies[n % len(bodies)].code
        if room[code] > 0:
            record.body_code, room[code] = code, room[code] - 1
