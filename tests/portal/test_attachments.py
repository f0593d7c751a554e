"""情况说明 attachments: checked before anything is stored, typed by content, downloaded under their
own name, audited both ways, and limited per uploader."""

from __future__ import annotations

from urllib.parse import unquote

from aiohttp import FormData
from sqlalchemy import select
from sqlmodel import col

from models.core.tables import AuditLog
from tests.factories import add_account
from tests.portal.conftest import csrf_token, login
from tests.portal.test_warnings import warned, warning_row

__all__ = ["warned"]
PDF = b"%PDF-1.4\n" + b"0" * 100


async def explain(client, warning_id: int, content: bytes, filename: str, text: str = "人员已调出，系统尚未同步"):
    form = FormData()
    form.add_field("_csrf", await csrf_token(client))
    form.add_field("text", text)
    form.add_field("attachment", content, filename=filename, content_type="application/pdf")
    return await client.post(f"/warnings/{warning_id}/dispute", data=form, allow_redirects=False)


def stored_files(settings) -> list[str]:
    root = settings.var_dir / "attachments"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_a_read_only_role_cannot_store_a_file(client, world, warned, rt, settings):
    await add_account(rt, "auditor", "auditor", [])
    await login(client, "auditor")
    response = await explain(client, warned["C1_OVER_QUOTA"], PDF, "说明.pdf")
    assert response.status == 303 and stored_files(settings) == []
    assert (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"


async def test_a_disguised_file_is_refused(as_user, warned, settings, rt):
    client = await as_user("steward")
    await explain(client, warned["C1_OVER_QUOTA"], b"<html><script>alert(1)</script></html>", "通知.pdf")
    assert stored_files(settings) == [] and (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"


async def test_it_downloads_under_its_own_name_and_both_ways_are_audited(as_user, warned, rt):
    client = await as_user("steward")
    await explain(client, warned["C1_OVER_QUOTA"], PDF, "../调出\"通知\".pdf")
    html = await (await client.get(f"/warnings/{warned['C1_OVER_QUOTA']}")).text()
    assert "下载附件：调出_通知_.pdf" in html
    link = next(part.split('"')[0] for part in html.split('href="/warnings/')[1:] if "/files/" in part.split('"')[0])
    response = await client.get(f"/warnings/{link}")
    assert response.headers["Content-Type"] == "application/pdf" and await response.read() == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and unquote(disposition.split("UTF-8''")[1]) == "调出_通知_.pdf"
    async with rt.sessions() as session:
        actions = (await session.scalars(select(col(AuditLog.action)).where(
            col(AuditLog.action).startswith("attachment.")).order_by(col(AuditLog.id)))).all()
    assert actions == ["attachment.upload", "attachment.download"]


async def test_uploads_are_limited_per_person(as_user, warned, rt, settings, client):
    settings.attachment_quota_mb = 0
    steward = await as_user("steward")
    await explain(steward, warned["C1_OVER_QUOTA"], PDF, "说明.pdf")
    assert stored_files(settings) == [] and (await warning_row(rt, warned["C1_OVER_QUOTA"])).status == "open"
