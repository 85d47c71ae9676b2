"""Bot API methods other than sending/editing: updates, webhooks, files, commands, members."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.emulator import errors
from bot.emulator.files import MAX_DOWNLOAD_SIZE
from bot.emulator.params import UploadedFile
from bot.emulator.registry import api_method
from bot.emulator.state import EmulatorState, _Poller

Files = dict[str, UploadedFile]
Params = dict[str, Any]

_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def scope_key(scope: Any) -> str:
    """Key of a BotCommandScope: ``default``, ``chat:<id>``, ``chat_member:<chat>:<user>``..."""
    if not isinstance(scope, dict) or not scope.get("type"):
        return "default"
    parts = [str(scope["type"])]
    if "chat_id" in scope:
        parts.append(str(scope["chat_id"]))
    if "user_id" in scope:
        parts.append(str(scope["user_id"]))
    return ":".join(parts)


class MiscMethods(EmulatorState):
    """getMe, getUpdates, webhooks, getFile, commands, chat members, callback answers..."""

    @api_method("getMe")
    async def _get_me(self, p: Params, files: Files) -> Any:
        return dict(self.bot_user)

    @api_method("getUpdates")
    async def _get_updates(self, p: Params, files: Files) -> Any:
        if self.webhook is not None:
            raise errors.ApiError(409, errors.WEBHOOK_ACTIVE)
        offset = p.get("offset")
        self.confirm_updates(int(offset) if offset is not None else None)
        if p.get("allowed_updates") is not None:
            self.allowed_updates = list(p["allowed_updates"])
        limit = min(100, max(1, int(p.get("limit") or 100)))
        timeout = max(0.0, float(p.get("timeout") or 0))
        self.wake_pollers(conflict=True)  # a newer getUpdates terminates older ones
        poller = _Poller()
        self._pollers.add(poller)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poller.conflict:
                    raise errors.ApiError(409, errors.TERMINATED)
                found = self.eligible_updates(limit)
                remaining = deadline - loop.time()
                if found or remaining <= 0 or self.closing:
                    return found
                poller.wake.clear()
                try:
                    await asyncio.wait_for(poller.wake.wait(), remaining)
                except TimeoutError:
                    pass
        finally:
            self._pollers.discard(poller)

    @api_method("setWebhook")
    async def _set_webhook(self, p: Params, files: Files) -> Any:
        url = p.get("url") or ""
        if not url:
            return await self._delete_webhook(p, files)
        if not url.startswith(("http://", "https://")):
            raise errors.bad_request("Bad Request: bad webhook: Failed to resolve host")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if p.get("allowed_updates") is not None:
            self.allowed_updates = list(p["allowed_updates"])
        self.webhook = {
            "url": url,
            "secret_token": p.get("secret_token"),
            "max_connections": int(p.get("max_connections") or 40),
            "ip_address": p.get("ip_address"),
            "last_error_date": None,
            "last_error_message": None,
        }
        self.wake_pollers(conflict=True)
        self.start_webhook_worker()
        return True

    @api_method("deleteWebhook")
    async def _delete_webhook(self, p: Params, files: Files) -> Any:
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if self.webhook is not None:
            self.webhook = None
            await self.stop_webhook_worker()
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, p: Params, files: Files) -> Any:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook["last_error_date"]:
                info["last_error_date"] = self.webhook["last_error_date"]
                info["last_error_message"] = self.webhook["last_error_message"]
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    @api_method("getFile")
    async def _get_file(self, p: Params, files: Files) -> Any:
        stored = self.files.by_id.get(str(p.get("file_id") or ""))
        if stored is None:
            raise errors.bad_request(errors.INVALID_FILE_ID)
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise errors.bad_request(errors.FILE_TOO_BIG)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": self.files.path_for(stored),
        }

    @api_method("setMyCommands")
    async def _set_commands(self, p: Params, files: Files) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise errors.bad_request('Bad Request: parameter "commands" is required')
        for command in commands:
            name = str(command.get("command", ""))
            if (
                not name
                or len(name) > 32
                or not name.replace("_", "").isalnum()
                or name.lower() != name
            ):
                raise errors.bad_request("Bad Request: BOT_COMMAND_INVALID")
            if not command.get("description"):
                raise errors.bad_request("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        self.commands[key] = [dict(c) for c in commands]
        return True

    @api_method("getMyCommands")
    async def _get_commands(self, p: Params, files: Files) -> Any:
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        return self.commands.get(key, [])

    @api_method("deleteMyCommands")
    async def _delete_commands(self, p: Params, files: Files) -> Any:
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        self.commands.pop(key, None)
        return True

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user["id"]:
            user = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        elif user_id in self.users:
            user = self.users[user_id].to_dict()
        else:
            user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        status = self.members.get((chat_id, user_id))
        if status is None:
            chat = self.chats.get(chat_id)
            private_self = chat is not None and chat.type == "private" and chat_id == user_id
            status = "member" if private_self or user_id == self.bot_user["id"] else "left"
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member |= _ADMIN_RIGHTS
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    @api_method("getChatMember")
    async def _get_chat_member(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        return self._member(chat.id, int(p.get("user_id") or 0))

    @api_method("getChatAdministrators")
    async def _get_chat_admins(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        admins = [
            self._member(chat.id, user_id)
            for (chat_id, user_id), status in self.members.items()
            if chat_id == chat.id and status in ("administrator", "creator")
        ]
        return admins

    @api_method("getChatMemberCount")
    async def _get_chat_member_count(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        if chat.type == "private":
            return 2
        present = ("member", "administrator", "creator", "restricted")
        return 1 + sum(1 for (c, _), s in self.members.items() if c == chat.id and s in present)

    @api_method("getChat")
    async def _get_chat(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), True
        )
        gifts["gifts_from_channels"] = True
        return self.chat_dict(chat) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    @api_method("answerCallbackQuery")
    async def _answer_callback(self, p: Params, files: Files) -> Any:
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self.callback_queries or self._answers.get(query_id):
            raise errors.bad_request(errors.QUERY_TOO_OLD)
        answer = {k: v for k, v in p.items() if v is not None}
        self.record_answer(query_id, answer)
        return True

    @api_method("close", "logOut")
    async def _close(self, p: Params, files: Files, *, method: str = "") -> Any:
        return True

    @api_method(
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "setChatMenuButton",
        "setMyDefaultAdministratorRights",
    )
    async def _set_setting(self, p: Params, files: Files, *, method: str = "") -> Any:
        self.settings[method] = dict(p)
        return True

    @api_method("getMyDescription")
    async def _get_description(self, p: Params, files: Files) -> Any:
        return {"description": self.settings.get("setMyDescription", {}).get("description", "")}

    @api_method("getMyShortDescription")
    async def _get_short_description(self, p: Params, files: Files) -> Any:
        stored = self.settings.get("setMyShortDescription", {})
        return {"short_description": stored.get("short_description", "")}

    @api_method("getMyName")
    async def _get_name(self, p: Params, files: Files) -> Any:
        return {"name": self.settings.get("setMyName", {}).get("name", self.bot_user["first_name"])}

    @api_method("getChatMenuButton")
    async def _get_menu_button(self, p: Params, files: Files) -> Any:
        return self.settings.get("setChatMenuButton", {}).get("menu_button", {"type": "commands"})

    # Provided by the server class.
    closing: bool = False

    def start_webhook_worker(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    async def stop_webhook_worker(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
