"""Residents' private chat: a report from photo, location, venue and text in any order.

Each message reads the sender's pending action (a patrol member may be answering 到场 or
办结 here) and their draft, applies what arrived through `dispatch.intake` and writes the
draft back; only then does the bot answer (persist first, then talk). The write is
optimistic (dispatch.reports.DraftChanged): when another instance changed the draft in
between, the step is done again on what is stored now. The answer is one message: what
was taken, and the next question.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from dispatch import intake, replays
from dispatch.people import greeting_name
from dispatch.reports import (
    DraftChanged,
    DraftRow,
    Resident,
    delete_draft,
    drop_draft,
    get_draft,
    my_reports,
    pending_and_draft,
    save_draft,
)
from handlers import pending
from handlers import resident_render as render
from handlers.common import say_handled_before
from handlers.i18n import t
from handlers.media import image_type, store_picture
from handlers.people import name_of, user_language
from handlers.services import Services, services
from nlp import analyze

log = logging.getLogger(__name__)

Talk = Callable[[], Awaitable[None]]
# Applies one input to the draft inside the transaction; returns what to say after commit.
Apply = Callable[[AsyncSession, DraftRow | None, dict[str, Any], bool], Awaitable[Talk]]


@dataclass
class Turn:
    """One update from a resident: who, in which language, and the services."""

    svc: Services
    lang: str
    resident: Resident
    message: Message | None
    update_id: int | None = None  # Telegram's id: the same update may be handed out again


async def turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    """Collect what every resident handler needs."""
    svc = services(context)
    user = update.effective_user
    lang = await user_language(svc, user)
    resident = Resident(user_id=user.id, chat_id=update.effective_chat.id, name=name_of(user),
                        language=lang)
    return Turn(svc, lang, resident, update.effective_message, update.update_id)


# Times a step is done again when another instance changed the draft meanwhile (two
# instances answering one resident at the same moment: one redo is the most ever seen).
DRAFT_ATTEMPTS = 5


async def load(session: AsyncSession, tn: Turn, *,
               lock: bool = True) -> tuple[DraftRow | None, dict[str, Any], bool]:
    """The live draft (None when there is none), its data, and whether one just expired.

    `lock`: hold the row to the end of the session's transaction (not in an autocommit
    session, whose writes check the version instead)."""
    return await _live(session, tn, await get_draft(session, tn.resident.user_id, lock=lock))


async def _live(session: AsyncSession, tn: Turn,
                draft: DraftRow | None) -> tuple[DraftRow | None, dict[str, Any], bool]:
    now = tn.svc.clock.now()
    if draft is not None and draft.expired(now):
        await delete_draft(session, draft, now)
        return None, intake.new_draft(now), True
    if draft is None:
        return None, intake.new_draft(now), False
    # A copy: the caller changes nested lists in place.
    return draft, copy.deepcopy(draft.data), False


async def save(session: AsyncSession, tn: Turn, draft: DraftRow | None,
               data: dict[str, Any]) -> DraftRow:
    """Store the draft with a fresh expiry, and the update that changed it."""
    data["lang"] = tn.lang  # the expiry note is sent in the resident's language
    intake.mark_applied(data, tn.update_id)
    return await save_draft(session, tn.resident, data, tn.svc.clock.now(),
                            tn.svc.intake.draft_ttl, draft)


def next_question(tn: Turn, draft: DraftRow, data: dict[str, Any],
                  prefix: str | None = None) -> tuple[str, Any]:
    """Text and keyboard of the next question, after `prefix` (what was just taken)."""
    text, markup = render.question(tn.lang, draft.id, data, intake.next_question(data),
                                   tn.svc.catalog)
    return (f"{prefix}\n\n{text}" if prefix else text), markup


async def ask_next(tn: Turn, draft: DraftRow, data: dict[str, Any], context, *,
                   prefix: str | None = None) -> None:
    """Send the next question (after the draft was committed)."""
    text, markup = next_question(tn, draft, data, prefix)
    await context.bot.send_message(tn.resident.chat_id, text, reply_markup=markup)


def reply(tn: Turn, text: str, markup: Any = None) -> Talk:
    """Answer the resident's message with `text` (after the commit)."""
    async def talk() -> None:
        await tn.message.reply_text(text, reply_markup=markup)
    return talk


