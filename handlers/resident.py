"""Residents' private chat: a report from photo, location, venue and text in any order.

Each handler loads the resident's draft, applies what arrived through `dispatch.intake`,
commits, and only then answers with the next question (persist first, then talk).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from dispatch import intake
from dispatch.reports import Resident, drop_draft, get_draft, my_reports, save_draft
from handlers import pending
from handlers import resident_render as render
from handlers.i18n import t
from handlers.media import store_picture
from handlers.people import user_language
from handlers.services import Services, services
from nlp import analyze
from storage.models import Draft

log = logging.getLogger(__name__)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif")


@dataclass
class Turn:
    """One update from a resident: who, in which language, and the services."""

    svc: Services
    lang: str
    resident: Resident
    message: Message | None


async def turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    """Collect what every resident handler needs."""
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    resident = Resident(user_id=user.id, chat_id=update.effective_chat.id, name=user.full_name,
                        language=lang)
    return Turn(svc, lang, resident, update.effective_message)


async def load(session, tn: Turn) -> tuple[Draft | None, dict[str, Any], bool]:
    """The live draft (None when there is none), its data, and whether one just expired."""
    draft = await get_draft(session, tn.resident.user_id, lock=True)
    now = tn.svc.clock.now()
    if draft is not None and draft.expires_at <= now:
        await session.delete(draft)
        await session.flush()
        return None, intake.new_draft(now), True
    if draft is None:
        return None, intake.new_draft(now), False
    # A deep copy: changing nested lists in place would also change SQLAlchemy's committed
    # value, and the UPDATE of the JSON column would then be skipped as "no change".
    return draft, copy.deepcopy(draft.data), False


async def ask_next(tn: Turn, draft: Draft, data: dict[str, Any], context, *,
                   prefix: str | None = None) -> None:
    """Send the next question (after the draft was committed)."""
    step = intake.next_question(data)
    text, markup = render.question(tn.lang, draft.id, data, step, tn.svc.catalog)
    if prefix:
        text = f"{prefix}\n\n{text}"
    await context.bot.send_message(tn.resident.chat_id, text, reply_markup=markup)


async def save(session, tn: Turn, draft: Draft | None, data: dict[str, Any]) -> Draft:
    """Store the draft with a fresh expiry."""
    data["lang"] = tn.lang  # the expiry note is sent in the resident's language
    return await save_draft(session, tn.resident, data, tn.svc.clock.now(),
                            tn.svc.intake.draft_ttl, draft)


def _expired_note(tn: Turn, expired: bool) -> str | None:
    return t(tn.lang, "intake.previous_expired") if expired else None


# ----------------------------------------------------------------------------- commands
async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report: start a report, or offer to continue the unfinished one."""
    tn = await turn(update, context)
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        if draft is not None and not intake.is_empty(data):
            markup = render.InlineKeyboardMarkup([[
                render.button(t(tn.lang, "intake.resume"), draft.id, "resume"),
                render.button(t(tn.lang, "intake.restart"), draft.id, "restart")]])
            text = t(tn.lang, "intake.unfinished")
        else:
            draft = await save(session, tn, draft, data)
            markup, text = render.location_keyboard(tn.lang), t(tn.lang, "intake.begin")
    note = _expired_note(tn, expired)
    await tn.message.reply_text(f"{note}\n\n{text}" if note else text, reply_markup=markup)


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, also `/start g_<grid code>` from a community poster (pre-selects the grid)."""
    tn = await turn(update, context)
    payload = context.args[0] if context.args else ""
    welcome = t(tn.lang, "start.welcome", name=update.effective_user.first_name or "")
    if payload.startswith("s_"):  # a poster's "subscribe to ban notices" code
        from handlers.notices import subscribe_via_link

        await subscribe_via_link(update, context, payload[2:])
        return
    if not payload.startswith("g_"):
        await tn.message.reply_text(welcome)
        return
    grid = tn.svc.catalog.router.by_code(payload[2:])
    if grid is None:
        await tn.message.reply_text(f"{welcome}\n\n{t(tn.lang, 'intake.unknown_link')}")
        return
    async with tn.svc.db.transaction() as session:
        draft, data, _ = await load(session, tn)
        intake.preset_grid(data, grid.code)
        draft = await save(session, tn, draft, data)
    await tn.message.reply_text(t(tn.lang, "intake.link_grid", grid=grid.name),
                                reply_markup=render.location_keyboard(tn.lang))


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: drop the draft."""
    tn = await turn(update, context)
    async with tn.svc.db.transaction() as session:
        dropped = await drop_draft(session, tn.resident.user_id)
    await tn.message.reply_text(t(tn.lang, "intake.cancelled" if dropped else "intake.nothing"),
                                reply_markup=ReplyKeyboardRemove())


