"""The timing probe of bench/bulletin_fanout.py: ``Probe`` splits the time of a bulletin's sending
into sending, building messages and watermarking photos, and counts the SQL queries, from every
thread. A helper module (not a bench), imported like ``_common``.
"""

import threading
import time


class Probe:
    """Wraps the module-level functions the sender looks up at call time, to split the time:
    sending as a whole, building messages, watermarking photos; and counts SQL queries. In inline
    mode messages are built in a second thread, ahead of sending: their time overlaps it."""

    def __init__(self):
        from bulletins import content, outbox

        # The module each function is looked up in when it is called.
        self.homes = {"send_deliveries": outbox, "build_message": content, "mark_photo": content}
        self.originals = {name: getattr(module, name) for name, module in self.homes.items()}
        self.seconds = dict.fromkeys(self.originals, 0.0)
        self.calls = dict.fromkeys(self.originals, 0)
        self.queries = 0

    def _timed(self, name):
        original = self.originals[name]

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        return wrapper

    def _count_query(self, execute, sql, params, many, context):
        with self.lock:
            self.queries += 1
        return execute(sql, params, many, context)

    def _count_on(self, sender=None, connection=None, **kwargs):
        # A connection opened during the run in another thread (the sender records rows as
        # sent in one): its queries count too.
        connection.execute_wrappers.append(self._count_query)

    def __enter__(self):
        from django.db import connection
        from django.db.backends.signals import connection_created

        for name in self.originals:
            setattr(self.homes[name], name, self._timed(name))
        self.lock = threading.Lock()
        self._wrapper = connection.execute_wrapper(self._count_query)
        self._wrapper.__enter__()
        connection_created.connect(self._count_on)
        return self

    def __exit__(self, *exc):
        from django.db.backends.signals import connection_created

        connection_created.disconnect(self._count_on)
        self._wrapper.__exit__(*exc)
        for name, original in self.originals.items():
            setattr(self.homes[name], name, original)