async def replayed(session: AsyncSession, tn: Turn, draft: DraftRow | None,
                   data: dict[str, Any]) -> bool:
    """Did this update change the draft, or a draft gone since, already (a command handed
    out again, see dispatch.replays)? Messages ask with the draft, in `on_draft`."""
    return (draft is not None and intake.already_applied(data, tn.update_id)) or \
        await replays.taken(session, tn.update_id)


def asked_again(tn: Turn, draft: DraftRow | None, data: dict[str, Any]) -> tuple[str, Any]:
    """The answer to an update handed out again: the next question of the draft, in case
    the first answer never went out, or "handled before" when the draft is gone."""
    if draft is None:
        return t(tn.lang, "update.handled_before"), None
    return next_question(tn, draft, data)


def once(tn: Turn, apply: Apply) -> Apply:
    """`apply`, unless this update already changed the draft (Telegram hands an update out
    again when its confirmation did not arrive, see intake.already_applied): then nothing
    is applied twice, and the resident is asked the next question again, in case the first
    answer never went out."""
    async def guarded(session, draft, data, expired) -> Talk:
        if draft is not None and intake.already_applied(data, tn.update_id):
            log.info("update %s of %s handed out again: not applied twice", tn.update_id,
                     tn.resident.user_id)
            return reply(tn, *asked_again(tn, draft, data))
        return await apply(session, draft, data, expired)
    return guarded


def _with_notes(tn: Turn, expired: bool, *notes: str | None) -> str | None:
    lines = [t(tn.lang, "intake.previous_expired")] if expired else []
    lines += [note for note in notes if note]
    return "\n".join(lines) or None


def _after(tn: Turn, expired: bool, text: str) -> str:
    """`text`, after the note that the previous draft expired (load() just dropped it)."""
    note = _with_notes(tn, expired)
    return f"{note}\n\n{text}" if note else text


@dataclass(frozen=True)
class Waiting:
    """The sender's pending action, found instead of running a step (see on_draft)."""

    action: dict[str, Any]


UNREAD = object()  # on_draft's `read`: the draft is read now


async def on_draft(tn: Turn, apply: Apply, *, pending_first: bool = False,
                   read: DraftRow | None | object = UNREAD) -> Talk | Waiting:
    """Run `apply` on the sender's draft, its writes each committed on their own
    (storage.db.autocommit); done again on the stored draft when it changed meanwhile.

    With `pending_first`, a live pending action of the sender is returned instead (read
    with the draft, in one round trip), and an update another handler already took
    (dispatch.replays) is only answered. `read`: the draft as this handler read it a moment
    ago (None: there was none), used for the first attempt instead of a read; the writes
    check its version, so a draft changed since is read again and the step redone."""
    user_id = tn.resident.user_id
    for attempt in range(DRAFT_ATTEMPTS):
        try:
            async with tn.svc.db.autocommit() as session:
                if read is not UNREAD and attempt == 0:
                    stored = read
                elif pending_first:
                    asking = await pending_and_draft(session, user_id, tn.svc.clock.now(),
                                                     tn.update_id)
                    if asking.handled:  # taken by a wait (到场, 办结…), handed out again
                        return reply(tn, t(tn.lang, "update.handled_before"))
                    if asking.pending is not None:
                        return Waiting(asking.pending)
                    stored = asking.draft
                else:
                    stored = await get_draft(session, user_id)
                return await apply(session, *await _live(session, tn, stored))
        except DraftChanged:
            log.info("draft of %s changed meanwhile (attempt %d): done again", user_id,
                     attempt + 1)
    raise DraftChanged(user_id)


async def take_message(update: Update, context: ContextTypes.DEFAULT_TYPE, tn: Turn,
                       apply: Apply) -> None:
    """Run `apply` on the sender's draft and answer, unless the bot is waiting for
    something else from the sender (their pending action takes the message)."""
    apply = once(tn, apply)
    talk = await on_draft(tn, apply, pending_first=True)
    if isinstance(talk, Waiting):
        if await pending.take(update, context, talk.action):
            return
        talk = await on_draft(tn, apply)
    await talk()


