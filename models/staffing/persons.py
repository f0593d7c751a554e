"""Reading persons: streaming for export, completeness of the profile, per-unit listings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.core.crypto import FieldCipher
from models.staffing.records import PersonRecord
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT, Person

# Profile fields an in-establishment person must have (入编后未及时完善信息). Issue #3's rules make
# this list configurable; this is the default and what `bzops export --incomplete` uses.
PROFILE_FIELDS: dict[str, str] = {
    "birth_date": "出生日期", "sex": "性别", "est_type": "编制类型", "identity": "人员身份",
    "entry_date": "入编日期", "post_unit_id": "任职机构", "post_title": "现任职务",
    "education": "学历", "mobile_hash": "手机号",
}


def incomplete_condition() -> ColumnElement[bool]:
    empty = [PERSON.c[name].is_(None) for name in PROFILE_FIELDS]
    return or_(*empty) & PERSON.c.in_est.is_(True)


async def stream_persons(session: AsyncSession, cipher: FieldCipher, *, unit_ids: list[int] | None = None,
                         incomplete: bool = False, batch: int = 5000) -> AsyncIterator[PersonRecord]:
    """Persons as records (ID number and mobile decrypted), ordered by unit code then name."""
    unit = UNIT.alias("u")
    post = UNIT.alias("p")
    query = (select(PERSON, unit.c.code.label("unit_code"), post.c.code.label("post_code"),
                    BODY.c.code.label("body_code"))
             .join(unit, unit.c.id == PERSON.c.unit_id)
             .outerjoin(post, post.c.id == PERSON.c.post_unit_id)
             .outerjoin(BODY, BODY.c.id == PERSON.c.body_id)
             .order_by(unit.c.code, PERSON.c.name, PERSON.c.id)
             .execution_options(yield_per=batch))
    if unit_ids is not None:
        query = query.where(PERSON.c.unit_id.in_(unit_ids))
    if incomplete:
        query = query.where(incomplete_condition())
    async for row in await session.stream(query):
        yield to_record(row._mapping, cipher)


def to_record(row: Any, cipher: FieldCipher) -> PersonRecord:
    return PersonRecord(
        id_number=cipher.decrypt(row["id_enc"]), name=row["name"], unit_code=row["unit_code"],
        sex=row["sex"], birth_date=row["birth_date"], est_type=row["est_type"], identity=row["identity"],
        status=row["status"], in_est=row["in_est"], entry_date=row["entry_date"],
        exit_date=row["exit_date"], post_unit_code=row["post_code"], post_title=row["post_title"],
        leader_kind=row["leader_kind"], appoint_date=row["appoint_date"], appoint_doc=row["appoint_doc"],
        education=row["education"], pro_title=row["pro_title"],
        mobile=cipher.decrypt(row["mobile_enc"]) if row["mobile_enc"] else None,
        retire_age_months=row["retire_age_months"], retire_basis=row["retire_basis"], body_code=row["body_code"],
    )


def missing_profile_fields(person: Person) -> list[str]:
    """Chinese names of the profile fields this person lacks (empty when complete or not 在编)."""
    if not person.in_est:
        return []
    return [title for name, title in PROFILE_FIELDS.items() if getattr(person, name) in (None, "")]
