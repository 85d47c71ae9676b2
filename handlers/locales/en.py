"""English, for users whose Telegram language is English."""

MESSAGES: dict[str, str] = {
    "start.welcome": (
        "Hello {name}! This is Lantian (蓝天), the bot for reporting air pollution to your "
        "neighbourhood patrol.\n\n"
        "Seen open burning (straw, garbage, ritual paper, smoking meat), fireworks or dust "
        "(building sites, muck trucks, bare soil)? Just send me a photo, your location or a "
        "sentence and the patrol on duty gets it within a minute.\n\n"
        "Reports are anonymous by default. Send /help to see everything I can do."
    ),
    "help.private": (
        "What Lantian can do\n\n"
        "📣 Report: send /report, or just send a photo, a location or a description.\n"
        "📋 /my shows your reports and their progress\n"
        "❌ /cancel drops the report you are writing\n"
        "🌐 /lang switches language (中文 / English)\n\n"
        "We tell you who took the case, when they arrived and the outcome. Anonymous by default."
    ),
    "help.group": (
        "Lantian commands for groups:\n"
        "/status cases and response times of your area\n"
        "/overdue overdue cases\n"
        "To report, message me privately: @{bot_username}"
    ),
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.set": "Language set to English.",
    "fallback.private": "Sorry, I did not understand that. To report, send /report, or just a photo, a location or a description; /help shows how.",
    "fallback.unsupported": "Sorry, I cannot handle this kind of message ({kind}) yet. Please send a photo, a location or a description; /help shows how.",
    "error.generic": "Sorry, something went wrong on our side; nothing you sent was lost. Please try again in a moment, or send /help.",
    "command.private_only": "Please use this command in a private chat with me: @{bot_username}",
    "command.group_only": "This command works only in an officials' group bound to a grid.",
    "menu.report": "Report pollution",
    "menu.my": "My reports",
    "menu.cancel": "Drop the current report",
    "menu.lang": "Switch language",
    "menu.help": "Help",
    "menu.status": "Cases and response times",
    "menu.overdue": "Overdue cases",
    "menu.bind": "Bind this group to a grid (admins)",
    "menu.unbind": "Unbind this group (admins)",
    "menu.export": "Export figures (admins)",
    "menu.bulletin": "Monthly bulletin",
}