# ----------------------------------------------------------------------------- commands
async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report: start a report, or offer to continue the unfinished one. Words after the
    command ("/report 菜市场后面有人烧垃圾") are the description of the new report."""
    tn = await turn(update, context)
    words = _after_command(tn.message.text or "")
    take_words = False
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        again = await replayed(session, tn, draft, data)
        if again:  # handed out again: ask what is still missing, begin nothing
            text, markup = asked_again(tn, draft, data)
        elif draft is not None and not intake.is_empty(data):
            to = render.bound(draft.id, data)
            markup = render.InlineKeyboardMarkup([[
                render.button(t(tn.lang, "intake.resume"), to, "resume"),
                render.button(t(tn.lang, "intake.restart"), to, "restart")]])
            text = t(tn.lang, "intake.unfinished")
            if words:  # not taken: it is unclear which report they belong to
                text += "\n" + t(tn.lang, "intake.unfinished_words")
            # Nothing saved: recorded, or handed out again once the draft is gone it
            # would begin a report.
            await replays.first_time(session, tn.update_id, tn.svc.clock.now())
        elif intake.describes(words):
            take_words = True  # the words start the report (below, as a text would)
        else:
            draft = await save(session, tn, draft, data)
            markup, text = render.location_keyboard(tn.lang), t(tn.lang, "intake.begin")
    if take_words:
        await take_text(update, context, tn, words, start=True, expired_before=expired)
        return
    await tn.message.reply_text(_after(tn, expired, text), reply_markup=markup)


def _after_command(text: str) -> str:
    """What follows the command word of a message ("/report@bot 有人烧秸秆" → "有人烧秸秆")."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, also `/start g_<grid code>` from a community poster (pre-selects the grid)."""
    tn = await turn(update, context)
    payload = context.args[0] if context.args else ""
    user = update.effective_user
    name = greeting_name(user.first_name, user.last_name)
    hello = t(tn.lang, "start.hello", name=name) if name else \
        t(tn.lang, "start.hello_anonymous")
    welcome = t(tn.lang, "start.welcome", hello=hello)
    if payload.startswith("s_"):  # a poster's "subscribe to ban notices" code
        from handlers.notices import subscribe_via_link

        await subscribe_via_link(update, context, payload[2:])
        return
    if not payload.startswith("g_"):
        async with tn.svc.db.sessions() as session:
            draft = await get_draft(session, tn.resident.user_id)
        if draft is not None and draft.under_way(tn.svc.clock.now()):
            welcome += "\n\n" + t(tn.lang, "intake.start_unfinished")
        await tn.message.reply_text(welcome)
        return
    grid = tn.svc.catalog.router.by_code(payload[2:])
    if grid is None:
        await tn.message.reply_text(f"{welcome}\n\n{t(tn.lang, 'intake.unknown_link')}")
        return
    async with tn.svc.db.transaction() as session:
        draft, data, expired = await load(session, tn)
        again = await replayed(session, tn, draft, data)
        # Only what the resident gave makes a report unfinished: not an earlier poster's grid.
        unfinished = draft is not None and intake.has_content(data)
        applied = not again and intake.preset_grid(data, grid.code)
        if not again:
            draft = await save(session, tn, draft, data)
    # Say what the draft now holds: an unfinished report goes on where it was.
    if again:  # handed out again: the grid was set (or kept) then; begin nothing
        text, markup = asked_again(tn, draft, data)
    elif applied and not unfinished:
        text = _after(tn, expired, t(tn.lang, "intake.link_grid", grid=grid.name))
        markup = render.location_keyboard(tn.lang)  # a precise point is still welcome
    elif applied:
        text, markup = next_question(tn, draft, data,
                                     t(tn.lang, "intake.link_continues", grid=grid.name))
    else:  # the shared point stays: it is more precise than a poster
        text, markup = next_question(tn, draft, data, t(
            tn.lang, "intake.link_kept_point", grid=grid.name,
            where=render.where(tn.lang, data, tn.svc.catalog)))
    await tn.message.reply_text(text, reply_markup=markup)


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cancel: drop the draft."""
    tn = await turn(update, context)
    async with tn.svc.db.transaction() as session:
        now = tn.svc.clock.now()
        first = await replays.first_time(session, tn.update_id, now)
        dropped = first and await drop_draft(session, tn.resident.user_id, now)
    if not first:  # handed out again: it must not drop the report begun since
        await say_handled_before(update, tn.lang)
        return
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
    tn = await turn(update, context)
    await take_text(update, context, tn, tn.message.text or "")


def reader(tn: Turn) -> Callable[[str], Any]:
    """How the bot reads a resident's words (nlp.analyze with the town's gazetteer), on at
    most twice the description's limit: a page of text costs no more than that."""
    limit, gazetteer = tn.svc.intake.max_text_chars, tn.svc.catalog.gazetteer
    return lambda words: analyze(words[: limit * 2], gazetteer)


