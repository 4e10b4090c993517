"""Relationship level rules, as pure functions (no environment, no database)."""

from datetime import date, timedelta

LEVELS = ("potential", "prospect", "new", "active", "dormant")

#: The levels with their labels, for selection fields.
LEVEL_SELECTION = [
    ("potential", "Potential customer"),
    ("prospect", "Prospect (in contact)"),
    ("new", "New customer"),
    ("active", "Active customer"),
    ("dormant", "Dormant customer"),
]

#: Named groups of levels, for the capabilities that select partners or level changes by
#: what a level means rather than by its key (``res.partner._get_level_groups()``):
#: ``not_contacted`` no contact yet; ``contact`` in contact, not bought yet; ``buying``
#: expected to buy again (My day, the controls, the daily job); ``regular`` buying
#: regularly (the plans' active customers); ``dormant`` stopped buying (reactivation,
#: digests). A level added by a company joins the groups it belongs to.
LEVEL_GROUPS = {
    "not_contacted": ("potential",),
    "contact": ("prospect",),
    "buying": ("new", "active"),
    "regular": ("active",),
    "dormant": ("dormant",),
}

#: The level of a partner without any fact, and of a partner whose level is empty
#: (created while the addon was not loaded, or by SQL).
DEFAULT_LEVEL = "potential"

#: Company settings of the levels, when empty.
DEFAULT_PURCHASE_THRESHOLD = 2
DEFAULT_PURCHASE_INTERVAL_DAYS = 30
DEFAULT_DORMANT_TOLERANCE = 1.5

#: Largest accepted settings: a purchase interval of ten years, a tolerance of a hundred
#: intervals, a thousand purchases to buy regularly.
MAX_PURCHASE_INTERVAL_DAYS = 3650
MAX_DORMANT_TOLERANCE = 100
MAX_PURCHASE_THRESHOLD = 1000

#: Purchases dated before this day are typing errors (year 0001, 1900...): ignored.
PURCHASE_DATE_FLOOR = date(1970, 1, 1)

#: Purchases dated later than this many days after today (the company's day) are ignored;
#: one day of margin keeps an invoice dated by a user in a time zone ahead of the company's.
PURCHASE_DATE_MARGIN_DAYS = 1

#: Purchase days needed before a partner's own median gap is trusted.
MIN_PURCHASE_DAYS_FOR_OWN_INTERVAL = 3


def purchase_date_bounds(today):
    """(first, last) day a purchase may be dated to count, for ``today`` (the company's day)."""
    return PURCHASE_DATE_FLOOR, today + timedelta(days=PURCHASE_DATE_MARGIN_DAYS)


def next_purchase_date(last_purchase, interval_days):
    """The day the next purchase is expected: the last one plus the interval, at most
    the last day a date can hold (never an ``OverflowError``); None without purchase."""
    if not last_purchase:
        return None
    if interval_days >= (date.max - last_purchase).days:
        return date.max
    return last_purchase + timedelta(days=interval_days)


def typical_interval(median_gap, purchase_days, default_days):
    """The partner's usual number of days between purchases.

    :param median_gap: median of the gaps between consecutive purchase days
        (None when there are fewer than two purchase days)
    :param purchase_days: number of distinct days with a purchase
    :param default_days: the interval of the partner's category or company
    """
    if median_gap and purchase_days >= MIN_PURCHASE_DAYS_FOR_OWN_INTERVAL:
        return max(1, round(median_gap))
    return default_days


def relationship_level(purchase_count, days_since_last, interval_days, threshold, tolerance, in_contact):
    """The level a partner's facts put it at.

    :param purchase_count: confirmed orders and posted invoices without order
    :param days_since_last: days from the last purchase to today (None without)
    :param interval_days: the partner's typical interval (``typical_interval``)
    :param threshold: purchases from which a customer buys regularly
    :param tolerance: how far past the interval a customer becomes dormant
    :param in_contact: a lead, a quotation or a done activity exists
    """
    if not purchase_count:
        return "prospect" if in_contact else "potential"
    if days_since_last > interval_days * tolerance:
        return "dormant"
    return "active" if purchase_count >= threshold else "new"


#: Events of the level engine, by what they may explain (keys of the level history's event).
PURCHASE_EVENTS = ("order_confirmed", "invoice_posted")
UNDO_EVENTS = ("order_cancelled", "invoice_cancelled")
CHANGE_EVENTS = ("order_changed", "invoice_changed")
CONTACT_EVENTS = ("lead", "quotation", "activity_done")

#: The event of the passing of time (the daily job).
TIME_EVENT = "scheduled"


def level_change_cause(level_from, level_to, events):
    """The event that moved a partner from ``level_from`` to ``level_to``.

    A transaction may touch a partner several times (an order confirmed, then a repeat
    sale opened): the cause is the event that explains the move, not the latest one. A
    purchase makes a new or active customer (or brings old purchases to light); a
    cancellation undoes one; an interaction (a lead, a quotation, an activity done)
    makes a prospect; a customer who turns dormant without a purchase undone did so as
    time passed. Among events of the same kind, the latest wins.

    :param events: [(event, origin)] of the transaction, oldest first
    :return: (event, origin); origin is None for the passing of time
    """
    if level_from == "potential" and level_to == "prospect":
        kinds = (CONTACT_EVENTS,)
    elif (
        level_to in ("new", "active", "dormant")
        and (
            level_from in ("potential", "prospect")
            or (level_from, level_to) in (("dormant", "new"), ("dormant", "active"))
        )
        or (level_from, level_to) == ("new", "active")
    ):
        kinds = (PURCHASE_EVENTS, CHANGE_EVENTS)
    else:
        # Fewer purchases, or none since long: a purchase undone, else an order re-dated.
        kinds = (UNDO_EVENTS, CHANGE_EVENTS)
    for kind in kinds:
        for event, origin in reversed(events):
            if event in kind:
                return event, origin
    # None of the expected kind: a recomputation, the installation, the daily job...
    # An interaction never makes a buyer dormant: time does.
    for event, origin in reversed(events):
        if event not in CONTACT_EVENTS or level_to in ("potential", "prospect"):
            return event, origin
    return TIME_EVENT, None
