"""Rendering of cases for patrol chats, members and residents, as Bot API payloads (plain
dicts: they go into the outbox as JSON). Texts use HTML, so every value is escaped."""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from dispatch.cases import Reporters
from dispatch.clock import to_local
from dispatch.duty import Duty, Member
from dispatch.routing import GridNode, Router
from dispatch.sla import SlaRules
from handlers.i18n import t
from handlers.resident_render import CATEGORY_ICONS, state_label
from storage.models import Case, CaseState, Report

CAPTION_LIMIT = 1024  # characters after HTML parsing
DESCRIPTION_LIMIT = 300
CONTACTS_SHOWN = 3
_TAG = re.compile(r"<[^>]+>")


def plain_length(html_text: str) -> int:
    """Length of an HTML text as Telegram counts it (tags gone, entities one character)."""
    return len(unescape(_TAG.sub("", html_text)))


def fit_caption(html_text: str) -> str:
    """Drop whole lines from the end of the description until the caption fits."""
    lines = html_text.split("\n")
    while plain_length("\n".join(lines)) > CAPTION_LIMIT and len(lines) > 1:
        drop = next((i for i, line in enumerate(lines) if line.startswith("📝")), len(lines) - 1)
        lines.pop(drop)
    return "\n".join(lines)
GROUP_LANG = "zh"  # patrol and official chats are Chinese working groups


def data(action: str, case: Case, argument: str | None = None) -> str:
    """Callback data `cs:<action>:<case id>:<version>[:<argument>]` (≤ 64 bytes)."""
    tail = f":{argument}" if argument is not None else ""
    return f"cs:{action}:{case.id}:{case.version}{tail}"


