"""What callbacks read through: the one store of the process and its cached analytics.

Every page, callback, export and API answer takes its campaign from :meth:`Services.campaign`
(the ones a user may pick from :meth:`Services.campaigns`): the campaigns of the store that
the request's user works on (:func:`mapper.roles.sees_campaign`). One outside them is
answered as one the store does not hold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import current_app, g, has_request_context

from mapper.analytics.apart import Apart
from mapper.roles import campaigns_for
from mapper.stores.base import Store

__all__ = ["Services", "services", "EXTENSION", "acting_user"]

EXTENSION = "collective_mapper"


class Services:
    """Opens the store on first use (never at import), once per process, and shares it."""

    def __init__(self, store_factory: Callable[[], Store], apart: Apart | None = None) -> None:
        self._factory = store_factory
        #: Where whole-graph answers are computed (:class:`mapper.analytics.apart.Apart`: a
        #: child process), or None (in this process).
        self.apart = apart
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._analytics: Any = None
        self._refresher: Any = None

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = self._factory()
        return self._store

    @property
    def analytics(self) -> Any:
        """``mapper.analytics.cached.Analytics`` over the store (results cached by store version).

        Its answers are shared by every reader: besides the graph, they hold only the actions
        that are the campaign's plan (:class:`mapper.analytics.texts.WithCampaignTexts`).
        Whole-graph answers are kept in the store and refreshed by a background thread
        (:class:`mapper.analytics.stored.Refresher`) after a write makes them stale; with
        :attr:`apart`, computed in a child process.
        """
        if self._analytics is None:
            from mapper.analytics.cached import Analytics
            from mapper.analytics.stored import Refresher, busy_lag_bound, refresh_enabled
            from mapper.analytics.texts import WithCampaignTexts

            store = self.store  # before the lock: opening the store takes it too
            with self._lock:
                if self._analytics is None:
                    texts = WithCampaignTexts(store)
                    analytics = Analytics(texts, answers=store)
                    analytics.apart = self.apart
                    analytics.on_let_go = _let_go_of_lists
                    if refresh_enabled():
                        busy_lag = busy_lag_bound()  # (a bad setting fails before a thread)
                        self._refresher = Refresher(analytics, apart=self.apart).start()
                        analytics.on_stale = self._refresher.nudge
                        analytics.refreshing = self._refresher.running
                        analytics.busy_lag = busy_lag
                        # The Ready list's kept ranking too: served as old as a whole-graph
                        # answer while the refresher ranks it again, not ranked whole in a
                        # page (at a million people, 20 s and gigabytes in each worker).
                        texts.lag = analytics.bound
                    self._analytics = analytics
        return self._analytics

    def campaigns(self) -> list[str]:
        """The store's campaigns the request's user works on (outside a request, as a
        background refresh runs: all of them; a request with no user: none)."""
        held = self.store.campaigns()
        if not has_request_context():
            return held
        user = acting_user()
        return campaigns_for(user, held) if user is not None else []

    def campaign(self, chosen: str | None) -> str | None:
        """The campaign to show: the one chosen if the store holds it (and the user works on
        it), else the first one."""
        campaigns = self.campaigns()
        if chosen in campaigns:
            return chosen
        return campaigns[0] if campaigns else None

    def close(self) -> None:
        if self._refresher is not None:
            self._refresher.stop()
        if self._store is not None:
            self._store.close()


def _let_go_of_lists() -> None:
    from dashboard.listing import let_go_of_lists

    let_go_of_lists()


def acting_user() -> Any:
    """Who acts in this request: an API token's user, else the signed-in user; None before
    sign-in."""
    from flask_login import current_user

    user = g.get("api_user")
    if user is None and current_user:
        user = current_user._get_current_object()
    return user if getattr(user, "is_authenticated", False) else None


def services() -> Services:
    """The services of the app handling the current request."""
    return current_app.extensions[EXTENSION]
