"""A. Identity and data validity (domain §9 A)."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import Select, func, or_, select

from models.staffing.persons import PROFILE_FIELDS
from models.staffing.tables import PERSON, UNIT
from models.warnings.rules.base import EFFECTIVE_FROM, EFFECTIVE_LABEL, RuleContext, RuleDef, floor_note, window
from models.warnings.rules.common import missing_list, person_hit, unit_hit
from models.warnings.rules.sql import active, yyyymmdd

ID_PROBLEMS = {"length": "长度不是18位", "charset": "含有非法字符", "checksum": "校验位错误",
               "date": "出生日期不是有效日期", "legacy15": "仍是15位旧号码"}


def _id_status(statuses: tuple[str, ...], ctx: RuleContext) -> Select[Any]:
    # Bound with functools.partial below, not built by a closure: the query stays a plain
    # module-level function that mutation testing can reach (tests/mutation).
    return person_hit(ctx, PERSON.c.id_status.label("ev_status")).where(PERSON.c.id_status.in_(statuses))


def _mismatch(ctx: RuleContext) -> Select[Any]:
    birth_differs = PERSON.c.birth_date.is_not(None) & (PERSON.c.birth_date != PERSON.c.id_birth)
    sex_differs = PERSON.c.sex.is_not(None) & (PERSON.c.sex != PERSON.c.id_sex)
    query = person_hit(ctx, PERSON.c.birth_date.label("ev_birth"), PERSON.c.id_birth.label("ev_id_birth"),
                       PERSON.c.sex.label("ev_sex"), PERSON.c.id_sex.label("ev_id_sex"))
    return query.where(PERSON.c.id_status == "ok", or_(birth_differs, sex_differs))


def _duplicates(ctx: RuleContext) -> Select[Any]:
    shared_ids = select(PERSON.c.id_hash, func.count().label("n")).where(active()).group_by(PERSON.c.id_hash) \
        .having(func.count() > 1)
    if ctx.scan_id is not None:  # only ID numbers held in scope need counting, wherever their other records are
        held = ctx.scoped(select(PERSON.c.id_hash).where(active()), PERSON.c.unit_id)
        shared_ids = shared_ids.where(PERSON.c.id_hash.in_(held))
    shared = shared_ids.subquery()
    query = person_hit(ctx, shared.c.n.label("ev_records")).join(shared, shared.c.id_hash == PERSON.c.id_hash)
    return query.where(active())


def _incomplete(ctx: RuleContext) -> Select[Any]:
    fields = {k: v for k, v in PROFILE_FIELDS.items() if k in ctx.params["fields"]}
    empty = or_(*(PERSON.c[name].is_(None) for name in fields))
    query = person_hit(ctx, missing_list(fields).label("ev_missing"), anchor=PERSON.c.entry_date)
    return query.where(active(), PERSON.c.entry_date <= ctx.as_of, empty)


def _entry_age(ctx: RuleContext) -> Select[Any]:
    too_young = yyyymmdd(PERSON.c.entry_date) - yyyymmdd(PERSON.c.birth_date) < ctx.params["min_age"] * 10000
    too_old = PERSON.c.retire_on.is_not(None) & (PERSON.c.entry_date > PERSON.c.retire_on)
    query = person_hit(ctx, PERSON.c.birth_date.label("ev_birth"), PERSON.c.entry_date.label("ev_entry"))
    return query.where(active(), PERSON.c.entry_date.is_not(None), PERSON.c.birth_date.is_not(None),
                       or_(too_young, too_old))


def _uscc(ctx: RuleContext) -> Select[Any]:
    return unit_hit(ctx, UNIT.c.id, UNIT.c.uscc, UNIT.c.uscc.label("ev_uscc"), UNIT.c.uscc_status.label("ev_status")) \
        .where(UNIT.c.uscc_status.is_not(None), UNIT.c.uscc_status != "ok")


def _uscc_kind(ctx: RuleContext) -> Select[Any]:
    prefix = func.substr(UNIT.c.uscc, 1, 2)
    expected: dict[str, list[str]] = ctx.params["prefixes"]
    wrong = or_(*((UNIT.c.kind == kind) & prefix.not_in(codes) for kind, codes in expected.items()))
    mass_5x = (UNIT.c.kind == "mass") & (func.substr(UNIT.c.uscc, 1, 1) == "5")
    return unit_hit(ctx, UNIT.c.id, prefix, UNIT.c.uscc.label("ev_uscc")) \
        .where(UNIT.c.uscc_status == "ok", wrong, ~mass_5x)


def _entry_windows(ctx: RuleContext) -> list[Any]:
    return [window(PERSON.c.entry_date, ctx.prev_as_of, ctx.as_of)] if ctx.prev_as_of else []


ORGAN_PREFIXES = {"party": ["11"], "npc": ["11"], "gov": ["11"], "cppcc": ["11"], "discipline": ["11"],
                  "court": ["11"], "procuratorate": ["11"], "democratic": ["11", "13"], "mass": ["13"],
                  "institution": ["12"]}

RULES = [
    RuleDef("A1_ID_INVALID", "身份证号无效", "S1", "公民身份号码须符合GB 11643：18位、校验位正确。", "A",
            partial(_id_status, ("length", "charset", "checksum")),
            lambda e: f"身份证号{ID_PROBLEMS.get(e['status'], '')}", deadline_days=5),
    RuleDef("A2_ID_DATE", "身份证号出生日期无效", "S1", "身份证号第7–14位须为真实的出生日期。", "A",
            partial(_id_status, ("date",)), lambda e: "身份证号中的出生日期不是有效日期", deadline_days=5),
    RuleDef("A3_ID_MISMATCH", "身份证号与性别或出生日期不符", "S2",
            "身份证号第17位奇数为男、偶数为女；第7–14位为出生日期，须与登记信息一致。", "A", _mismatch,
            lambda e: "出生日期或性别与身份证号不一致", deadline_days=10),
    RuleDef("A4_ID_LEGACY", "仍为15位旧身份证号", "S2", "1999年起公民身份号码为18位，旧号码应升位。", "A",
            partial(_id_status, ("legacy15",)), lambda e: "15位旧身份证号，应更新为18位", deadline_days=10),
    RuleDef("A6_DUPLICATE", "一人多编（重复在编）", "S1", "同一人员只能占用一个编制，不得在两个单位同时在编。", "A",
            _duplicates, lambda e: f"同一身份证号在{e['records']}个单位同时在编", deadline_days=5),
    RuleDef("A8_USCC_INVALID", "统一社会信用代码无效", "S1", "统一社会信用代码须符合GB 32100（18位、校验位正确）。",
            "A", _uscc, lambda e: f"统一社会信用代码 {e['uscc']} 校验不通过", deadline_days=10, subject="unit"),
    RuleDef("A9_USCC_KIND", "信用代码与机构类别不符", "S3",
            "机构编制部门登记的机关为11、事业单位为12、群团为13开头。", "A", _uscc_kind,
            lambda e: f"统一社会信用代码 {e['uscc']} 的类别码与机构类别不符", subject="unit",
            params={"prefixes": ORGAN_PREFIXES}),
    RuleDef("A10_INCOMPLETE", "入编后信息未及时完善", "S2",
            "新进人员入编后须在规定工作日内完善实名制信息。" + floor_note("入编之日"), "A", _incomplete,
            lambda e: f"缺少：{e['missing'].rstrip('、')}", deadline_days=5, due_from="anchor",
            params={"fields": list(PROFILE_FIELDS), EFFECTIVE_FROM: ""},
            param_labels={"fields": "必填信息项", EFFECTIVE_FROM: EFFECTIVE_LABEL}, windows=_entry_windows),
    RuleDef("A11_ENTRY_AGE", "入编年龄异常", "S1", "入编时应年满18周岁且未达到法定退休年龄。", "A", _entry_age,
            lambda e: f"出生{e['birth']}，入编{e['entry']}", deadline_days=5, params={"min_age": 18},
            param_labels={"min_age": "最低入编年龄"}),
]
