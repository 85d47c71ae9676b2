"""Buttons of the resident conversation: `rp:<draft id>.<draft key>:<action>[:<argument>]`.

A button is bound to the draft it was shown for (`resident_render.bound`): a press on a
button of a draft that has been submitted, cancelled, replaced, begun again or has expired
is answered, never applied.

A press turns the message it was made on into what comes next (the next question, the
receipt, "cancelled"), so a report is one message that changes as it is filled in.
"""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from dispatch import intake
from dispatch.reports import delete_draft, submit_draft
from handlers import resident_render as render
from handlers.i18n import t
from handlers.notifier import OutboxNotifier
from handlers.resident import Turn, ask_next, load, on_draft, save, turn

log = logging.getLogger(__name__)


_BOUND = re.compile(r"[0-9]+(\.[0-9a-f]{8})?")


def parse(data: str | None) -> tuple[str, str, str] | None:
    """(what the button is bound to, action, argument) or None for malformed data."""
    parts = (data or "").split(":")
    if len(parts) < 3 or parts[0] != "rp" or not _BOUND.fullmatch(parts[1]):
        return None
    return parts[1], parts[2], ":".join(parts[3:])


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply a press to the draft it belongs to (one transaction), then answer."""
    query = update.callback_query
    tn = await turn(update, context)
    parsed = parse(query.data)
    action = ACTIONS.get(parsed[1]) if parsed else None
    if parsed is None or action is None:
        await query.answer(t(tn.lang, "button.invalid"), show_alert=True)
        return
    bound_to, _, argument = parsed

    async def apply(session, draft, data, expired):
        if draft is None or render.bound(draft.id, data) != bound_to:
            return _gone
        if intake.already_applied(data, tn.update_id):  # the same press handed out again
            return _next_in_place(draft, data)
        return await action(session, tn, draft, data, argument)

    if action is _submit:  # a report, a case and the outbox with it: one transaction
        async with tn.svc.db.transaction() as session:
            talk = await apply(session, *await load(session, tn))
    else:  # one write of the draft (or its deletion), checked against the version read
        talk = await on_draft(tn, apply)
    await talk(tn, update, context)


async def _gone(tn: Turn, update, context) -> None:
    query = update.callback_query
    await query.answer(t(tn.lang, "intake.draft_gone"), show_alert=True)
    await _drop_keyboard(query)


async def _invalid(tn: Turn, update, context) -> None:
    await update.callback_query.answer(t(tn.lang, "button.invalid"), show_alert=True)


async def _drop_keyboard(query) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        pass  # already without buttons, or too old to edit


async def _replace(tn: Turn, query, context, text: str, markup=None) -> None:
    """Turn the pressed message into `text`; send it anew when it can no longer be edited."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest:  # too old to edit ("not modified" never gets here, see LantianBot)
        await context.bot.send_message(tn.resident.chat_id, text, reply_markup=markup)


def _next_in_place(draft, data, toast: str | None = None):
    """Answer the press and turn the pressed message into the next question.

    A question with a reply keyboard (the location request) cannot be put on an existing
    message, so then the pressed message only loses its buttons and a new one is sent.
    """
    async def talk(tn: Turn, update, context) -> None:
        query = update.callback_query
        await query.answer(toast)
        step = intake.next_question(data)
        if step == "location":
            await _drop_keyboard(query)
            await ask_next(tn, draft, data, context)
            return
        text, markup = render.question(tn.lang, draft.id, data, step, tn.svc.catalog)
        await _replace(tn, query, context, text, markup)
    return talk


async def _category(session, tn: Turn, draft, data, argument: str):
    if argument not in intake.CATEGORIES:
        return _invalid
    intake.choose_category(data, argument)
    draft = await save(session, tn, draft, data)
    return _next_in_place(draft, data, render.category_label(tn.lang, argument))


