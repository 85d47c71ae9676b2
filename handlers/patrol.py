"""Patrol chats and patrol members: the case card's buttons (接单, 到场, 办结, 无法核实, 转派),
the arrival location and the optional after photo or note in the private chat, and the
residents' 满意 / 不满意 buttons.

Callback data: `cs:<action>:<case id>:<version>[:<argument>]` and
`sat:<case id>:<report id>:<y|n>`. Every press is answered; a press by someone not allowed
or on a case that moved on is refused with a popup and changes nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from dispatch import lifecycle
from dispatch.clock import to_local
from dispatch.duty import assignee_of, may_act
from dispatch.pending import clear_pending
from dispatch.replays import first_time
from handlers import case_render as render
from handlers import pending
from handlers.common import say_handled_before
from handlers.i18n import t
from handlers.media import store_picture
from handlers.notifier import OutboxNotifier
from handlers.people import user_language
from handlers.services import Services, services
from storage.models import Case

GROUP = render.GROUP_LANG


def parse(data: str | None) -> tuple[str, int, int, str | None] | None:
    """(action, case id, version, argument) of `cs:` callback data, or None."""
    parts = (data or "").split(":")
    if len(parts) not in (4, 5) or parts[0] != "cs" or not (parts[2].isdigit()
                                                           and parts[3].isdigit()):
        return None
    return parts[1], int(parts[2]), int(parts[3]), parts[4] if len(parts) == 5 else None


async def _refusal(svc: Services, lang: str, result: lifecycle.Result) -> str:
    assignee = None
    if result.case is not None:
        async with svc.db.sessions() as session:
            assignee = await assignee_of(session, result.case)
    return render.stale_text(lang, result.case, result.reason or "stale",
                             assignee.name if assignee else None)


async def on_case_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of a case card in a patrol chat."""
    query = update.callback_query
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    parsed = parse(query.data)
    if parsed is None:
        await query.answer(t(lang, "button.invalid"), show_alert=True)
        return
    action, case_id, version, argument = parsed
    if action in MENUS:
        await MENUS[action](update, svc, lang, case_id, version)
        return
    notifier = OutboxNotifier(svc)
    ctx = notifier.context()
    now = svc.clock.now()
    user_id = update.effective_user.id
    chat_id = update.effective_chat.id if update.effective_chat else None
    async with svc.db.transaction() as session:
        if action == "ack":
            result = await lifecycle.acknowledge(session, case_id, version, user_id, chat_id,
                                                 now, ctx)
        elif action == "arr":  # keeps the case's version: recorded instead (dispatch.replays)
            result = await lifecycle.request_arrival(
                session, case_id, version, user_id, now, ctx) \
                if await first_time(session, update.update_id, now) else None
        elif action == "out":
            result = await lifecycle.resolve(session, case_id, version, user_id, argument or "",
                                             chat_id, now, ctx)
        elif action == "ufr":
            result = await lifecycle.mark_unfounded(session, case_id, version, user_id,
                                                    argument or "", chat_id, now, ctx)
        elif action == "trg" and argument and argument.isdigit():
            result = await lifecycle.transfer(session, case_id, version, user_id, int(argument),
                                              chat_id, now, ctx)
        else:
            result = lifecycle.Result(False, None, "bad_outcome")
    if result is None:  # 到场 handed out again
        await say_handled_before(update, lang)
        return
    if not result.ok:
        await query.answer(await _refusal(svc, lang, result), show_alert=True)
        return
    svc.wake_outbox()
    toast = {"ack": "acked", "arr": "arrival", "out": "resolved", "ufr": "unfounded",
             "trg": "transferred"}[action]
    await query.answer(t(lang, f"case.toast.{toast}"))


async def _load(svc: Services, case_id: int) -> Case | None:
    async with svc.db.sessions() as session:
        return await session.get(Case, case_id)


async def _menu(update: Update, svc: Services, lang: str, case_id: int, version: int,
                action: str, options: list[tuple[str, str]]) -> None:
    """Swap the card's buttons for a sub-menu (nothing is stored)."""
    query = update.callback_query
    case = await _load(svc, case_id)
    if case is None or case.version != version:
        await query.answer(render.stale_text(lang, case, "stale"), show_alert=True)
        return
    async with svc.db.sessions() as session:
        member = await may_act(session, update.effective_user.id, case.grid_id,
                                         svc.catalog.router)
    if member is None:
        await query.answer(t(lang, "case.refused.not_allowed"), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_reply_markup(
            reply_markup=_markup(render.choice_menu(case, action, options)))
    except BadRequest:
        pass  # the keyboard already shows this menu


def _markup(payload: dict[str, Any]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["text"], callback_data=b["callback_data"])
                                  for b in row] for row in payload["inline_keyboard"]])


async def _outcomes(update, svc, lang, case_id, version) -> None:
    await _menu(update, svc, lang, case_id, version, "out", [
        (t(GROUP, f"case.outcome.{o}"), o) for o in lifecycle.RESOLVE_OUTCOMES])