def keyboard(rows: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """An inline keyboard payload from (label, callback data) rows."""
    return {"inline_keyboard": [[{"text": label, "callback_data": cb} for label, cb in row]
                                for row in rows if row]}


def mention(member: Member) -> str:
    """An HTML mention that notifies the member even without a username."""
    return user_link(member.telegram_id, member.name)


def user_link(telegram_id: int, name: str) -> str:
    """An HTML link to a Telegram user (a mention in a group), the name escaped."""
    return f'<a href="tg://user?id={telegram_id}">{escape(name)}</a>'


def category(lang: str, case: Case) -> str:
    """Category in words."""
    return t(lang, f"case.category.{case.category}")


def hhmm(moment) -> str:
    """Local time of day; with the date when it is not today's business."""
    return f"{to_local(moment):%m-%d %H:%M}"


def duty_names(duty: Duty, html: bool = True) -> str:
    """Who is on duty, as mentions (or plain names)."""
    if not duty.members:
        return t(GROUP_LANG, "case.nobody")
    return "、".join(mention(m) if html else escape(m.name) for m in duty.members)


def case_text(case: Case, grid: GridNode | None, duty: Duty | None, reporters: Reporters,
              sla: SlaRules, router: Router, lang: str = GROUP_LANG,
              status_lines: list[str] | None = None) -> str:
    """The case card posted in the patrol chat: with what the reporters wrote, and a
    mention of those who allowed contact (nobody else is named)."""
    lines = [t(lang, "case.header", icon=CATEGORY_ICONS.get(case.category, ""),
               category=escape(category(lang, case)), number=case.number)]
    place = f" · {escape(case.address_text)}" if case.address_text else ""
    if case.latitude is not None and case.longitude is not None:
        route = router.locate(case.latitude, case.longitude)
        if route.how == "nearest" and route.distance_m >= 1:
            place += t(lang, "case.outside_hint", metres=round(route.distance_m))
    lines.append(t(lang, "case.where", grid=escape(grid.name if grid else "—"), place=place))
    minutes = (case.on_site_deadline - case.created_at).total_seconds() // 60
    rule = t(lang, "case.rule_offhours" if case.off_hours else "case.rule_workday",
             minutes=int(minutes))
    lines.append(t(lang, "case.times", reported=hhmm(case.created_at),
                   on_site=hhmm(case.on_site_deadline), rule=rule))
    if case.report_count > 1:
        lines.append(t(lang, "case.reporters", count=case.report_count))
    if duty is not None:
        lines.append(t(lang, "case.on_duty", names=duty_names(duty)) if duty.members
                     else t(lang, "case.nobody_on_duty"))
    if reporters.contacts:
        names = "、".join(user_link(user_id, name)
                         for user_id, name in reporters.contacts[:CONTACTS_SHOWN])
        lines.append(t(lang, "case.contact", names=names))
    if reporters.texts:  # cut before escaping, never through an entity like &amp;
        joined = " / ".join(reporters.texts)
        cut = joined if len(joined) <= DESCRIPTION_LIMIT else joined[:DESCRIPTION_LIMIT] + "…"
        lines.append(t(lang, "case.text", text=escape(cut)))
    lines.extend(status_lines or [])
    return "\n".join(lines)


def status_lines(case: Case, assignee: Member | None, sla: SlaRules,
                 transferred_to: GridNode | None = None, lang: str = GROUP_LANG) -> list[str]:
    """What happened so far, one line per step."""
    name = escape(assignee.name) if assignee else "—"
    lines = []
    if case.acked_at:
        lines.append(t(lang, "case.acked_line", name=name, time=hhmm(case.acked_at)))
    if case.on_site_at:
        distance = ""
        if case.on_site_distance_m is not None:
            metres = round(case.on_site_distance_m)
            far = case.on_site_distance_m > sla.arrival_distance_m
            distance = t(lang, "case.distance_far" if far else "case.distance", metres=metres,
                         limit=round(sla.arrival_distance_m))
        lines.append(t(lang, "case.arrived_line", name=name, time=hhmm(case.on_site_at),
                       distance=distance))
    if case.state == CaseState.RESOLVED:
        lines.append(t(lang, "case.resolved_line", outcome=t(lang, f"case.outcome.{case.outcome}"),
                       time=hhmm(case.resolved_at)))
    if case.state == CaseState.UNFOUNDED:
        lines.append(t(lang, "case.unfounded_line", reason=t(lang, f"case.reason.{case.outcome}"),
                       time=hhmm(case.resolved_at)))
    if transferred_to is not None:
        lines.append(t(lang, "case.transferred_line", grid=escape(transferred_to.name),
                       time=hhmm(case.updated_at)))
    return lines


def buttons(case: Case, lang: str = GROUP_LANG) -> dict[str, Any] | None:
    """The buttons a case card shows in its state (None: no buttons any more)."""
    if case.state in (CaseState.DISPATCHED, CaseState.REOPENED, CaseState.NEW):
        return keyboard([[(t(lang, "case.btn.ack"), data("ack", case))],
                         [(t(lang, "case.btn.transfer"), data("tr", case)),
                          (t(lang, "case.btn.unfounded"), data("unf", case))]])
    if case.state == CaseState.ACKED:
        return keyboard([[(t(lang, "case.btn.arrive"), data("arr", case)),
                          (t(lang, "case.btn.resolve"), data("res", case))],
                         [(t(lang, "case.btn.transfer"), data("tr", case))]])
    if case.state == CaseState.ON_SITE:
        return keyboard([[(t(lang, "case.btn.resolve"), data("res", case)),
                          (t(lang, "case.btn.unfounded"), data("unf", case))]])
    return None


def choice_menu(case: Case, action: str, options: list[tuple[str, str]],
                lang: str = GROUP_LANG) -> dict[str, Any]:
    """A sub-menu (outcomes, reasons, transfer targets) with a back button."""
    rows = [[(label, data(action, case, value))] for label, value in options]
    rows.append([(t(lang, "case.btn.back"), data("back", case))])
    return keyboard(rows)


def stale_text(lang: str, case: Case | None, reason: str, assignee: str | None = None) -> str:
    """Why a press was refused."""
    if case is None:
        return t(lang, "case.refused.unknown")
    return t(lang, f"case.refused.{reason}", number=case.number,
             state=state_label(lang, case.state), name=assignee or "—")


def resident_notice(lang: str, case: Case, report: Report, event: str) -> dict[str, Any] | None:
    """The message a reporter gets for a case event (None: nothing to say)."""
    if event == "acked":
        text = t(lang, "resident.acked", number=case.number,
                 deadline=f"{to_local(case.on_site_deadline):%H:%M}")
    elif event == "arrived":
        text = t(lang, "resident.arrived", number=case.number,
                 time=f"{to_local(case.on_site_at):%H:%M}")
    elif event in ("resolved", "unfounded"):
        key = "case.outcome" if event == "resolved" else "case.reason"
        text = t(lang, f"resident.{event}", number=case.number,
                 outcome=t(lang, f"{key}.{case.outcome}"), reason=t(lang, f"{key}.{case.outcome}"))
        rate = f"sat:{case.id}:{report.id}"
        return {"text": text, "reply_markup": keyboard([[
            (t(lang, "resident.btn.satisfied"), f"{rate}:y"),
            (t(lang, "resident.btn.unsatisfied"), f"{rate}:n")]])}
    else:
        return None
    return {"text": text}
