"""Who may see officials' figures, and binding group chats to grids.

Rules (docs/officials.md):

- a group chat bound to grids (`grid_official_chats`, from the grids file or `/bind`) sees
  those grids and everything below them, whoever asks in it;
- in a private chat, a person whose role is official or admin sees their grids and
  everything below; nobody else sees anything;
- `/bind <grid code>` in a group is allowed to an admin of that grid or of a grid above it;
  `/unbind` to an admin of (or above) any grid the chat is bound to, and removes only the
  bindings made with /bind (those from the grids file stay until the file changes).

Refusals are logged as events without a case (`access_denied`), bindings as `bound` and
`unbound`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.figures_scope import scope_for
from dispatch.routing import GridNode, Router
from storage.models import Event, GridOfficialChat, Membership, Person, Role

OFFICIAL_ROLES = (Role.OFFICIAL, Role.ADMIN)


@dataclass(frozen=True)
class Access:
    """What a chat (or a person in private) may see: root grid ids; empty means refused."""

    grid_ids: tuple[int, ...]
    via: str  # chat | person | none
    is_admin: bool = False

    @property
    def allowed(self) -> bool:
        """True when there is anything to see."""
        return bool(self.grid_ids)


async def chat_bindings(session: AsyncSession, chat_id: int) -> list[tuple[int, str]]:
    """(grid id, source) of every binding of a chat."""
    rows = await session.execute(select(GridOfficialChat.grid_id, GridOfficialChat.source)
                                 .where(GridOfficialChat.chat_id == chat_id)
                                 .order_by(GridOfficialChat.grid_id))
    return [(grid_id, source) for grid_id, source in rows.all()]


async def person_roles(session: AsyncSession, telegram_id: int) -> list[tuple[int, str]]:
    """(grid id, role) of a person's official and admin memberships."""
    rows = await session.execute(
        select(Membership.grid_id, Membership.role)
        .join(Person, Person.id == Membership.person_id)
        .where(Person.telegram_id == telegram_id, Membership.role.in_(OFFICIAL_ROLES)))
    return [(grid_id, role) for grid_id, role in rows.all()]


async def resolve_access(session: AsyncSession, chat_id: int, private: bool,
                         telegram_id: int | None) -> Access:
    """What may be shown in this chat to this person (see the module docstring)."""
    if not private:
        bound = await chat_bindings(session, chat_id)
        return Access(tuple(sorted({grid for grid, _ in bound})), "chat" if bound else "none")
    if telegram_id is None:
        return Access((), "none")
    roles = await person_roles(session, telegram_id)
    return Access(tuple(sorted({grid for grid, _ in roles})), "person" if roles else "none",
                  is_admin=any(role == Role.ADMIN for _, role in roles))


async def is_admin_for(session: AsyncSession, telegram_id: int, grid_id: int,
                       router: Router) -> bool:
    """True when the person is an admin of the grid or of a grid above it."""
    chain = [grid_id, *(g.id for g in router.ancestors(grid_id))]
    found = await session.scalar(
        select(Membership.id).join(Person, Person.id == Membership.person_id)
        .where(Person.telegram_id == telegram_id, Membership.role == Role.ADMIN,
               Membership.grid_id.in_(chain)).limit(1))
    return found is not None


async def granting_admins(session: AsyncSession, router: Router, grid_ids: list[int] | None = None,
                          limit: int = 3) -> list[str]:
    """Names of the admins who can grant access: of these grids or above (default: the top)."""
    chain: set[int] = set()
    for grid_id in grid_ids or ([router.root.id] if router.root else []):
        chain.add(grid_id)
        chain.update(g.id for g in router.ancestors(grid_id))
    if not chain:
        return []
    rows = await session.execute(
        select(Person.name).join(Membership, Membership.person_id == Person.id)
        .where(Membership.role == Role.ADMIN, Membership.grid_id.in_(chain))
        .distinct().order_by(Person.name).limit(limit))
    return list(rows.scalars())


