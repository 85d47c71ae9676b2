"""Patrol members' own duty: /checkin, /checkout, /duty (issue 6).

`register` is called by bot/app.py before the residents' catch-all handlers. /checkin asks
for a location (a pending "checkin" action, so the residents' location handler hands the
answer here); the check-in is committed before the member is answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from telegram import ReplyKeyboardRemove, Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from dispatch import checkins
from dispatch.clock import to_local
from dispatch.duty import all_hands, on_duty
from dispatch.intake import plausible_point
from dispatch.pending import clear_pending, set_pending, waiting_for
from dispatch.reminders import next_shift_starts, primary_window, windows_near
from dispatch.replays import first_time
from dispatch.shifts import describe_shift
from handlers import notices, pending
from handlers.common import say_handled_before
from handlers.i18n import t
from handlers.keyboards import location_keyboard
from handlers.people import user_language
from handlers.services import Services, services
from storage.models import Grid

PENDING_KIND = "checkin"
ANSWER_WITHIN = timedelta(minutes=10)


def register(application: Application) -> None:
    """Attach the check-in handlers (and the residents' notice subscriptions)."""
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    add = application.add_handler
    add(CommandHandler("checkin", checkin_command, filters=private))
    add(CommandHandler("checkout", checkout_command, filters=private))
    add(CommandHandler("duty", duty_command, filters=private))
    add(CommandHandler("duty", group_duty_command, filters=groups))
    add(CommandHandler(["checkin", "checkout"], private_only, filters=groups))
    # A shared live location keeps arriving as edits of its first message: handlers/common's
    # edits_gate ignores those (and every other edit) before any handler runs.
    pending.register(PENDING_KIND, on_checkin_location)
    notices.register(application)


def _clock(moment: datetime) -> str:
    return f"{to_local(moment):%m-%d %H:%M}"


def _grid_name(svc: Services, grid_id: int | None) -> str:
    node = svc.catalog.router.get(grid_id)
    return node.name if node else "—"


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin or /checkout in a group: these are private."""
    lang = await user_language(services(context), update.effective_user)
    await update.effective_message.reply_text(
        t(lang, "checkin.private_only", bot_username=context.bot.username))


async def checkin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: ask a patrol member for their location to start the shift."""
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        # Handed out again after the shift ended, it must not wait for a location again.
        first = await first_time(session, update.update_id, now)
        memberships = await checkins.memberships_of(session, user.id)
        current = (await checkins.open_shift(session, memberships[0].person_id)
                   if memberships else None)
        if memberships and current is None and first:
            await set_pending(session, user.id, PENDING_KIND, {}, now + ANSWER_WITHIN)
        # Handed out again while its location is still awaited: the first answer, with
        # its location button, may never have gone out. Asked again, nothing changes.
        waiting = not first and current is None and await waiting_for(
            session, user.id, PENDING_KIND, now)
    if not first and not waiting:
        await say_handled_before(update, lang)
    elif not memberships:
        await update.effective_message.reply_text(t(lang, "checkin.not_member"))
    elif current is not None:
        await update.effective_message.reply_text(t(
            lang, "checkin.already", time=_clock(current.at), grid=_grid_name(svc, current.grid_id)))
    else:
        await update.effective_message.reply_text(t(lang, "checkin.ask_location"),
                                                  reply_markup=location_keyboard(lang, "checkin.button"))


async def on_checkin_location(update: Update, context: ContextTypes.DEFAULT_TYPE,
                              waiting: dict) -> bool:
    """The location answering /checkin (a pin, a venue or a live location) starts the shift."""
    message = update.effective_message
    location = message.venue.location if message.venue else message.location
    if location is None:
        return False  # a photo or a text goes on to the residents' intake
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    if not plausible_point(location.latitude, location.longitude):
        await message.reply_text(t(lang, "checkin.bad_point"), reply_markup=location_keyboard(lang, "checkin.button"))
        return True
    located = svc.catalog.router.locate(location.latitude, location.longitude)
    now = svc.clock.now()
    created = False
    row = None
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, now)
        memberships = await checkins.memberships_of(session, user.id) if first else []
        if first:
            await clear_pending(session, user.id)
        if memberships:
            row = await checkins.open_shift(session, memberships[0].person_id)
            if row is None:
                created = True
                grid_id = checkins.choose_grid([m.grid_id for m in memberships],
                                               located.grid.id if located.grid else None,
                                               svc.catalog.router)
                row = await checkins.check_in(session, memberships[0].person_id, grid_id, now,
                                              location.latitude, location.longitude)
    if not first:  # handed out again
        await say_handled_before(update, lang)
    elif row is None:
        await message.reply_text(t(lang, "checkin.not_member"), reply_markup=ReplyKeyboardRemove())
    else:
        key = "checkin.done" if created else "checkin.already"
        await message.reply_text(t(lang, key, time=_clock(row.at), grid=_grid_name(svc, row.grid_id)),
                                 reply_markup=ReplyKeyboardRemove())
    return True


