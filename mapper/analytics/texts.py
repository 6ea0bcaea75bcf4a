"""The words views name (an action, an assignment), read from the stored records, never the graph."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

from mapper.analytics.readiness import shared_actions
from mapper.analytics.status import present
from mapper.snapshot import ConversationText, Snapshot, with_texts
from mapper.stores.base import KEPT_WORDS

__all__ = ["TextSource", "read_texts", "campaign_texts", "fill_texts", "WithCampaignTexts",
           "USES_TEXTS"]

#: The analytics that name an action or an assignment when the snapshot holds its words.
USES_TEXTS = frozenset({"ask_queue", "ladder", "follow_ups"})

#: What views read: the words a store keeps apart from the rest of a 1-on-1.
_FIELDS = KEPT_WORDS


class TextSource(Protocol):
    """What reading the words needs from a store (:meth:`mapper.stores.base.Store.conversation_texts`)."""

    def conversation_texts(self, campaign: str, ids: Iterable[str] | None = None,
                           fields: Any = ...) -> dict[str, dict[str, Any]]: ...


class StoreWithTexts(TextSource, Protocol):
    def version(self) -> Hashable: ...

    def snapshot(self, campaign: str) -> Snapshot: ...


def read_texts(store: TextSource, campaign: str,
               ids: Iterable[str] | None = None) -> dict[str, ConversationText]:
    """The words of the actions and assignments of a campaign's conversations (of ``ids``
    only, when given), by conversation id: personal, for a reader the role rules allow."""
    found = store.conversation_texts(campaign, ids, fields=_FIELDS)
    return {cid: ConversationText(f.get("ask.action"), f.get("follow_up.assignment"))
            for cid, f in found.items() if f}


def campaign_texts(snapshot: Snapshot, store: TextSource) -> Snapshot:
    """The snapshot with the words that are the campaign's rather than one person's beside it.

    An action enough people said yes to (:data:`~mapper.analytics.readiness.MIN_SHARED_ACTION`)
    is the campaign's plan, and the ask queue suggests it to anyone; every other word (a
    single worker's action, any assignment) is left out: what everyone who sees the lists may
    read, whoever held the conversations.

    >>> from mapper.analytics.examples import CampaignBuilder
    >>> b = CampaignBuilder("c")
    >>> for name in ("Ana", "Ben", "Cy"):
    ...     _ = b.talk(name, "2026-11-01", response="yes", action="sign the petition")
    >>> _ = b.talk("Dee", "2026-11-02", response="yes", action="tell my story to the board")
    >>> class Records:
    ...     def conversation_texts(self, campaign, ids=None, fields=()):
    ...         return {i: {"ask.action": t.action} for i, t in b.snapshot().texts.items()}
    >>> sorted(set(t.action for t in campaign_texts(b.snapshot(texts=False), Records()).texts.values()))
    ['sign the petition']
    """
    asked = [c.id for c in snapshot.conversations
             if c.commitment is not None and c.commitment.has_action]
    if not asked:
        return snapshot
    actions = {cid: ConversationText(t.action) for cid, t in read_texts(store, snapshot.campaign,
                                                                         asked).items()
               if t.action}
    # (Counted among the people still in the workplace, as the read model and the ask
    # queue count them: those who left leave every headcount.)
    shared = shared_actions(with_texts(present(snapshot), actions))
    return with_texts(snapshot, {cid: t for cid, t in actions.items() if t.action in shared})


def fill_texts(snapshot: Snapshot, store: TextSource) -> Snapshot:
    """The snapshot with every word of its actions and assignments beside it: for a reader who
    may see all of them (an admin, the command line on the store's own machine)."""
    return with_texts(snapshot, read_texts(store, snapshot.campaign))


class WithCampaignTexts:
    """A store seen by :class:`~mapper.analytics.cached.Analytics` with the campaign's words in
    its snapshots (:func:`campaign_texts`): the dashboard's shared read model, whose answers
    every reader shares, so it holds no one's own words.

    >>> from mapper.analytics.examples import example_snapshot
    >>> class Store:
    ...     def version(self): return 1
    ...     def snapshot(self, campaign): return example_snapshot()
    ...     def conversation_texts(self, campaign, ids=None, fields=()): return {}
    >>> WithCampaignTexts(Store()).snapshot("st-lukes").texts
    {}
    """

    #: Its answers hold the campaign's shared words only: they may be stored for every reader
    #: (:data:`mapper.analytics.cached.STORED_TEXTS`).
    shared_words = True

    def __init__(self, store: StoreWithTexts) -> None:
        self.store = store
        #: How old a kept list ranking may be served, in seconds, asked each time (a server's
        #: :meth:`~mapper.analytics.cached.Analytics.bound`: longer while its refresher is at
        #: work); None: the store's own bound.
        self.lag: Callable[[], float] | None = None

    def version(self) -> Hashable:
        return self.store.version()

    #: The answers the store keeps in its read model (:mod:`mapper.readmodel`) that hold no
    #: words (counts, names, units, decision makers), passed through as the store gives them:
    #: one missing here was answered from a whole snapshot, without a word (the power
    #: rankings, after every write: 50 s and 1.2 GB in each worker at a million people).
    WORD_FREE = frozenset({"structure", "overview", "my_list", "took_action", "power_ranking",
                           "people_angry_about"})

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in WithCampaignTexts.WORD_FREE:
            raise AttributeError(name)
        kept = getattr(self.store, name, None)
        return lambda campaign, **options: None if kept is None else kept(campaign, **options)

    def follow_ups(self, campaign: str, **options: Any) -> dict[str, Any] | None:
        kept = getattr(self.store, "follow_ups", None)
        if "texts" not in options:  # (given as None: no words wanted)
            options["texts"] = self._shared_words(campaign)
        return None if kept is None else kept(campaign, **options)

    def ask_queue(self, campaign: str, **options: Any) -> list[dict[str, Any]] | None:
        kept = getattr(self.store, "ask_queue", None)
        return None if kept is None else kept(campaign, texts=self._shared_words(campaign),
                                              **options)

    def ladder(self, campaign: str, **options: Any) -> list[dict[str, Any]] | None:
        kept = getattr(self.store, "ladder", None)
        return None if kept is None else kept(campaign, texts=self._shared_words(campaign),
                                              **options)

    def kept_list_ranking(self, campaign: str, **options: Any) -> Any:
        """The store's kept ranking for a list (the Ready list), its entries with the
        campaign's words: kept as the one for every word (``words="every"``: what a ranking
        keeps of words is its shared actions and plans, the same counted from every word as
        from the shared ones, and so the background refresher keeps it current), then narrowed
        to the shared actions (:meth:`~mapper.readmodel.AskRanking.shared_words`)."""
        kept = getattr(self.store, "kept_list_ranking", None)
        if kept is None:
            return None
        if self.lag is not None:
            options.setdefault("lag", self.lag())
        ranking = kept(campaign, texts=lambda ids: read_texts(self.store, campaign, ids),
                       words="every", **options)
        return None if ranking is None else ranking.shared_words()

    def kept_list_head(self, campaign: str, n: int, **options: Any) -> Any:
        """The first ``n`` of :meth:`kept_list_ranking`'s list (the store's
        ``kept_list_head``), with its ranking (narrowed as there) and how many it holds."""
        kept = getattr(self.store, "kept_list_head", None)
        if kept is None:
            return None
        if self.lag is not None:
            options.setdefault("lag", self.lag())
        found = kept(campaign, n, texts=lambda ids: read_texts(self.store, campaign, ids),
                     words="every", **options)
        return None if found is None else (found[0].shared_words(), *found[1:])

    def kept_list_counts(self, campaign: str, **options: Any) -> Any:
        """What the filters of :meth:`kept_list_ranking`'s list offer (the store's
        ``kept_list_counts``), with its ranking (its issues' names)."""
        kept = getattr(self.store, "kept_list_counts", None)
        if kept is None:
            return None
        if self.lag is not None:
            options.setdefault("lag", self.lag())
        return kept(campaign, texts=lambda ids: read_texts(self.store, campaign, ids),
                    words="every", **options)

    def ask_entries(self, campaign: str, ranking: Any, shown: list[str]) -> dict[str, Any]:
        return self.store.ask_entries(campaign, ranking, shown)

    def assignees(self, campaign: str) -> dict[str, str]:
        return self.store.assignees(campaign)

    def assignees_of(self, campaign: str, people: list[str]) -> dict[str, str]:
        return self.store.assignees_of(campaign, people)

    def _shared_words(self, campaign: str) -> Callable[[list[str]], dict[str, ConversationText]]:
        """Reads the words of the given 1-on-1s that are the campaign's: shared actions only
        (as :func:`campaign_texts` keeps them)."""
        shared: list[set[str] | None] = []

        def read(ids: list[str]) -> dict[str, ConversationText]:
            if not shared:
                shared.append(self.store.shared_actions(
                    campaign, lambda asked: read_texts(self.store, campaign, asked)) or set())
            return {cid: ConversationText(t.action) for cid, t in
                    read_texts(self.store, campaign, ids).items() if t.action in shared[0]}
        return read

    def snapshot(self, campaign: str) -> Snapshot:
        return campaign_texts(self.store.snapshot(campaign), self.store)