def log_denied(session: AsyncSession, telegram_id: int | None, chat_id: int, command: str,
               now: datetime, reason: str) -> None:
    """Record a refused attempt (an event without a case)."""
    session.add(Event(case_id=None, kind="access_denied", actor_user_id=telegram_id,
                      chat_id=chat_id, at=now, data={"command": command, "reason": reason}))


@dataclass(frozen=True)
class BindResult:
    """Outcome of /bind: bound | already | not_admin | unknown_grid."""

    status: str
    grid: GridNode | None = None


async def bind_chat(session: AsyncSession, chat_id: int, telegram_id: int, code: str,
                    router: Router, now: datetime) -> BindResult:
    """Bind a group chat to the grid `code` when the person is an admin of it or above."""
    grid = router.by_code(code.strip())
    if grid is None:
        return BindResult("unknown_grid")
    if not await is_admin_for(session, telegram_id, grid.id, router):
        log_denied(session, telegram_id, chat_id, "bind", now, "not_admin")
        return BindResult("not_admin", grid)
    existing = await session.scalar(select(GridOfficialChat.id).where(
        GridOfficialChat.chat_id == chat_id, GridOfficialChat.grid_id == grid.id))
    if existing is not None:
        return BindResult("already", grid)
    session.add(GridOfficialChat(grid_id=grid.id, chat_id=chat_id, source="bind",
                                 bound_by=telegram_id, bound_at=now))
    session.add(Event(case_id=None, kind="bound", actor_user_id=telegram_id, chat_id=chat_id,
                      at=now, data={"grid": grid.code}))
    return BindResult("bound", grid)


@dataclass(frozen=True)
class UnbindResult:
    """Outcome of /unbind: what was removed and what stays (from the grids file)."""

    status: str  # unbound | nothing | not_admin
    removed: tuple[int, ...] = ()
    remaining: tuple[int, ...] = field(default_factory=tuple)


async def unbind_chat(session: AsyncSession, chat_id: int, telegram_id: int, router: Router,
                      now: datetime) -> UnbindResult:
    """Remove the /bind bindings of a chat, if the person is an admin of one of its grids."""
    bound = await chat_bindings(session, chat_id)
    by_bind = tuple(grid for grid, source in bound if source == "bind")
    remaining = tuple(grid for grid, source in bound if source != "bind")
    if not by_bind:
        return UnbindResult("nothing", (), remaining)
    allowed = False
    for grid_id, _ in bound:
        if await is_admin_for(session, telegram_id, grid_id, router):
            allowed = True
            break
    if not allowed:
        log_denied(session, telegram_id, chat_id, "unbind", now, "not_admin")
        return UnbindResult("not_admin", (), remaining)
    await session.execute(delete(GridOfficialChat).where(
        GridOfficialChat.chat_id == chat_id, GridOfficialChat.source == "bind"))
    session.add(Event(case_id=None, kind="unbound", actor_user_id=telegram_id, chat_id=chat_id,
                      at=now, data={"grids": [router.get(g).code for g in by_bind
                                              if router.get(g) is not None]}))
    return UnbindResult("unbound", by_bind, remaining)


async def official_chats(session: AsyncSession) -> dict[int, list[int]]:
    """Every official chat and its bound grid ids."""
    chats: dict[int, list[int]] = {}
    for chat_id, grid_id in (await session.execute(
            select(GridOfficialChat.chat_id, GridOfficialChat.grid_id)
            .order_by(GridOfficialChat.chat_id, GridOfficialChat.grid_id))).all():
        chats.setdefault(chat_id, []).append(grid_id)
    return chats


def find_grid(router: Router, text: str, allowed: list[int]) -> GridNode | None:
    """The grid named by `text` (code, then name, then a name beginning with it, shallowest
    first), searched within the scope of the `allowed` root grids."""
    wanted = text.strip()
    scope = scope_for(router, allowed)
    candidates = [node for node in map(router.get, scope.unit_of) if node is not None]
    for test in (lambda n: n.code == wanted, lambda n: n.code.lower() == wanted.lower(),
                 lambda n: n.name == wanted, lambda n: n.name.startswith(wanted)):
        hits = [node for node in candidates if test(node)]
        if hits:
            return min(hits, key=lambda n: (n.depth, n.code))
    return None
