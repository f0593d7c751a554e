"""Post titles (现任职务), professional titles (职称) and education (学历) for generated persons.

Staff titles follow the 公务员职级 ladder by age in 机关, the 法官/检察官 assistant posts under
政法专项编制, and teacher, medical and engineering series in 事业单位; leaders take their unit's
chief title (局长 → 副局长) or the 内设机构 title of their level (处长/科长/科室主任).
"""

from __future__ import annotations

from bisect import bisect
from itertools import accumulate
from random import Random


class Weighted:
    """Fast weighted choice over a fixed table (bisect on cumulative weights)."""

    def __init__(self, table: tuple[tuple[str, float], ...]) -> None:
        self.values = [v for v, _ in table]
        self.cum = list(accumulate(w for _, w in table))

    def pick(self, rng: Random) -> str:
        return self.values[bisect(self.cum, rng.random() * self.cum[-1])]


CADRE_EDUCATION = Weighted((("本科", 60), ("硕士研究生", 20), ("大专", 14), ("中专", 2), ("高中", 2),
                            ("博士研究生", 1)))
EXPERT_EDUCATION = Weighted((("本科", 55), ("硕士研究生", 32), ("大专", 9), ("博士研究生", 4)))
WORKER_EDUCATION = Weighted((("高中", 35), ("中专", 25), ("大专", 28), ("本科", 10), ("初中", 2)))

GQ_TITLES = Weighted((("驾驶员", 40), ("后勤服务人员", 25), ("打字员", 10), ("炊事员", 10), ("电工", 8),
                      ("保安员", 7)))
COURT_TITLES = Weighted((("法官助理", 40), ("书记员", 30), ("审判员", 20), ("司法警察", 10)))
PROCURATORATE_TITLES = Weighted((("检察官助理", 40), ("书记员", 25), ("检察员", 25), ("司法警察", 10)))
HOSPITAL_POSTS = Weighted((("医师", 40), ("护士", 42), ("药师", 9), ("技师", 9)))
GENERAL_POSTS = Weighted((("专业技术人员", 65), ("管理人员", 35)))

# (age limit, title) ladders: the first entry whose limit exceeds the person's age applies.
LADDERS: dict[str, tuple[tuple[int, str], ...]] = {
    "civil": ((30, "一级科员"), (36, "四级主任科员"), (42, "三级主任科员"), (50, "二级主任科员"),
              (99, "一级主任科员")),
    "教师": ((30, "二级教师"), (45, "一级教师"), (99, "高级教师")),
    "医师": ((32, "住院医师"), (42, "主治医师"), (52, "副主任医师"), (99, "主任医师")),
    "护士": ((28, "护士"), (36, "护师"), (46, "主管护师"), (99, "副主任护师")),
    "药师": ((30, "药士"), (40, "药师"), (99, "主管药师")),
    "技师": ((30, "技士"), (40, "技师"), (99, "主管技师")),
    "专业技术人员": ((32, "助理工程师"), (45, "工程师"), (99, "高级工程师")),
}


def ladder(series: str, age: int) -> str | None:
    steps = LADDERS.get(series)
    if steps is None:
        return None
    return next(title for limit, title in steps if age < limit)


def staff_title(rng: Random, est_type: str, kind: str, profession: str | None, age: int) -> str:
    """现任职务 of a non-leader."""
    if est_type == "GQ":
        return GQ_TITLES.pick(rng)
    if est_type == "ZF":
        return (COURT_TITLES if kind == "court" else PROCURATORATE_TITLES).pick(rng)
    if est_type == "SY" and profession == "school":
        return "教师"
    if est_type == "SY" and profession == "hospital":
        return HOSPITAL_POSTS.pick(rng)
    if est_type == "SY":
        return GENERAL_POSTS.pick(rng)
    return ladder("civil", age) or "科员"


def pro_title(est_type: str, profession: str | None, post: str, age: int) -> str | None:
    """职称, for 事业编制 professionals only (management staff and 机关 have none)."""
    if est_type != "SY":
        return None
    if profession == "school":
        return ladder("教师", age)
    return ladder(post, age)


def deputy_of(chief: str) -> str:
    return chief[2:] if chief.startswith("常务副") else "副" + chief


def leader_title(leader: str, chief: str, kind: str, level: str) -> str:
    if leader == "unit_chief":
        return chief
    if leader == "unit_deputy":
        return deputy_of(chief)
    head = "科室主任" if kind == "institution" else "处长" if level == "20" else "科长"
    if level == "60" and kind != "institution":
        head = "办公室主任"
    return head if leader == "internal_chief" else deputy_of(head).replace("副科室", "科室副").replace(
        "副办公室", "办公室副")


def education(rng: Random, est_type: str, profession: str | None) -> str:
    if est_type == "GQ":
        return WORKER_EDUCATION.pick(rng)
    if profession in ("school", "hospital"):
        return EXPERT_EDUCATION.pick(rng)
    return CADRE_EDUCATION.pick(rng)
