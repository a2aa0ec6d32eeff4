"""The bot on Telegram: ``python -m bot telegram``.

``runner`` builds the python-telegram-bot Application from Settings and keeps
it receiving updates (long polling, or a webhook when one is configured);
``handlers`` turns updates into Conversation calls; ``render`` turns replies
into Telegram HTML; ``access`` decides who is answered and how often.
"""