async def my_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/my: the resident's reports and their state."""
    tn = await turn(update, context)
    async with tn.svc.db.sessions() as session:
        rows = await my_reports(session, tn.resident.user_id)
    await tn.message.reply_text(render.my_reports(tn.lang, rows, tn.svc.catalog))


# ----------------------------------------------------------------------------- inputs
async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A free text: a description, a place, or the start of a tip."""
    if await pending.route(update, context):
        return
    tn = await turn(update, context)
    text = tn.message.text or ""
    if not intake.meaningful_text(text):
        await tn.message.reply_text(t(tn.lang, "intake.emoji_only"))
        return
    notes = []
    if len(text) > tn.svc.intake.max_text_chars:
        notes.append(t(tn.lang, "intake.text_truncated", limit=tn.svc.intake.max_text_chars))
    analysis = analyze(text[: tn.svc.intake.max_text_chars * 2], tn.svc.catalog.gazetteer)
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        ignored = draft is None and not (analysis.is_tip or analysis.grids)
        if ignored:
            pass  # small talk, not a tip: no draft is started
        else:
            draft = await _take_text(session, tn, draft, data, text, analysis)
    if ignored:
        await tn.message.reply_text(t(tn.lang, "fallback.private"))
        return
    if expired:
        notes.insert(0, t(tn.lang, "intake.previous_expired"))
    await ask_next(tn, draft, data, context, prefix="\n".join(notes) or None)


async def _take_text(session, tn: Turn, draft: Draft | None, data: dict[str, Any], text: str,
                     analysis) -> Draft:
        intake.add_text(data, text, tn.svc.intake.max_text_chars)
        intake.apply_guess(data, analysis.category, analysis.subcategory, analysis.confidence)
        if analysis.grids:
            intake.propose_place(data, analysis.places[0] if analysis.places else None,
                                 analysis.grids[0])
        return await save(session, tn, draft, data)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location or venue: the point decides the grid."""
    if await pending.route(update, context):
        return
    tn = await turn(update, context)
    venue = tn.message.venue
    location = venue.location if venue else tn.message.location
    if location is None:
        return
    if not intake.plausible_point(location.latitude, location.longitude):
        await tn.message.reply_text(t(tn.lang, "intake.bad_point"),
                                    reply_markup=render.location_keyboard(tn.lang))
        return
    route = tn.svc.catalog.router.locate(location.latitude, location.longitude)
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        address = f"{venue.title} {venue.address}".strip() if venue else None
        intake.set_location(data, location.latitude, location.longitude,
                            "venue" if venue else "gps", route.grid.code if route.grid else None,
                            route.outside, address)
        draft = await save(session, tn, draft, data)
    if route.outside:
        ack = t(tn.lang, "intake.location_outside",
                desk=route.grid.name if route.grid else t(tn.lang, "intake.duty_desk"))
    else:
        ack = t(tn.lang, "intake.location_ok", grid=route.grid.name)
    if expired:
        ack = f"{t(tn.lang, 'intake.previous_expired')}\n{ack}"
    await tn.message.reply_text(ack, reply_markup=ReplyKeyboardRemove())
    await ask_next(tn, draft, data, context)


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo (or an image sent as a file), kept as evidence; albums answer once."""
    if await pending.route(update, context):
        return
    tn = await turn(update, context)
    message = tn.message
    if message.photo:
        item, mime, kind = message.photo[-1], "image/jpeg", "photo"
    elif message.document and (message.document.mime_type or "").lower() in IMAGE_TYPES:
        item, mime, kind = message.document, message.document.mime_type.lower(), "document"
    else:
        await message.reply_text(t(tn.lang, "intake.not_an_image"))
        return
    limit = tn.svc.intake.max_photo_bytes
    if item.file_size and item.file_size > limit:
        await message.reply_text(t(tn.lang, "intake.file_too_big", mb=limit // (1024 * 1024)))
        return
    record = await store_picture(tn.svc, context.bot, item.file_id, item.file_unique_id, mime)
    if record is None:
        await message.reply_text(t(tn.lang, "intake.file_too_big", mb=limit // (1024 * 1024)))
        return
    caption = message.caption or ""
    analysis = analyze(caption, tn.svc.catalog.gazetteer) if caption.strip() else None
    album = message.media_group_id
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        album_seen = _same_album_seen(data, album)
        full = not intake.can_add_photo(data, tn.svc.intake.max_photos)
        # Over the limit: say so once per album (or per single photo), keep nothing new.
        told = full and album in data.get("capped_albums", [])
        if full and album and not told:
            data["capped_albums"] = [*data.get("capped_albums", []), album]
        added = not full and intake.add_photo(data, dict(
            record, kind=kind, media_group_id=album, latitude=data.get("latitude"),
            longitude=data.get("longitude")))
        if analysis is not None:
            intake.add_text(data, caption, tn.svc.intake.max_text_chars)
            intake.apply_guess(data, analysis.category, analysis.subcategory, analysis.confidence)
            if analysis.grids:
                intake.propose_place(data, analysis.places[0] if analysis.places else None,
                                     analysis.grids[0])
        if draft is None or added or analysis is not None or (full and not told):
            draft = await save(session, tn, draft, data)
    if full:
        if not told:
            await message.reply_text(t(tn.lang, "intake.too_many_photos",
                                       limit=tn.svc.intake.max_photos))
        return
    if album_seen and added:
        return  # one answer per album, given for its first photo
    prefix = t(tn.lang, "intake.photo_ok", count=len(data["photos"]),
               limit=tn.svc.intake.max_photos) if added else t(tn.lang, "intake.photo_duplicate")
    if expired:
        prefix = f"{t(tn.lang, 'intake.previous_expired')}\n{prefix}"
    await ask_next(tn, draft, data, context, prefix=prefix)


def _same_album_seen(data: dict[str, Any], media_group_id: str | None) -> bool:
    return bool(media_group_id) and any(
        p.get("media_group_id") == media_group_id for p in data.get("photos", []))


# ----------------------------------------------------------------------------- bad input
async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice, video, contacts, polls…: say what we can take; the draft stays."""
    tn = await turn(update, context)
    kind = _kind(tn.message)
    await tn.message.reply_text(t(tn.lang, "fallback.unsupported",
                                  kind=t(tn.lang, f"kind.{kind}")))


async def on_forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forwarded message is not the resident's own sighting."""
    tn = await turn(update, context)
    await tn.message.reply_text(t(tn.lang, "intake.forwarded"))


async def group_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report in a group: reports are private."""
    tn = await turn(update, context)
    await tn.message.reply_text(t(tn.lang, "command.private_only",
                                  bot_username=context.bot.username))


def _kind(message: Message | None) -> str:
    if message is None:
        return "other"
    for kind in ("sticker", "voice", "video", "video_note", "audio", "animation", "contact",
                 "poll", "dice", "document", "game", "story"):
        if getattr(message, kind, None):
            return kind
    return "other"
