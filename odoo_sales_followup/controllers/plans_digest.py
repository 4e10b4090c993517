from markupsafe import Markup, escape
from werkzeug.exceptions import NotFound

from odoo.http import Controller, Response, request, route


class PlansDigestController(Controller):
    """Leave a sales digest from the link of its email, as Odoo's own digests do: the
    token proves the link was sent to that user, so no login is needed."""

    # csrf is disabled: the mail user agent posts the one-click unsubscribe (RFC 8058)
    # without a session.
    @route(
        "/odoo_sales_followup/digest/<string:periodicity>/unsubscribe_oneclick",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
    )
    def digest_unsubscribe_oneclick(self, periodicity, token=None, user_id=None, **kwargs):
        if not request.env["crm.followup.digest"].sudo()._unsubscribe(user_id, periodicity, token):
            raise NotFound()
        return Response(status=200)

    @route(
        "/odoo_sales_followup/digest/<string:periodicity>/unsubscribe",
        type="http",
        auth="public",
        methods=["GET", "POST"],
    )
    def digest_unsubscribe(self, periodicity, token=None, user_id=None, **kwargs):
        # sudo: the visitor is not logged in; the token checks who they are.
        user = request.env["crm.followup.digest"].sudo()._unsubscribe(user_id, periodicity, token)
        if not user:
            raise NotFound()
        env = request.env(context=dict(request.env.context, lang=user.lang or "en_US"))
        labels = {
            "daily": env._("You will no longer receive the daily sales digest."),
            "weekly": env._("You will no longer receive the weekly sales digest."),
            "monthly": env._("You will no longer receive the monthly sales digest."),
        }
        title = env._("Unsubscribed")
        hint = env._("You can subscribe again in your preferences.")
        html = Markup(
            "<!DOCTYPE html><html><head><meta charset='utf-8'/><title>%s</title></head>"
            "<body style='font-family: Arial, sans-serif; margin: 3em;'><h1>%s</h1><p>%s</p><p>%s</p></body></html>"
        ) % (escape(title), escape(title), escape(labels[periodicity]), escape(hint))
        return request.make_response(str(html), headers=[("Content-Type", "text/html; charset=utf-8")])
