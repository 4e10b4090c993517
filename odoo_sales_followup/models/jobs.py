"""What the scheduled jobs of every capability share: batch sizes read from system
parameters, and one batch runner (``run_batches``) that runs a job company by company
and batch by batch, retries a batch that meets a concurrency error of the database,
and reports a failing unit to the people who can fix it instead of stopping the others."""

import logging
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from odoo.exceptions import UserError
from odoo.models import BaseModel
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import split_every

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


# ---- THE BATCH RUNNER ----

#: Attempts of a batch that meets a concurrency error of the database (serialization
#: failure, deadlock, lock not available) before it counts as failed.
MAX_TRIES = 4


@dataclass
class JobResult:
    """What ``run_batches`` did: units done, units failed (their records), and the
    first problem of each company that had a failure ({company: message})."""

    done: int = 0
    failed: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)


def run_batches(env, units, work, *, job_name, batch_size=1, company_of=None, notice=None):
    """Run the scheduled job ``work`` on ``units``, batch by batch, so that no unit
    stops the others and a rerun finishes the work. Every scheduled job of the addon
    runs through it: call it from a ``_cron_*`` method only (it commits).

    - Units are grouped by company (``company_of(unit)``; else all in the current
      company), and each batch holds units of one company, worked on in that company
      (``env.company``).
    - A batch runs on its own: in a transaction of its own, committed once done, with
      ``ir.cron._notify_progress`` (in tests, in a savepoint, never committed).
    - A concurrency error of the database on a batch is retried (up to ``MAX_TRIES``
      times, after a short wait, from a fresh snapshot): it never ends the run.
    - Any other error rolls the batch back; a batch of several units is then run unit
      by unit, so that only the failing unit is left out. A failing unit is logged, and
      each company's failures are notified once to its Sales administrators
      (``notify_job_failure``); the other units and companies go on.

    ``work`` must be idempotent (a rerun, or a retried batch, does not do twice what was
    done): it does nothing to a unit whose work is done already.

    :param units: a recordset, or a list of records (of several models)
    :param work: ``work(batch)``: the job on a batch of units (a recordset or a list,
        like ``units``), in the batch's company
    :param job_name: the job in the server log (English)
    :param batch_size: units per batch (``get_batch_size`` reads it from a parameter)
    :param company_of: ``company_of(unit)``: the company a unit is worked on in and
        whose administrators hear of its failure
    :param notice: ``notice(company, failed, total, problem)``: the (subject, body)
        of the failure notice, translated; a generic notice by default
    :return: ``JobResult``

    Example, a job that runs a worker on the open invoices of each company::

        @api.model
        def _cron_remind(self):
            invoices = self.env["account.move"].search([...], order="company_id, id")
            jobs.run_batches(
                self.env,
                invoices,
                lambda batch: batch._remind(),  # skips what was reminded already
                job_name="Invoice reminders",
                batch_size=jobs.get_batch_size(self.env, "my_module.remind_batch_size", 500),
                company_of=lambda invoice: invoice.company_id,
            )
    """
    committing = not is_testing()
    result = JobResult()
    by_company = defaultdict(list)
    for unit in units:
        company = (company_of(unit) if company_of else None) or env.company
        by_company[company].append(unit)
    total = sum(len(company_units) for company_units in by_company.values())
    for company, company_units in by_company.items():
        failed_before = len(result.failed)
        for batch in split_every(batch_size, company_units, list):
            batch = _in_company(batch, company, units)
            error = _run_batch(env, work, batch, committing)
            if error is not None and len(batch) > 1:
                # Find the culprit: each unit alone, so that the others are done.
                _logger.info("%s in %s: a batch of %s failed, retried unit by unit", job_name, company.name, len(batch))
                for index in range(len(batch)):
                    unit = batch[index : index + 1]
                    unit_error = _run_batch(env, work, unit, committing)
                    if unit_error is None:
                        result.done += 1
                    else:
                        _record_failure(result, job_name, company, unit, unit_error)
            elif error is not None:
                _record_failure(result, job_name, company, batch, error)
            else:
                result.done += len(batch)
            processed = result.done + len(result.failed)
            env["ir.cron"]._notify_progress(done=processed, remaining=total - processed)
            if committing:
                env.cr.commit()  # pylint: disable=invalid-commit  # the progress of a cron job, between batches
            env.invalidate_all()  # memory follows the batch, not the number of units
        failed = len(result.failed) - failed_before
        if failed:
            problem = result.problems[company]
            if notice:
                subject, body = notice(company, failed, len(company_units), problem)
            else:
                subject = env._("Scheduled job not completed")
                body = env._(
                    "The scheduled job %(job)s could not process %(failed)s of %(total)s records of %(company)s: "
                    "%(problem)s. The other records were processed, and the next run tries again; the server "
                    "log has the details.",
                    job=job_name,
                    failed=failed,
                    total=len(company_units),
                    company=company.name,
                    problem=problem,
                )
            notify_job_failure(env, company, subject, body)
            if committing:
                env.cr.commit()  # pylint: disable=invalid-commit  # keep the notice if a later company stops the job
    return result


def _in_company(batch, company, units):
    """The units of ``batch`` in ``company``, as a recordset if ``units`` is one."""
    if isinstance(units, BaseModel):
        return units.browse([unit.id for unit in batch]).with_company(company)
    return [unit.with_company(company) for unit in batch]


def _run_batch(env, work, batch, committing):
    """Run ``work(batch)``, retried on concurrency errors; return the error that made it
    fail (its work rolled back), or None once done (committed when ``committing``)."""
    for attempt in range(1, MAX_TRIES + 1):
        try:
            if committing:
                # The transaction holds this batch only: the previous one was committed.
                work(batch)
                env.cr.commit()  # pylint: disable=invalid-commit  # each batch is kept once done: a rerun goes on
            else:
                with env.cr.savepoint():
                    work(batch)
            return None
        except Exception as error:  # any error: the caller logs and notifies it
            if committing:
                env.cr.rollback()
            env.invalidate_all(flush=False)
            if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY) or attempt == MAX_TRIES:
                return error
            _logger.info("A batch met a concurrency error (%s), attempt %s of %s: retried", error, attempt, MAX_TRIES)
            if committing:
                time.sleep(random.uniform(0.0, 2**attempt / 2))
    return None


def _record_failure(result, job_name, company, unit, error):
    """Log the failure of ``unit`` (a batch of one) and remember it for the notice."""
    unit = unit[0]
    if isinstance(error, UserError):
        problem = error.args[0]
        _logger.error("%s in %s skipped %s: %s", job_name, company.name, unit, problem)
    else:
        problem = str(error) or type(error).__name__
        _logger.error("%s in %s failed for %s", job_name, company.name, unit, exc_info=error)
    result.failed.append(unit)
    result.problems.setdefault(company, problem)


def commit_progress(env, done, remaining):
    """For a job that batches its own work (the reactivation scan): report the progress
    and keep what was done, out of tests."""
    env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    if not is_testing():
        env.cr.commit()  # pylint: disable=invalid-commit  # each batch is kept once done: a rerun goes on
