"""The door of every officials' command: who may see what, and the command's words."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from dispatch.access import Access, granting_admins, log_denied, resolve_access
from dispatch.figures_period import local_day
from dispatch.figures_request import FigureRequest, parse_request
from dispatch.replays import first_time
from handlers.i18n import t
from handlers.people import user_language
from handlers.services import Services, services


@dataclass(frozen=True)
class Gate:
    """Who asked, in which language, and what they may see."""

    svc: Services
    lang: str
    access: Access


def example_code(svc: Services) -> str:
    """A grid code to show in usage hints."""
    root = svc.catalog.router.root
    return root.code if root else "wx-by"


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> Gate | None:
    """The caller's access, or None after a polite (logged) refusal."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    lang = await user_language(svc, user)
    private = chat.type == ChatType.PRIVATE
    async with svc.db.sessions() as session:
        access = await resolve_access(session, chat.id, private, user.id if user else None)
    if access.allowed:
        return Gate(svc, lang, access)
    await audit_refusal(svc, update, command, "not_official" if private else "unbound_chat")
    async with svc.db.sessions() as session:
        admins = await granting_admins(session, svc.catalog.router)
    names = "、".join(admins) or t(lang, "official.admins_unknown")
    key = "official.refused_private" if private else "official.refused_group"
    await update.effective_message.reply_text(
        t(lang, key, command=command, admins=names, example=example_code(svc)))
    return None


async def audit_refusal(svc: Services, update: Update, command: str, reason: str) -> None:
    """Write the audit row of a refused request, once (not again for the same update handed
    out again, see dispatch.replays)."""
    now = svc.clock.now()
    user, chat = update.effective_user, update.effective_chat
    async with svc.db.transaction() as session:
        if await first_time(session, update.update_id, now):
            log_denied(session, user.id if user else None, chat.id, command, now, reason)


async def parse_words(update: Update, gate: Gate, words: list[str],
                   default_period: str = "today") -> FigureRequest | None:
    """Resolve the command's words; answer the error and return None when they are wrong."""
    svc = gate.svc
    request = parse_request(words, svc.catalog.router, list(gate.access.grid_ids),
                            local_day(svc.clock.now()), default_period)
    if request.error is None:
        return request
    key = {"bad_period": "official.bad_period", "outside_scope": "official.outside_scope"}.get(
        request.error, "official.unknown_grid")
    await update.effective_message.reply_text(
        t(gate.lang, key, word=request.word, example=example_code(svc)))
    return None
