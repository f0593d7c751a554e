"""Domain vocabularies: stable ASCII codes stored in the database, Chinese labels shown and imported.

Each vocabulary is a ``StrEnum`` of codes plus a label table; ``parse_label`` accepts the label,
common aliases and the code itself, so import files may say 行政编制, 行政 or XZ.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "20"
    CITY = "40"
    COUNTY = "50"
    TOWNSHIP = "60"


class UnitKind(StrEnum):
    PARTY = "party"
    NPC = "npc"
    GOV = "gov"
    CPPCC = "cppcc"
    DISCIPLINE = "discipline"
    COURT = "court"
    PROCURATORATE = "procuratorate"
    DEMOCRATIC = "democratic"
    MASS = "mass"
    INSTITUTION = "institution"


class EstType(StrEnum):
    XZ = "XZ"
    ZF = "ZF"
    SY = "SY"
    GQ = "GQ"


class Identity(StrEnum):
    CADRE = "cadre"
    WORKER = "worker"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    TRANSFERRED = "transferred"
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    EXPELLED = "expelled"
    DECEASED = "deceased"


class LeaderKind(StrEnum):
    NONE = "none"
    UNIT_CHIEF = "unit_chief"
    UNIT_DEPUTY = "unit_deputy"
    INTERNAL_CHIEF = "internal_chief"
    INTERNAL_DEPUTY = "internal_deputy"


class Role(StrEnum):
    STEWARD = "steward"
    OFFICER = "officer"
    LEADER = "leader"
    ORG = "org"
    HR = "hr"
    FINANCE = "finance"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


LABELS: dict[type[StrEnum], dict[str, str]] = {
    Level: {"20": "省级", "40": "市级", "50": "县级", "60": "乡镇级"},
    UnitKind: {
        "party": "党委", "npc": "人大", "gov": "政府", "cppcc": "政协", "discipline": "纪委监委",
        "court": "法院", "procuratorate": "检察院", "democratic": "民主党派", "mass": "群团",
        "institution": "事业单位",
    },
    EstType: {"XZ": "行政编制", "ZF": "政法专项编制", "SY": "事业编制", "GQ": "工勤编制"},
    Identity: {"cadre": "干部", "worker": "工人"},
    PersonStatus: {
        "active": "在职", "retired": "退休", "transferred": "调出", "resigned": "辞职",
        "dismissed": "辞退", "expelled": "开除", "deceased": "死亡",
    },
    LeaderKind: {
        "none": "无", "unit_chief": "单位正职", "unit_deputy": "单位副职",
        "internal_chief": "内设机构正职", "internal_deputy": "内设机构副职",
    },
    Role: {
        "steward": "单位数据管理专员", "officer": "编办科室干部", "leader": "编办分管领导",
        "org": "组织部门干部", "hr": "人社部门干部", "finance": "财政部门干部",
        "admin": "系统管理员", "auditor": "审计员",
    },
    Sex: {"M": "男", "F": "女"},
}

ALIASES: dict[type[StrEnum], dict[str, str]] = {
    Level: {"省": "20", "市": "40", "县": "50", "乡镇": "60", "乡": "60", "镇": "60", "街道": "60"},
    EstType: {"行政": "XZ", "政法专项": "ZF", "政法": "ZF", "事业": "SY", "工勤": "GQ", "工勤人员编制": "GQ"},
    UnitKind: {"工商联": "democratic", "事业": "institution"},
    LeaderKind: {"": "none"},
    Sex: {"男性": "M", "女性": "F"},
}


def label(enum_type: type[StrEnum], code: str | None) -> str:
    """The Chinese label of a code; unknown or empty codes are shown as they are."""
    if not code:
        return ""
    return LABELS[enum_type].get(code, code)


def parse_label(enum_type: type[StrEnum], text: str) -> str | None:
    """The code for a label, alias or code (whitespace ignored); None when unknown."""
    value = text.strip()
    by_label = {v: k for k, v in LABELS[enum_type].items()}
    if value in by_label:
        return by_label[value]
    if value in ALIASES.get(enum_type, {}):
        return ALIASES[enum_type][value]
    codes = {member.value for member in enum_type}
    return value if value in codes else None


def choices(enum_type: type[StrEnum]) -> str:
    """The labels joined for an error message, e.g. 在职/退休/调出."""
    return "/".join(LABELS[enum_type].values())
