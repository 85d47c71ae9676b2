"""Rendering of the resident conversation: questions, summaries, keyboards."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from dispatch.cases import to_duty_desk
from dispatch.catalog import GridCatalog
from dispatch.clock import to_local
from dispatch.intake import CATEGORIES, confident_guess
from dispatch.reports import MyCase
from handlers.i18n import t
from handlers.keyboards import location_keyboard
from storage.models import Case

CATEGORY_ICONS = {"burning": "🔥", "fireworks": "🎆", "dust": "🌫", "other": "📝"}


def category_label(lang: str, category: str | None) -> str:
    """`🔥 焚烧` style label of a category."""
    if not category:
        return t(lang, "category.unknown")
    return f"{CATEGORY_ICONS.get(category, '')} {t(lang, f'category.{category}')}".strip()


def state_label(lang: str, state: str) -> str:
    """A case state in words."""
    return t(lang, f"state.{state}")


def bound(draft_id: int, data: dict[str, Any]) -> str:
    """What a draft's buttons are bound to: `<row id>.<the draft's key>` (see
    `intake.new_draft`); drafts begun before keys existed are bound by their id alone."""
    key = data.get("key")
    return f"{draft_id}.{key}" if key else str(draft_id)


def button(text: str, bound_to: str, action: str) -> InlineKeyboardButton:
    """An inline button bound to one draft: `rp:<bound>:<action>` (≤ 64 bytes)."""
    return InlineKeyboardButton(text, callback_data=f"rp:{bound_to}:{action}")


def review_button(lang: str, draft_id: int, data: dict[str, Any]) -> InlineKeyboardMarkup:
    """One button that shows the summary as it is now (an album's pictures keep arriving
    after its first one is answered, so a summary shown then would miss them)."""
    return InlineKeyboardMarkup([[button(t(lang, "intake.review"), bound(draft_id, data),
                                         "edit:back")]])


def grid_name(catalog: GridCatalog, code: str | None) -> str | None:
    """Display name of a grid code."""
    node = catalog.router.by_code(code) if code else None
    return node.name if node else None


def question(lang: str, draft_id: int, data: dict[str, Any], step: str,
             catalog: GridCatalog) -> tuple[str, Any]:
    """Text and keyboard asking for the `step` the draft needs next."""
    to = bound(draft_id, data)
    if step == "category":
        guess = data.get("category")
        confident = confident_guess(data) is not None
        others = [c for c in CATEGORIES if c != guess] if confident else list(CATEGORIES)
        rows = []
        if confident:
            rows.append([button(t(lang, "intake.yes_category", label=category_label(lang, guess)),
                                to, f"cat:{guess}")])
        buttons = [button(category_label(lang, c), to, f"cat:{c}") for c in others]
        rows.extend(buttons[i:i + 2] for i in range(0, len(buttons), 2))
        text = (t(lang, "intake.confirm_category", label=category_label(lang, guess))
                if confident else t(lang, "intake.ask_category"))
        return text, InlineKeyboardMarkup(rows)
    if step == "place_confirm":
        name = grid_name(catalog, data.get("grid_code")) or data.get("grid_code")
        place = data.get("address_text")
        key = "intake.confirm_place" if place and place != name else "intake.confirm_area"
        return (t(lang, key, place=place, grid=name),
                InlineKeyboardMarkup([[button(t(lang, "intake.place_yes"), to, "place:yes"),
                                       button(_place_no(lang, data, catalog), to, "place:no")]]))
    if step == "location":
        return t(lang, "intake.ask_location"), location_keyboard(lang)
    return summary(lang, draft_id, data, catalog)


def _place_no(lang: str, data: dict[str, Any], catalog: GridCatalog) -> str:
    """The no to "是在X吗?": back to the grid confirmed before (a poster's), or send a
    location."""
    before = (data.get("grid_before") or {}).get("grid_code")
    if before:
        return t(lang, "intake.place_no_back", grid=grid_name(catalog, before) or before)
    return t(lang, "intake.place_no")


def where(lang: str, data: dict[str, Any], catalog: GridCatalog) -> str:
    """Where the report is, in words."""
    name = grid_name(catalog, data.get("grid_code"))
    if data.get("outside"):
        return t(lang, "intake.where_outside", desk=name or t(lang, "intake.duty_desk"))
    address = data.get("address_text")
    parts = [p for p in (address if address != name else None, name) if p]
    if data.get("latitude") is not None:
        parts.append(f"📍{data['latitude']:.5f}, {data['longitude']:.5f}")
    return " · ".join(parts) if parts else t(lang, "intake.where_unknown")


def details(lang: str, data: dict[str, Any], catalog: GridCatalog) -> str:
    """What the report says: type, place, description, photos, contact."""
    contact = t(lang, "intake.contact_yes" if data.get("allow_contact") else "intake.contact_no")
    return t(lang, "intake.details", category=category_label(lang, data.get("category")),
             where=where(lang, data, catalog), text=data.get("text") or "—",
             photos=len(data.get("photos", [])), contact=contact)


def summary(lang: str, draft_id: int, data: dict[str, Any],
            catalog: GridCatalog) -> tuple[str, InlineKeyboardMarkup]:
    """The summary with 提交 / 修改 / 取消 and the contact toggle."""
    text = t(lang, "intake.summary", details=details(lang, data, catalog))
    toggle = t(lang, "intake.toggle_contact_off" if data.get("allow_contact")
               else "intake.toggle_contact_on")
    to = bound(draft_id, data)
    keyboard = InlineKeyboardMarkup([
        [button(t(lang, "intake.submit"), to, "submit")],
        [button(t(lang, "intake.edit"), to, "edit"),
         button(t(lang, "intake.cancel"), to, "cancel")],
        [button(toggle, to, "contact")],
    ])
    return text, keyboard


def edit_menu(lang: str, bound_to: str) -> InlineKeyboardMarkup:
    """Which part to change."""
    return InlineKeyboardMarkup([
        [button(t(lang, "intake.edit_category"), bound_to, "edit:cat"),
         button(t(lang, "intake.edit_location"), bound_to, "edit:loc")],
        [button(t(lang, "intake.edit_more"), bound_to, "edit:more"),
         button(t(lang, "intake.back"), bound_to, "edit:back")],
    ])


def submitted(lang: str, case: Case, data: dict[str, Any], catalog: GridCatalog,
              merged: bool = False, again: bool = False) -> str:
    """The receipt: the case number, what happens next, and what was reported. `again`:
    merged into a case the resident had reported already (not "someone else nearby")."""
    grid = catalog.router.get(case.grid_id)
    name = grid.name if grid else t(lang, "intake.duty_desk")
    if merged:
        key = "intake.submitted_again" if again else "intake.submitted_merged"
        text = t(lang, key, number=case.number, grid=name)
    elif data.get("outside") or to_duty_desk(catalog.router, case.grid_id):
        # No grid's patrol on duty is promised: the place is outside every grid, or known
        # only as an area no patrol below the top-level desk covers (a street without a chat).
        inside = grid is not None and grid.parent_id is not None and not data.get("outside")
        reason = t(lang, "intake.desk_area", grid=name) if inside else \
            t(lang, "intake.desk_outside")
        text = t(lang, "intake.submitted_desk", number=case.number, reason=reason)
    else:
        deadline = f"{to_local(case.on_site_deadline):%H:%M}" if case.on_site_deadline else "—"
        text = t(lang, "intake.submitted", number=case.number, deadline=deadline, grid=name)
    return f"{text}\n\n{details(lang, data, catalog)}"


def my_reports(lang: str, rows: list[MyCase], catalog: GridCatalog) -> str:
    """The cases the resident reported, the latest first."""
    if not rows:
        return t(lang, "my.none")
    lines = [t(lang, "my.title")]
    for row in rows:
        case = row.case
        grid = catalog.router.get(case.grid_id)
        line = t(lang, "my.line", number=case.number,
                 time=f"{to_local(row.last_at):%m-%d %H:%M}",
                 category=category_label(lang, case.category),
                 state=state_label(lang, case.state),
                 grid=grid.name if grid else "—",
                 times=t(lang, "my.times", times=row.times) if row.times > 1 else "")
        lines.append(line)
    return "\n".join(lines)
