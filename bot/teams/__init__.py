"""The bot in Microsoft Teams, over the Bot Framework.

``server`` runs the HTTP endpoint, ``bot`` decides what to do with each
activity, ``render`` turns replies into Teams messages (citations, cards),
``feedback`` records thumbs up/down and ``package`` zips the Teams app.
"""
