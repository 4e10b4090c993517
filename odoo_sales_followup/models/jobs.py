"""What the scheduled jobs of every capability share: batch sizes read from system
parameters, and running a job company by company so that one failure is reported
to the people who can fix it instead of stopping the others."""

import logging
import threading

_logger = logging.getLogger(__name__)

#: Batch sizes above this are refused: a batch is held in memory whole.
MAX_BATCH_SIZE = 100_000

#: Invalid system parameters already logged in this process: {(key, value)}.
_logged_invalid = set()


def get_batch_size(env, key, default):
    """The positive batch size of system parameter ``key``, else ``default``.

    ``0``, a negative number, a number above ``MAX_BATCH_SIZE`` or a word would stop a
    job silently or make every document fail: such a value falls back to the
    default, and is logged once per process.
    """
    raw = env["ir.config_parameter"].sudo().get_param(key)
    if raw in (None, False, ""):
        return default
    try:
        size = int(str(raw).strip())
    except ValueError:
        size = 0
    if 0 < size <= MAX_BATCH_SIZE:
        return size
    if (key, raw) not in _logged_invalid:
        _logged_invalid.add((key, raw))
        _logger.warning(
            "System parameter %s=%r is not a batch size from 1 to %s: using %s",
            key,
            raw,
            MAX_BATCH_SIZE,
            default,
        )
    return default


def is_testing():
    """Whether the current thread runs Odoo's tests (jobs then never commit)."""
    return getattr(threading.current_thread(), "testing", False)


def notify_job_failure(env, company, subject, body):
    """Tell the Sales administrators of ``company`` (else its system administrators)
    that a scheduled job could not do its work there, in their inbox."""
    env = env(su=True)
    users = env.ref("sales_team.group_sale_manager").users | env.ref("base.group_system").users
    users = users.filtered(lambda user: not user.share and user.active and company in user.company_ids)
    sales_admins = users.filtered(lambda user: user.has_group("sales_team.group_sale_manager"))
    recipients = (sales_admins or users.filtered(lambda user: user.has_group("base.group_system"))).partner_id
    if recipients:
        env["mail.thread"].message_notify(partner_ids=recipients.ids, subject=subject, body=body)
    return recipients
