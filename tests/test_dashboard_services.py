"""The dashboard's per-process services: the store opened once, on first use, in any order."""

from __future__ import annotations

import threading

from dashboard.services import Services
from mapper.stores.sqlite import SQLiteStore


def test_the_analytics_first_opens_the_store_without_waiting_on_itself(tmp_path):
    opened = []

    def factory():
        opened.append(1)
        return SQLiteStore(tmp_path / "s.db")

    services = Services(factory)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (services.analytics, done.set()), daemon=True)
    worker.start()
    # A lock taken twice would hang here for ever; ten seconds is only the test's patience.
    assert done.wait(10), "asking for the analytics before the store never returned"
    assert services.analytics is services.analytics and opened == [1]
    services.store.close()