async def take_text(update: Update, context: ContextTypes.DEFAULT_TYPE, tn: Turn, text: str,
                    *, start: bool = False, expired_before: bool = False) -> None:
    """Apply a text to the sender's draft. `start`: the resident asked for a report
    (/report with words), so a draft begins even when the text does not read like a tip;
    `expired_before`: their previous draft was just dropped as expired (say so)."""
    limit = tn.svc.intake.max_text_chars
    read = reader(tn)
    analysis = read(text) if intake.meaningful_text(text) else None

    async def apply(session, draft, data, expired) -> Talk:
        expired = expired or expired_before
        router = tn.svc.catalog.router
        step = intake.take_text(
            data, text, analysis, read,
            router.contains, router.related, exists=draft is not None, start=start,
            max_chars=limit)
        if step.kind == "emoji":
            return reply(tn, _after(tn, expired, t(tn.lang, "intake.emoji_only")))
        if step.kind == "small_talk":
            return reply(tn, _after(tn, expired, t(tn.lang, "fallback.private")))
        if step.kind == "begin":
            return reply(tn, t(tn.lang, "intake.begin"), render.location_keyboard(tn.lang))
        if step.save:
            draft = await save(session, tn, draft, data)
        elif draft is None:  # nothing stored and nothing begun: no question to ask again
            return reply(tn, _after(tn, expired, t(tn.lang, "fallback.private")))
        if step.hint is not None:
            note = t(tn.lang, f"intake.{step.hint}", word=step.word)
        else:
            note = _with_notes(
                tn, expired,
                t(tn.lang, "intake.text_truncated", limit=limit) if step.truncated else None,
                t(tn.lang, "intake.point_decides", grid=render.grid_name(
                    tn.svc.catalog, step.point_decides)) if step.point_decides else None,
                # Asked for the place after a text, say the text was taken (other
                # questions show it).
                t(tn.lang, "intake.text_noted") if step.noted else None)
        return reply(tn, *next_question(tn, draft, data, note))

    await take_message(update, context, tn, apply)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location or venue: the point decides the grid."""
    tn = await turn(update, context)
    venue = tn.message.venue
    location = venue.location if venue else tn.message.location
    if location is None:
        return
    plausible = intake.plausible_point(location.latitude, location.longitude)
    route = tn.svc.catalog.router.locate(location.latitude, location.longitude) \
        if plausible else None

    async def apply(session, draft, data, expired) -> Talk:
        if route is None:
            return reply(tn, _after(tn, expired, t(tn.lang, "intake.bad_point")),
                         render.location_keyboard(tn.lang))
        address = f"{venue.title} {venue.address}".strip() if venue else None
        intake.set_location(data, location.latitude, location.longitude,
                            "venue" if venue else "gps", route.grid.code if route.grid else None,
                            route.outside, address, tn.svc.catalog.router.related)
        draft = await save(session, tn, draft, data)
        if route.outside:
            ack = t(tn.lang, "intake.location_outside",
                    desk=route.grid.name if route.grid else t(tn.lang, "intake.duty_desk"))
        else:
            ack = t(tn.lang, "intake.location_ok", grid=route.grid.name)
        # One message: the location keyboard is one-time (it hides itself once used), and
        # the next question carries its own buttons.
        return reply(tn, *next_question(tn, draft, data, _with_notes(tn, expired, ack)))

    await take_message(update, context, tn, apply)


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo (or an image sent as a file), kept as evidence; albums answer once.

    Two short steps around the download: the first decides whether the picture is wanted
    at all (not over the limit, not already there, nobody waiting for it elsewhere), so
    nothing unwanted is downloaded; the second adds it."""
    tn = await turn(update, context)
    message = tn.message
    limit = tn.svc.intake.max_photo_bytes
    if message.photo:
        item, mime, kind = message.photo[-1], "image/jpeg", "photo"
    elif message.document and (mime := image_type(message.document.mime_type,
                                                    message.document.file_name)):
        item, kind = message.document, "document"
    else:
        item = mime = kind = None
    wanted = expired_meanwhile = False
    seen: DraftRow | None = None

    async def check(session, draft, data, expired) -> Talk:
        nonlocal wanted, expired_meanwhile, seen
        expired_meanwhile, seen = expired, draft
        if item is None:
            return reply(tn, _after(tn, expired, t(tn.lang, "intake.not_an_image")))
        if item.file_size and item.file_size > limit:
            return reply(tn, _after(tn, expired, t(tn.lang, "intake.file_too_big",
                                                   mb=limit // (1024 * 1024))))
        if not intake.can_add_photo(data, tn.svc.intake.max_photos):
            return await _over_limit(session, tn, draft, data, message.media_group_id)
        if draft is not None and intake.has_photo(data, item.file_unique_id):
            draft = await save(session, tn, draft, data)  # records the update, see once()
            return reply(tn, *next_question(tn, draft, data, t(tn.lang, "intake.photo_duplicate")))
        wanted = True
        return _silent

    await take_message(update, context, tn, check)
    if not wanted:
        return
    record = await store_picture(tn.svc, context.bot, item.file_id, item.file_unique_id, mime)
    if record is None:
        await message.reply_text(_after(tn, expired_meanwhile, t(
            tn.lang, "intake.file_too_big", mb=limit // (1024 * 1024))))
        return
    caption = message.caption or ""
    analysis = reader(tn)(caption) if caption.strip() else None
    talk = await on_draft(tn, once(tn, lambda session, draft, data, expired: _add_photo(
        session, tn, draft, data, expired or expired_meanwhile, dict(record, kind=kind),
        message, analysis)), read=seen)  # as checked (read again if changed meanwhile)
    await talk()


async def _silent() -> None:
    return None


async def _over_limit(session, tn: Turn, draft: DraftRow | None, data: dict[str, Any],
                      album: str | None) -> Talk:
    """Over the photo limit: say so once per album (or per single photo), keep nothing new
    but the update (handed out again once the draft is gone, it must not begin the next
    report, see once())."""
    said = bool(album) and album in data.get("capped_albums", [])
    if album and not said:
        data["capped_albums"] = [*data.get("capped_albums", []), album]
    await save(session, tn, draft, data)
    if said:
        return _silent
    return reply(tn, t(tn.lang, "intake.too_many_photos", limit=tn.svc.intake.max_photos))


async def _add_photo(session, tn: Turn, draft: DraftRow | None, data: dict[str, Any],
                     expired: bool, record: dict[str, Any], message: Message,
                     analysis) -> Talk:
    album = message.media_group_id
    if not intake.can_add_photo(data, tn.svc.intake.max_photos):
        return await _over_limit(session, tn, draft, data, album)
    album_seen = _same_album_seen(data, album)
    added = intake.add_photo(data, dict(record, media_group_id=album,
                                        latitude=data.get("latitude"),
                                        longitude=data.get("longitude")))
    cut = False
    if analysis is not None:
        cut = intake.add_text(data, message.caption, tn.svc.intake.max_text_chars)
        intake.take_guess(data, analysis, tn.svc.catalog.router.contains, read=reader(tn))
    draft = await save(session, tn, draft, data)  # a picture already there: the update
    if album_seen and added:
        return _silent  # one answer per album, given for its first photo
    if not added:
        taken = t(tn.lang, "intake.photo_duplicate")
    elif album:  # answered for its first picture, while the others are still arriving
        taken = t(tn.lang, "intake.album_ok", limit=tn.svc.intake.max_photos)
    else:
        taken = t(tn.lang, "intake.photo_ok", count=len(data["photos"]),
                  limit=tn.svc.intake.max_photos)
    truncated = t(tn.lang, "intake.text_truncated",
                  limit=tn.svc.intake.max_text_chars) if cut else None
    if album and added and intake.next_question(data) == "summary":
        # Its other pictures are still arriving: the summary is shown when asked for.
        notes = _with_notes(tn, expired, taken, truncated, t(tn.lang, "intake.album_review"))
        return reply(tn, notes, render.review_button(tn.lang, draft.id, data))
    return reply(tn, *next_question(tn, draft, data, _with_notes(tn, expired, taken, truncated)))


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
