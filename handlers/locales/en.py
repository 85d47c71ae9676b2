"""English, for users whose Telegram language is English."""

MESSAGES: dict[str, str] = {
    "start.hello": "Hello {name}!",
    "start.hello_anonymous": "Hello!",
    "start.welcome": (
        "{hello} This is Lantian (蓝天), the bot for reporting air pollution to your "
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
        "📢 /subscribe ban notices for your area (/unsubscribe to stop)\n"
        "🌐 /lang switches language (中文 / English)\n\n"
        "We tell you who took the case, when they arrived and the outcome. Anonymous by default."
    ),
    "help.next": "How a report is handled ▶",
    "help.back": "◀ Back",
    "help.private_2": (
        "How a report is handled\n\n"
        "1️⃣ Send photos (up to {photos}), the place and a sentence, in any order; I ask for "
        "what is missing. For the place tap \"📍 Send my location\" or name the estate or "
        "crossing.\n"
        "2️⃣ Check the type and the place, tap Submit, and you get a report number at once.\n"
        "3️⃣ The case goes straight to the patrol on duty in that grid: on site within "
        "{workday} minutes on workdays, {offhours} minutes at night and on days off.\n"
        "4️⃣ You hear here when it is taken, when they arrive and the outcome; /my shows it "
        "any time.\n\n"
        "🔒 Anonymous by default: patrols and officials do not see who you are. Only if you "
        "tap \"Allow contact\" on the summary can the patrol see your name and contact "
        "you.\n"
        "⏳ A draft that is not submitted is cleared after {hours} hours."
    ),
    "help.group": (
        "Lantian commands for groups:\n"
        "/status cases and response times of your area\n"
        "/overdue overdue cases\n"
        "/bulletin monthly bulletin · /export figures as a spreadsheet\n"
        "/duty who is on duty (patrol chats)\n"
        "To report, message me privately: @{bot_username}"
    ),
    "lang.choose": "请选择语言 / Choose your language:",
    "lang.set": "Language set to English.",
    "fallback.private": "Sorry, I did not understand that. To report, send /report, or just a photo, a location or a description; /help shows how.",
    "fallback.unsupported": "Sorry, I cannot handle this kind of message ({kind}) yet. Please send a photo, a location or a description; /help shows how.",
    "update.handled_before": "I received and handled this message before; no need to send it again.",
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
    "menu.export": "Export figures",
    "menu.bulletin": "Monthly bulletin",
    'menu.checkin': 'Start my shift (patrol)',
    'menu.checkout': 'End my shift (patrol)',
    'menu.duty': 'Who is on duty, my shifts',
    'menu.subscribe': 'Get ban notices for my area',
    'menu.unsubscribe': 'Stop ban notices',
    'fallback.unknown_command': 'Sorry, there is no such command. Send /help to see what I can do.',
    'button.invalid': 'This button no longer works. Send /help to see how to use the bot.',
    'flood.slow_down': 'You are sending very fast; please wait {seconds} seconds. Everything received before this is saved; messages sent in the meantime are not processed, so please send them again afterwards.',
    'category.burning': 'Open burning',
    'category.fireworks': 'Fireworks',
    'category.dust': 'Dust',
    'category.other': 'Other',
    'category.unknown': 'not chosen',
    'state.new': 'received',
    'state.dispatched': 'waiting for a patrol',
    'state.acked': 'being handled',
    'state.on_site': 'patrol on site',
    'state.resolved': 'resolved',
    'state.unfounded': 'could not be verified',
    'state.reopened': 'reopened',
    'kind.sticker': 'sticker',
    'kind.voice': 'voice message',
    'kind.video': 'video',
    'kind.video_note': 'video message',
    'kind.audio': 'audio',
    'kind.animation': 'GIF',
    'kind.contact': 'contact',
    'kind.poll': 'poll',
    'kind.dice': 'dice',
    'kind.document': 'file',
    'kind.game': 'game',
    'kind.story': 'story',
    'kind.other': 'this kind of message',
    'intake.begin': 'Tell me what you see — a photo, your location and a sentence, in any order:\n📷 photos of the scene (up to 5)\n📍 location: tap the button below, or name the place (estate, crossing, village)\n✍️ one sentence, e.g. "someone is burning garbage behind Baima estate"',
    'intake.share_location': '📍 Send my location',
    'intake.ask_category': 'What kind of problem is it?',
    'intake.confirm_category': 'This looks like "{label}". Is that right?',
    'intake.yes_category': '✅ Yes, {label}',
    'intake.confirm_place': 'The place "{place}" — is it in {grid}?',
    'intake.confirm_area': 'Is the place in {grid}?',
    'intake.place_yes': '✅ Yes',
    'intake.place_no': "No, I'll send my location",
    'intake.place_no_back': 'No, keep {grid}',
    'intake.ask_location': 'Please send the location: tap "📍 Send my location" below, or choose Location under 📎; you can also type the place (estate, crossing, village).',
    'intake.location_ok': '📍 Location received: {grid}.',
    'intake.location_outside': '📍 This place is outside our grids; the report will go to the {desk} duty desk.',
    'intake.bad_point': 'That location does not look right (0,0 or out of range). Please send your current location again.',
    'intake.where_outside': 'outside the grids, to the {desk} duty desk',
    'intake.where_unknown': 'not given',
    'intake.duty_desk': 'central',
    'intake.summary': 'Please check your report:\n{details}\n\nTap Submit when it is right.',
    'intake.details': 'Type: {category}\nPlace: {where}\nDescription: {text}\nPhotos: {photos}\nContact: {contact}',
    'intake.point_decides': '📍 The location you shared decides the place ({grid}). If it is wrong, send your location again, or tap ✏️ Change → Place on the summary.',
    'intake.text_noted': '✍️ Description noted.',
    'intake.contact_yes': 'the patrol may contact me',
    'intake.contact_no': 'anonymous (the patrol does not see who you are)',
    'intake.toggle_contact_on': '☐ Allow contact',
    'intake.toggle_contact_off': '☑ Allow contact',
    'intake.submit': '✅ Submit',
    'intake.edit': '✏️ Change',
    'intake.cancel': '❌ Cancel',
    'intake.edit_category': 'Type',
    'intake.edit_location': 'Place',
    'intake.edit_more': 'Add photos or text',
    'intake.back': 'Back',
    'intake.send_more': 'Just send the photos or text to add; I will show the summary again.',
    'intake.submitted': '✅ Report received, number {number}.\nIt went to the patrol on duty in {grid}, who must be on site by {deadline}. You will hear here when it is taken, when they arrive and the outcome; /my shows your reports. Thank you for keeping the sky blue!',
    'intake.submitted_merged': '✅ Report received. Someone nearby reported the same thing; yours joined case {number} ({grid}) and you will hear the outcome too. /my shows your reports. Thank you for keeping the sky blue!',
    'intake.submitted_again': '✅ Report received. You reported the same thing here before; this report was added to case {number} ({grid}) and you will hear the outcome. /my shows your reports. Thank you for keeping the sky blue!',
    'intake.submitted_desk': '✅ Report received, number {number}.\n{reason}, so it went to the duty desk to check. You will hear here how it goes and the outcome; /my shows your reports. Thank you for keeping the sky blue!',
    'intake.desk_outside': 'The place is outside our grids',
    'intake.desk_area': 'The place is in {grid} but in no particular grid',
    'intake.thanks_short': 'Submitted, thank you!',
    'intake.cancelled': 'Report cancelled. Send /report whenever you need.',
    'intake.nothing': 'You have no report in progress. Send /report to start one.',
    'intake.unfinished': 'You have a report that is not submitted yet. Continue it or start again?',
    'intake.start_unfinished': '📝 You have a report that is not submitted yet: just go on sending photos, your location or text, or send /report to continue it or start again.',
    'intake.unfinished_words': '(The words after /report are not noted yet: please send them again after choosing.)',
    'intake.resume': 'Continue',
    'intake.restart': 'Start again',
    'intake.previous_expired': '(Your previous draft was not submitted in time and has been cleared.)',
    'intake.draft_gone': 'This report was already submitted, cancelled or has expired. Send /report to report again.',
    'intake.unknown_link': 'The grid of this QR code does not exist (any more). Please send your location when you report.',
    'intake.link_grid': 'Grid selected: {grid}. Please send a photo or a sentence about what you see.',
    'intake.link_continues': 'Continuing your unfinished report; its grid is now {grid}, from the poster.',
    'intake.link_kept_point': 'Your unfinished report already has the location you shared ({where}), which is more precise than the poster, so {grid} was not used.',
    'intake.emoji_only': 'Got it 🙂 Please describe what you see in words, or send a photo or your location.',
    'intake.pick_kind': 'Please pick the kind with the buttons below.',
    'intake.use_buttons': 'Please use the buttons below: Submit, Change or Cancel.',
    'intake.typed_command': '"{word}" was not added to the description. Please go on as asked below; to drop this report, send /cancel.',
    'intake.text_truncated': 'Descriptions are limited to {limit} characters in total; the rest was not kept.',
    'intake.photo_ok': '📷 Photo received ({count}/{limit}).',
    'intake.album_review': 'When all the photos are sent, tap the button below to see the summary.',
    'intake.review': '📋 See the summary',
    'intake.album_ok': '📷 Album received (up to {limit} photos per report).',
    'intake.photo_duplicate': 'I already have this photo.',
    'intake.too_many_photos': 'At most {limit} photos per report; the extra ones were not kept.',
    'intake.file_too_big': 'The file is too big (over {mb} MB) and was not kept. Please send a photo, or a smaller file.',
    'intake.not_an_image': 'Only pictures are kept as evidence; this file was not. Please send a photo.',
    'intake.edited': 'Edited messages do not change the report. To add something, just send another message.',
    'intake.forwarded': 'Forwarded messages cannot be reports. Please send what you saw yourself (photo, location or text).',
    'my.none': 'You have no reports yet. When you see pollution, send /report.',
    'my.title': 'My reports (the latest 10 cases):',
    'my.line': '• {number} {time} {category} — {state} ({grid}{times})',
    'my.times': ', you reported it {times} times',
    'intake.expired_note': 'Your draft report was not submitted within {hours} hours and has been cleared. Send /report to start again.',
    'group.added': "Hello! I am Lantian, the patrol bot. This group's id is {chat_id}.\nAn admin can set it as a grid's patrol chat (patrol_chat_id) or officials' chat (official_chat_ids) in the grids file, or send /bind <grid code> here to bind it as an officials' chat. Residents report privately to @{bot_username}.",
}
