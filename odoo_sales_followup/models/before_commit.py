"""Collect what a transaction touches, and do the work once, just before it commits.

Like Odoo's own field tracking, the capabilities do not react inside ``write``: the
documents an event touches are added to a collection of the transaction, and one
callback per collection, registered on ``cr.precommit`` the first time something is
added, works on all of them at once after Odoo's last flush. A write never waits
for that work, and a transaction that touches a thousand orders costs the same few
queries as one that touches a single order.
"""


def collect(env, key, apply, factory=set):
    """The collection ``key`` of the current transaction, created empty on first use.

    :param key: the collection's name in ``cr.precommit.data`` (prefix it with the addon)
    :param apply: a callable without arguments (a method bound to the environment that
        must do the work) that runs once before the commit; it takes the collection
        back with :func:`take`
    :param factory: makes the empty collection (``set``, ``dict``...)
    """
    precommit = env.cr.precommit
    pending = precommit.data.get(key)
    if pending is None:
        pending = precommit.data[key] = factory()
        precommit.add(apply)
    return pending


def take(env, key, default=None):
    """Remove the collection ``key`` of the current transaction and return it.

    The callback of :func:`collect` takes its collection first thing, so that work done
    early (a gate that needs the facts of this very transaction) is not done twice.
    """
    return env.cr.precommit.data.pop(key, default)