async def _reasons(update, svc, lang, case_id, version) -> None:
    await _menu(update, svc, lang, case_id, version, "ufr", [
        (t(GROUP, f"case.reason.{r}"), r) for r in lifecycle.UNFOUNDED_REASONS])


async def _targets(update, svc, lang, case_id, version) -> None:
    case = await _load(svc, case_id)
    targets = lifecycle.transfer_targets(svc.catalog.router, case.grid_id) if case else []
    await _menu(update, svc, lang, case_id, version, "trg",
                [(g.name, str(g.id)) for g in targets])


async def _back(update, svc, lang, case_id, version) -> None:
    query = update.callback_query
    case = await _load(svc, case_id)
    if case is None or case.version != version:
        await query.answer(render.stale_text(lang, case, "stale"), show_alert=True)
        return
    await query.answer()
    markup = render.buttons(case)
    try:
        await query.edit_message_reply_markup(reply_markup=_markup(markup) if markup else None)
    except BadRequest:
        pass


MENUS = {"res": _outcomes, "unf": _reasons, "tr": _targets, "back": _back}


async def on_rating(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """满意 / 不满意 from a resident: `sat:<case id>:<report id>:<y|n>`."""
    query = update.callback_query
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    parts = (query.data or "").split(":")
    if len(parts) != 4 or not (parts[1].isdigit() and parts[2].isdigit()) or parts[3] not in "yn":
        await query.answer(t(lang, "button.invalid"), show_alert=True)
        return
    satisfied = parts[3] == "y"
    notifier = OutboxNotifier(svc)
    async with svc.db.transaction() as session:
        result = await lifecycle.rate(session, int(parts[1]), int(parts[2]),
                                      update.effective_user.id, satisfied, svc.clock.now(),
                                      notifier.context())
    if not result.ok:
        key = "resident.rated_already" if result.reason == "stale" else "button.invalid"
        await query.answer(t(lang, key), show_alert=True)
        return
    svc.wake_outbox()
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    key = "resident.thanks_satisfied" if satisfied else "resident.reopened"
    await context.bot.send_message(update.effective_chat.id,
                                   t(lang, key, number=result.case.number))


async def take_arrival(update: Update, context: ContextTypes.DEFAULT_TYPE,
                       waiting: dict[str, Any]) -> bool:
    """The member's location after 到场 (other messages go on to the normal handlers)."""
    message = update.effective_message
    location = message.location if message else None
    if location is None:
        return False
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    notifier = OutboxNotifier(svc)
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        result = await lifecycle.arrive(
            session, int(waiting["case_id"]), update.effective_user.id, location.latitude,
            location.longitude, now, notifier.context()) \
            if await first_time(session, update.update_id, now) else None
    if result is None:  # handed out again: not the answer to the case taken since
        await say_handled_before(update, lang)
        return True
    if not result.ok:
        text = t(lang, "case.arrival_stale", number=result.case.number if result.case else "—",
                 state=render.state_label(lang, result.case.state) if result.case else "—")
        await message.reply_text(text, reply_markup=ReplyKeyboardRemove())
        return True
    svc.wake_outbox()
    distance = ""
    if result.distance_m is not None:
        far = result.distance_m > svc.sla.arrival_distance_m
        distance = t(lang, "case.distance_far" if far else "case.distance",
                     metres=round(result.distance_m), limit=round(svc.sla.arrival_distance_m))
    await message.reply_text(t(lang, "case.arrival_recorded", number=result.case.number,
                               time=f"{to_local(now):%H:%M}", distance=distance),
                             reply_markup=ReplyKeyboardRemove())
    return True


async def take_after_note(update: Update, context: ContextTypes.DEFAULT_TYPE,
                          waiting: dict[str, Any]) -> bool:
    """An after photo or a note for a case just resolved."""
    message = update.effective_message
    if message is None or not (message.text or message.photo or message.caption):
        return False
    if message.text and message.text.startswith("/"):
        return False
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    photo = None
    if message.photo:
        biggest = message.photo[-1]
        photo = await store_picture(svc, context.bot, biggest.file_id, biggest.file_unique_id)
    note = message.text or message.caption
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, now)
        if first:
            case = await lifecycle.add_after_note(session, int(waiting["case_id"]),
                                                  update.effective_user.id, note, photo, now)
            await clear_pending(session, update.effective_user.id)
    if not first:  # handed out again: not a note for the case resolved since
        await say_handled_before(update, lang)
    elif case is not None:
        await message.reply_text(t(lang, "case.after_note_saved", number=case.number))
    return True


def register(application: Application) -> None:
    """Attach the patrol handlers."""
    application.add_handler(CallbackQueryHandler(on_case_button, pattern=r"^cs:"))
    application.add_handler(CallbackQueryHandler(on_rating, pattern=r"^sat:"))
    pending.register("arrival", take_arrival)
    pending.register("after_note", take_after_note)