def _duration(lang: str, start: datetime, end: datetime) -> str:
    minutes = max(int((end - start).total_seconds() // 60), 0)
    return t(lang, "checkin.duration", hours=minutes // 60, minutes=minutes % 60)


async def checkout_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkout: end the shift in progress."""
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, now)
        memberships = await checkins.memberships_of(session, user.id)
        done = (await checkins.check_out(session, memberships[0].person_id, now)
                if memberships and first else None)
    if not first:  # handed out again: it must not end the shift begun since
        await say_handled_before(update, lang)
    elif not memberships:
        await update.effective_message.reply_text(t(lang, "checkin.not_member"))
    elif done is None:
        await update.effective_message.reply_text(t(lang, "checkin.checkout_none"))
    else:
        start, end = done
        await update.effective_message.reply_text(t(
            lang, "checkin.checkout_done", grid=_grid_name(svc, start.grid_id),
            start=_clock(start.at), end=_clock(end.at), duration=_duration(lang, start.at, end.at)))


async def _on_duty_lines(session, svc: Services, lang: str, grid_ids: list[int],
                         now: datetime) -> list[str]:
    """Header and one line per grid: who is on duty now (all hands in a high window)."""
    window = primary_window(windows_near(svc.windows, now), now)
    everyone = all_hands(svc.windows, now)
    lines = [t(lang, "duty.header", time=_clock(now))]
    if everyone and window is not None:
        lines.append(t(lang, "duty.all_hands", window=window.name_en if lang == "en"
                       else window.name_zh))
    sep = t(lang, "duty.sep")
    for grid_id in dict.fromkeys(grid_ids):
        duty = await on_duty(session, grid_id, now, svc.catalog.router, all_hands=everyone)
        names = sep.join(m.name for m in duty.members)
        key = {"leader": "duty.leader_line", "none": "duty.nobody_line"}.get(duty.source,
                                                                              "duty.grid_line")
        lines.append(t(lang, key, grid=_grid_name(svc, grid_id), names=names))
    return lines


async def duty_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/duty: who is on duty now in my grids, my shifts, my next shifts, my check-in."""
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    now = svc.clock.now()
    async with svc.db.sessions() as session:
        memberships = await checkins.memberships_of(session, user.id)
        if not memberships:
            lines = [t(lang, "checkin.not_member")]
        else:
            lines = await _on_duty_lines(session, svc, lang, [m.grid_id for m in memberships], now)
            current = await checkins.open_shift(session, memberships[0].person_id)
    if memberships:
        sep = t(lang, "duty.sep")
        lines += ["", t(lang, "duty.mine")]
        for m in memberships:
            shifts = (sep.join(describe_shift(s, lang) for s in m.specs) if m.specs
                      else t(lang, "duty.on_call"))
            lines.append(t(lang, "duty.shift_line", grid=_grid_name(svc, m.grid_id), shifts=shifts))
        upcoming = next_shift_starts([s for m in memberships for s in m.specs], now)
        lines.append(t(lang, "duty.next", items=sep.join(_clock(at) for at, _ in upcoming))
                     if upcoming else t(lang, "duty.no_next"))
        lines.append(t(lang, "duty.status_in", time=_clock(current.at),
                       grid=_grid_name(svc, current.grid_id)) if current
                     else t(lang, "duty.status_out"))
    await update.effective_message.reply_text("\n".join(lines))


async def group_duty_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/duty in a patrol chat: who is on duty now in the grids of this chat."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    now = svc.clock.now()
    async with svc.db.sessions() as session:
        grid_ids = list((await session.execute(select(Grid.id).where(
            Grid.patrol_chat_id == update.effective_chat.id).order_by(Grid.code))).scalars())
        lines = await _on_duty_lines(session, svc, lang, grid_ids, now) if grid_ids else []
    if not grid_ids:
        lines = [t(lang, "duty.no_grid", bot_username=context.bot.username)]
    await update.effective_message.reply_text("\n".join(lines))
