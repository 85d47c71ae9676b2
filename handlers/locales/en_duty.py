"""English: patrol check-ins (/checkin /checkout /duty) and residents' notices
(/subscribe /unsubscribe).

Reminder texts sent by the scheduler are templates in ``[reminders.texts.en]``
(defaults: schedules/default_reminders.toml), not here.
"""

MESSAGES: dict[str, str] = {
    # /checkin, /checkout
    "checkin.not_member": (
        "This command is for grid patrol members, and you are not on the roster. "
        "To report pollution, just send a photo, a location or a description."
    ),
    "checkin.private_only": "Check in, check out and see the duty roster in a private chat: "
                            "@{bot_username}",
    "checkin.ask_location": "Tap the button below to send your location and start your shift "
                            "(sharing a live location works too).",
    "checkin.button": "📍 Send location to check in",
    "checkin.already": "You checked in at {time} in {grid} already. Send /checkout when your "
                       "shift ends.",
    "checkin.done": "✅ Checked in: {grid}, {time}. Send /checkout when your shift ends.",
    "checkin.bad_point": "That location does not look right. Please tap the button and send "
                         "your location again.",
    "checkin.checkout_none": "You have no shift in progress. Send /checkin when you start one.",
    "checkin.checkout_done": "👋 Checked out: {grid}, {start}–{end} ({duration}). Thank you!",
    "checkin.duration": "{hours} h {minutes} min",
    # /duty
    "duty.header": "👮 On duty now ({time})",
    "duty.all_hands": "🚨 High-level window {window}: every patrol member is on duty.",
    "duty.grid_line": "• {grid}: {names}",
    "duty.leader_line": "• {grid}: nobody rostered, {names} in charge",
    "duty.nobody_line": "• {grid}: nobody on duty",
    "duty.mine": "📅 My shifts",
    "duty.shift_line": "• {grid}: {shifts}",
    "duty.on_call": "on call at any time",
    "duty.next": "⏭ Next: {items}",
    "duty.no_next": "⏭ No shifts in the next two weeks.",
    "duty.status_in": "✅ You checked in at {time} in {grid}.",
    "duty.status_out": "You are not checked in. Send /checkin when your shift starts.",
    "duty.no_grid": "This group is not a grid's patrol chat. See your own duty in a private chat: "
                    "@{bot_username}",
    "duty.sep": ", ",
    # /subscribe, /unsubscribe
    "subscribe.done": (
        "✅ Subscribed to the fireworks and burning ban notices of {grid}. I will tell you "
        "before sensitive periods such as New Year's Eve and Qingming. Send /unsubscribe to stop."
    ),
    "subscribe.already": "You already receive the notices of {grid}. Send /unsubscribe to stop.",
    "subscribe.ask_location": "Send your location (tap the button below) and I will subscribe "
                              "you to the ban notices of your grid.",
    "subscribe.button": "📍 Send my location",
    "subscribe.outside": "That location is outside the grids this service covers, so I could "
                         "not subscribe you.",
    "subscribe.bad_point": "That location does not look right. Please tap the button and send "
                           "it again.",
    "subscribe.unknown_link": "This subscription link is not valid (the grid may have changed). "
                              "Send /subscribe to subscribe by location.",
    "subscribe.private_only": "Subscribe to notices in a private chat: @{bot_username}",
    "subscribe.none": "You have no subscriptions. Send /subscribe to get the ban notices.",
    "subscribe.removed": "Unsubscribed from the notices of {grids}.",
    "subscribe.choose": "You receive the notices of these grids. Which should stop?",
    "subscribe.all_button": "Unsubscribe from all",
    "subscribe.stale": "This button has expired. Please send /unsubscribe again.",
    "subscribe.sep": ", ",
}
