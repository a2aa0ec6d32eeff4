"""Helpers the tests share, imported as ``tests.support.<module>``.

``conftest.py`` keeps only pytest's hooks and fixtures, which pytest finds by
itself; what a test imports by name lives here, as a plain module: ``paths``
(the repository, the corpus and the gold data), ``teams`` (a stand-in Bot
Connector), ``login`` (Microsoft's sign-in behind an egress proxy), ``redis`` (a real
redis-server) and ``telegram`` (a stand-in Bot API).
"""
