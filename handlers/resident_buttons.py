"""Buttons of the resident conversation: `rp:<draft id>:<action>[:<argument>]`.

A button is bound to the draft it was shown for: a press on a button of a draft that has
been submitted, cancelled, replaced or has expired is answered, never applied.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from dispatch import intake
from dispatch.reports import get_draft, submit_draft
from handlers import resident_render as render
from handlers.i18n import t
from handlers.resident import Turn, ask_next, load, save, turn

log = logging.getLogger(__name__)


def parse(data: str | None) -> tuple[int, str, str] | None:
    """(draft id, action, argument) or None for malformed data."""
    parts = (data or "").split(":")
    if len(parts) < 3 or parts[0] != "rp" or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2], ":".join(parts[3:])


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply a press to the draft it belongs to."""
    query = update.callback_query
    tn = await turn(update, context)
    parsed = parse(query.data)
    if parsed is None:
        await query.answer(t(tn.lang, "button.invalid"), show_alert=True)
        return
    draft_id, action, argument = parsed
    async with tn.svc.db.sessions() as session:
        current = await get_draft(session, tn.resident.user_id)
    if (current is None or current.id != draft_id
            or current.expires_at <= tn.svc.clock.now()):
        await query.answer(t(tn.lang, "intake.draft_gone"), show_alert=True)
        await _drop_keyboard(query)
        return
    handler = ACTIONS.get(action)
    if handler is None:
        await query.answer(t(tn.lang, "button.invalid"), show_alert=True)
        return
    await handler(tn, update, context, draft_id, argument)


async def _drop_keyboard(query) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or too old to edit


async def _category(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    if argument not in intake.CATEGORIES:
        await query.answer(t(tn.lang, "button.invalid"), show_alert=True)
        return
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        intake.choose_category(data, argument)
        draft = await save(session, tn, draft, data)
    await query.answer(render.category_label(tn.lang, argument))
    await _drop_keyboard(query)
    await ask_next(tn, draft, data, context)


async def _place(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        intake.confirm_place(data, argument == "yes")
        draft = await save(session, tn, draft, data)
    await query.answer()
    await _drop_keyboard(query)
    await ask_next(tn, draft, data, context)


async def _contact(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        data["allow_contact"] = not data.get("allow_contact")
        draft = await save(session, tn, draft, data)
    await query.answer(t(tn.lang, "intake.contact_yes" if data["allow_contact"]
                         else "intake.contact_no"))
    if intake.next_question(data) == "summary":
        text, markup = render.summary(tn.lang, draft.id, data, tn.svc.catalog)
        await query.edit_message_text(text, reply_markup=markup)


async def _submit(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        step = intake.next_question(data)
        submitted = None
        if draft is not None and step == "summary":
            submitted = await submit_draft(session, draft, tn.resident, tn.svc.clock.now(),
                                           tn.svc.catalog.router, tn.svc.salt)
    if submitted is None:  # something is still missing: ask for it instead
        await query.answer()
        if draft is not None:
            await ask_next(tn, draft, data, context)
        return
    tn.svc.wake_outbox()
    await query.answer(t(tn.lang, "intake.thanks_short"))
    await _drop_keyboard(query)
    await context.bot.send_message(tn.resident.chat_id, render.submitted(
        tn.lang, submitted.case, data, tn.svc.catalog, submitted.merged))


async def _cancel(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, _, _ = await load(session, tn)
        if draft is not None:
            await session.delete(draft)
    await query.answer()
    await _drop_keyboard(query)
    await context.bot.send_message(tn.resident.chat_id, t(tn.lang, "intake.cancelled"))


async def _edit(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    if not argument:
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=render.edit_menu(tn.lang, draft_id))
        return
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        if argument == "cat":
            data["category_confirmed"] = False
        elif argument == "loc":
            data.update(latitude=None, longitude=None, grid_code=None, grid_confirmed=False,
                        location_source=None, address_text=None, outside=False)
        draft = await save(session, tn, draft, data)
    await query.answer()
    await _drop_keyboard(query)
    if argument == "more":
        await context.bot.send_message(tn.resident.chat_id, t(tn.lang, "intake.send_more"))
        return
    await ask_next(tn, draft, data, context)


async def _resume(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        draft = await save(session, tn, draft, data)
    await query.answer()
    await _drop_keyboard(query)
    await ask_next(tn, draft, data, context)


async def _restart(tn: Turn, update, context, draft_id: int, argument: str) -> None:
    query = update.callback_query
    async with tn.svc.db.transaction() as session:
        draft, _, _ = await load(session, tn)
        draft = await save(session, tn, draft, intake.new_draft(tn.svc.clock.now()))
    await query.answer()
    await _drop_keyboard(query)
    await context.bot.send_message(tn.resident.chat_id, t(tn.lang, "intake.begin"),
                                   reply_markup=render.location_keyboard(tn.lang))


ACTIONS = {
    "cat": _category, "place": _place, "contact": _contact, "submit": _submit,
    "cancel": _cancel, "edit": _edit, "resume": _resume, "restart": _restart,
}
