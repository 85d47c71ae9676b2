"""The Notifier of the case use cases: renders messages and queues them in the outbox,
inside the transaction of the change that caused them."""

from __future__ import annotations

from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.cases import CaseContext, case_reporters, first_media, reporters_of, reports_of
from dispatch.duty import Duty, Member, all_hands, assignee_of, on_duty
from dispatch.outbox import Outgoing, enqueue
from dispatch.routing import GridNode
from handlers import case_render as render
from handlers.i18n import language_for, t
from handlers.keyboards import location_keyboard_payload
from handlers.services import Services
from storage.models import Case, CaseState, Report

GROUP = render.GROUP_LANG


def _lang(member: Member) -> str:
    return language_for(None, member.language)


class OutboxNotifier:
    """Implements dispatch.notify.Notifier on top of the outbox."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    def context(self) -> CaseContext:
        """The case context of the running bot with this notifier."""
        svc = self.svc
        return CaseContext(router=svc.catalog.router, sla=svc.sla, calendar=svc.calendar,
                           windows=svc.windows, notifier=self, dedup=svc.dedup)

    async def _send(self, session: AsyncSession, chat_id: int, method: str, payload: dict,
                    case: Case | None, purpose: str, edit_of: int | None = None,
                    dedup_key: str | None = None, coalesce: bool = False) -> int | None:
        return await enqueue(session, Outgoing(chat_id=chat_id, method=method, payload=payload,
                                               case_id=case.id if case else None, purpose=purpose,
                                               edit_of=edit_of, dedup_key=dedup_key,
                                               coalesce=coalesce))

    async def dispatched(self, session: AsyncSession, case: Case, grid: GridNode, chat_id: int,
                         duty: Duty, reports: list[Report]) -> None:
        text = render.case_text(case, grid, duty, reporters_of(reports), self.svc.sla,
                                self.svc.catalog.router)
        markup = render.buttons(case)
        media = await first_media(session, reports)
        if media and render.plain_length(text) <= render.CAPTION_LIMIT:
            file_id, kind = media
            method, field = ("sendDocument", "document") if kind == "document" \
                else ("sendPhoto", "photo")
            outbox_id = await self._send(session, chat_id, method, {
                field: file_id, "caption": text, "parse_mode": "HTML",
                "reply_markup": markup}, case, "dispatch")
        else:
            outbox_id = await self._send(session, chat_id, "sendMessage", {
                "text": text, "parse_mode": "HTML", "reply_markup": markup}, case, "dispatch")
        if case.latitude is not None and case.longitude is not None:
            await self._send(session, chat_id, "sendLocation", {
                "latitude": case.latitude, "longitude": case.longitude}, case, "dispatch_pin")
        case.dispatch_outbox_id, case.dispatch_chat_id = outbox_id, chat_id

    async def merged(self, session: AsyncSession, case: Case, report: Report) -> None:
        if case.dispatch_chat_id is None:
            return
        # Coalesced: while the last count still waits, the newest one replaces it.
        await self._send(session, case.dispatch_chat_id, "sendMessage", {
            "text": t(GROUP, "case.merged", number=case.number, count=case.report_count)},
            case, "merged", coalesce=True)
        await self.refresh(session, case, await assignee_of(session, case))

    async def refresh(self, session: AsyncSession, case: Case, assignee: Member | None,
                      transferred_to: GridNode | None = None) -> None:
        if case.dispatch_outbox_id is None or case.dispatch_chat_id is None:
            return
        grid = self.svc.catalog.router.get(case.grid_id)
        reporters = await case_reporters(session, case.id)
        lines = render.status_lines(case, assignee, self.svc.sla, transferred_to)
        duty = None
        if transferred_to is None and case.state in (CaseState.DISPATCHED, CaseState.REOPENED):
            now = self.svc.clock.now()
            duty = await on_duty(session, case.grid_id, now, self.svc.catalog.router,
                                 all_hands=all_hands(self.svc.windows, now, case.category))
        text = render.case_text(case, grid, duty, reporters, self.svc.sla, self.svc.catalog.router,
                                status_lines=lines)
        markup = None if transferred_to is not None else render.buttons(case)
        # A card sent with a picture gets the caption instead (dispatch.outbox.edit_method).
        payload: dict = {"text": text, "_caption": render.fit_caption(text), "parse_mode": "HTML",
                         "reply_markup": markup or {"inline_keyboard": []}}
        # Coalesced: only the newest state of the card matters.
        await self._send(session, case.dispatch_chat_id, "editMessageText", payload, case,
                         "refresh", edit_of=case.dispatch_outbox_id, coalesce=True)

    async def residents(self, session: AsyncSession, case: Case, event: str) -> None:
        # Each resident once, however often they reported the case: by their latest report
        # (its language; a rating is kept per case).
        latest = {report.reporter_chat_id: report
                  for report in await reports_of(session, case.id)}  # oldest first
        for report in latest.values():
            lang = language_for(report.reporter_language, report.reporter_language)
            payload = render.resident_notice(lang, case, report, event)
            if payload is not None:
                await self._send(session, report.reporter_chat_id, "sendMessage", payload, case,
                                 f"resident_{event}")

    async def ask_arrival(self, session: AsyncSession, case: Case, member: Member) -> None:
        lang = _lang(member)
        await self._send(session, member.telegram_id, "sendMessage", {
            "text": t(lang, "case.ask_arrival", number=case.number),
            "reply_markup": location_keyboard_payload(lang, "case.share_location")},
            case, "ask_arrival")

    async def ask_after_note(self, session: AsyncSession, case: Case, member: Member) -> None:
        await self._send(session, member.telegram_id, "sendMessage", {
            "text": t(_lang(member), "case.ask_after_note", number=case.number)},
            case, "ask_after_note")

    async def escalate(self, session: AsyncSession, case: Case, step: int, grid: GridNode | None,
                       duty: Duty, leaders: list[Member], official_chats: list[int],
                       missed: str, late_minutes: int) -> int:
        plain_grid = grid.name if grid else "—"

        def text(lang: str, key: str, html: bool) -> str:
            return t(lang, key, number=case.number,
                     grid=escape(plain_grid) if html else plain_grid,
                     category=render.category(lang, case), late=late_minutes,
                     missed=t(lang, f"case.missed.{missed}"),
                     names=render.duty_names(duty, html))
        sent = 0
        if step == 1 and case.dispatch_chat_id is not None:
            await self._send(session, case.dispatch_chat_id, "sendMessage", {
                "text": text(GROUP, "case.escalate.chat", True), "parse_mode": "HTML"},
                case, "escalation_1")
            sent += 1
        if step == 2:
            for leader in leaders:
                await self._send(session, leader.telegram_id, "sendMessage", {
                    "text": text(_lang(leader), "case.escalate.leader", False)},
                    case, "escalation_2")
                sent += 1
        if step >= 3:
            for chat_id in official_chats:
                await self._send(session, chat_id, "sendMessage", {
                    "text": text(GROUP, "case.escalate.official", False)}, case, "escalation_3")
                sent += 1
        return sent

    async def unsatisfied(self, session: AsyncSession, case: Case, leaders: list[Member]) -> None:
        grid = self.svc.catalog.router.get(case.grid_id)
        for leader in leaders:
            await self._send(session, leader.telegram_id, "sendMessage", {
                "text": t(_lang(leader), "case.unsatisfied_alert", number=case.number,
                          grid=grid.name if grid else "—")}, case, "unsatisfied")

    async def calendar_missing(self, session: AsyncSession, year: int,
                               admins: list[Member]) -> None:
        for admin in admins:
            await self._send(session, admin.telegram_id, "sendMessage", {
                "text": t(_lang(admin), "case.calendar_missing", year=year)}, None,
                "calendar_missing", dedup_key=f"calendar-missing:{year}:{admin.telegram_id}")
