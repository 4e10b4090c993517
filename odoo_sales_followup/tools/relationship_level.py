"""Relationship level rules, as pure functions (no environment, no database)."""

LEVELS = ("potential", "prospect", "new", "active", "dormant")

#: The levels with their labels, for selection fields.
LEVEL_SELECTION = [
    ("potential", "Potential customer"),
    ("prospect", "Prospect (in contact)"),
    ("new", "New customer"),
    ("active", "Active customer"),
    ("dormant", "Dormant customer"),
]

#: Purchase days needed before a partner's own median gap is trusted.
MIN_PURCHASE_DAYS_FOR_OWN_INTERVAL = 3


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
