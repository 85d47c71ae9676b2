"""Who may see figures; binding and unbinding group chats (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dispatch.access import bind_chat, find_grid, granting_admins, resolve_access, unbind_chat
from storage.models import Event, GridOfficialChat
from tests.test_officials.factory import town

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ADMIN, OFFICIAL, DISTRICT_OFFICIAL, PATROL = 6100000401, 6100000301, 6100000302, 6100000101
GROUP = -1009999


async def test_access_by_chat_and_by_person(db) -> None:
    router = await town(db)
    async with db.sessions() as session:
        street_chat = await resolve_access(session, -1002000000001, False, 1)
        unbound = await resolve_access(session, GROUP, False, OFFICIAL)
        official = await resolve_access(session, OFFICIAL, True, OFFICIAL)
        patrol = await resolve_access(session, PATROL, True, PATROL)
        admin = await resolve_access(session, ADMIN, True, ADMIN)
        assert await granting_admins(session, router) == ["梁海"]
    assert street_chat.grid_ids == (router.by_code("wx-by").id,) and street_chat.via == "chat"
    assert not unbound.allowed  # an official in an unbound group sees nothing there
    assert official.grid_ids == (router.by_code("wx-by").id,) and not official.is_admin
    assert not patrol.allowed
    assert admin.is_admin and admin.grid_ids == (router.by_code("wx").id,)


async def test_bind_and_unbind(db) -> None:
    router = await town(db)
    async with db.transaction() as session:
        refused = await bind_chat(session, GROUP, OFFICIAL, "wx-by-bm", router, NOW)
        unknown = await bind_chat(session, GROUP, ADMIN, "nope", router, NOW)
        bound = await bind_chat(session, GROUP, ADMIN, "wx-by-bm", router, NOW)
    assert (refused.status, unknown.status, bound.status) == ("not_admin", "unknown_grid", "bound")
    async with db.transaction() as session:
        again = await bind_chat(session, GROUP, ADMIN, "wx-by-bm", router, NOW)
        access = await resolve_access(session, GROUP, False, 12345)
    assert again.status == "already" and access.grid_ids == (router.by_code("wx-by-bm").id,)
    async with db.transaction() as session:
        not_admin = await unbind_chat(session, GROUP, OFFICIAL, router, NOW)
        done = await unbind_chat(session, GROUP, ADMIN, router, NOW)
        from_file = await unbind_chat(session, -1002000000001, ADMIN, router, NOW)
    assert not_admin.status == "not_admin" and done.status == "unbound"
    assert from_file.status == "nothing" and from_file.remaining == (router.by_code("wx-by").id,)
    async with db.sessions() as session:
        rows = (await session.execute(select(GridOfficialChat).where(
            GridOfficialChat.chat_id == GROUP))).scalars().all()
        kinds = [e.kind for e in (await session.execute(
            select(Event).where(Event.case_id.is_(None)).order_by(Event.id))).scalars()]
    assert rows == []
    assert kinds == ["access_denied", "bound", "access_denied", "unbound"]


async def test_find_grid_by_code_name_and_prefix(db) -> None:
    router = await town(db, roster=False)
    street = [router.by_code("wx-by").id]
    assert find_grid(router, "wx-by-md", street).code == "wx-by-md"
    assert find_grid(router, "白马第二网格", street).code == "wx-by-bm-02"
    assert find_grid(router, "白马", street).code == "wx-by-bm"  # shallowest match
    assert find_grid(router, "巫溪县", street) is None  # above the scope
    assert find_grid(router, "wx-by-md", [router.by_code("wx-by-bm").id]) is None