async def _place(session, tn: Turn, draft, data, argument: str):
    if argument not in ("yes", "no"):
        return _invalid
    intake.confirm_place(data, argument == "yes")
    draft = await save(session, tn, draft, data)
    return _next_in_place(draft, data)


async def _contact(session, tn: Turn, draft, data, argument: str):
    data["allow_contact"] = not data.get("allow_contact")
    draft = await save(session, tn, draft, data)
    toast = t(tn.lang, "intake.contact_yes" if data["allow_contact"] else "intake.contact_no")
    return _next_in_place(draft, data, toast)


async def _submit(session, tn: Turn, draft, data, argument: str):
    if intake.next_question(data) != "summary":  # something is still missing: ask for it
        return _next_in_place(draft, data)
    submitted = await submit_draft(session, draft, tn.resident, tn.svc.clock.now(),
                                   OutboxNotifier(tn.svc).context(), tn.svc.salt)

    async def talk(tn: Turn, update, context) -> None:
        tn.svc.wake_outbox()
        query = update.callback_query
        await query.answer(t(tn.lang, "intake.thanks_short"))
        await _replace(tn, query, context, render.submitted(
            tn.lang, submitted.case, data, tn.svc.catalog, submitted.merged,
            submitted.again))
    return talk


async def _cancel(session, tn: Turn, draft, data, argument: str):
    await delete_draft(session, draft, tn.svc.clock.now())

    async def talk(tn: Turn, update, context) -> None:
        await update.callback_query.answer()
        await _replace(tn, update.callback_query, context, t(tn.lang, "intake.cancelled"))
    return talk


async def _edit(session, tn: Turn, draft, data, argument: str):
    if not argument:
        async def menu(tn: Turn, update, context) -> None:
            await update.callback_query.answer()
            await update.callback_query.edit_message_reply_markup(
                reply_markup=render.edit_menu(tn.lang, render.bound(draft.id, data)))
        return menu
    if argument == "cat":
        data["category_confirmed"] = False
    elif argument == "loc":
        if data.get("latitude") is None and data.get("grid_code") is None:
            return _awaiting_location  # pressed again: the request is out already
        data.update(latitude=None, longitude=None, grid_code=None, grid_confirmed=False,
                    location_source=None, address_text=None, outside=False)
        data.pop("grid_before", None)
    elif argument == "more":
        async def more(tn: Turn, update, context) -> None:
            await update.callback_query.answer()
            await _drop_keyboard(update.callback_query)
            await context.bot.send_message(tn.resident.chat_id, t(tn.lang, "intake.send_more"))
        return more
    elif argument != "back":
        return _invalid
    draft = await save(session, tn, draft, data)
    return _next_in_place(draft, data)


async def _awaiting_location(tn: Turn, update, context) -> None:
    query = update.callback_query
    await query.answer(t(tn.lang, "intake.ask_location"))
    await _drop_keyboard(query)


async def _resume(session, tn: Turn, draft, data, argument: str):
    draft = await save(session, tn, draft, data)

    async def talk(tn: Turn, update, context) -> None:
        await update.callback_query.answer()
        await _drop_keyboard(update.callback_query)
        await ask_next(tn, draft, data, context)
    return talk


async def _restart(session, tn: Turn, draft, data, argument: str):
    fresh = intake.new_draft(tn.svc.clock.now())
    fresh["applied"] = data.get("applied", [])  # what the old one took stays taken
    draft = await save(session, tn, draft, fresh)

    async def talk(tn: Turn, update, context) -> None:
        await update.callback_query.answer()
        await _drop_keyboard(update.callback_query)
        await context.bot.send_message(tn.resident.chat_id, t(tn.lang, "intake.begin"),
                                       reply_markup=render.location_keyboard(tn.lang))
    return talk


ACTIONS = {
    "cat": _category, "place": _place, "contact": _contact, "submit": _submit,
    "cancel": _cancel, "edit": _edit, "resume": _resume, "restart": _restart,
}
