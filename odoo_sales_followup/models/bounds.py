"""Declared bounds of settings and figures, checked once for every capability.

A model that inherits ``followup.bounds.mixin`` declares the range of each bounded
field in ``_followup_bounds``; each extension of the model declares its own fields
(the declarations of every class of the model are collected), for instance::

    class ResCompany(models.Model):
        _name = "res.company"
        _inherit = ["res.company", "followup.bounds.mixin"]
        _followup_bounds = {"after_sale_delay_days": (0, 3650)}

A value out of its range is refused with a message naming the field, the record and
the range: in the values given to ``create`` and ``write`` before anything is
computed or written (a date in year 9999 would overflow the computes), then on the
stored values (computed ones included), and by a ``CHECK`` constraint of the database
as the last line (SQL imports, other modules' raw SQL). Empty values are allowed:
empty means the field's default.
"""

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, sql

#: {registry class: {field name: (minimum, maximum)}}
_bounds_cache = {}


class FollowupBoundsMixin(models.AbstractModel):
    _name = "followup.bounds.mixin"
    _description = "Fields with declared bounds"

    #: {field name: (minimum, maximum)}: numbers, or dates for date fields.
    _followup_bounds = {}

    @api.model
    def _get_followup_bounds(self):
        """The bounds declared by every class of this model, {field name: (min, max)}."""
        cls = type(self)
        bounds = _bounds_cache.get(cls)
        if bounds is None:
            bounds = {}
            for klass in reversed(cls.mro()):
                bounds.update(klass.__dict__.get("_followup_bounds") or {})
            bounds = _bounds_cache[cls] = {name: rng for name, rng in bounds.items() if name in self._fields}
        return bounds

    # ---- CONSTRAINTS ----

    def _validate_fields(self, field_names, excluded_names=()):
        result = super()._validate_fields(field_names, excluded_names)
        names = set(self._get_followup_bounds()).intersection(field_names).difference(excluded_names)
        for record in self:
            for name in sorted(names):
                record._check_followup_bound(name, record[name], record.display_name)
        return result

    def _add_sql_constraints(self):
        super()._add_sql_constraints()
        if self._abstract or not self._auto:
            return
        for name, (low, high) in self._get_followup_bounds().items():
            field = self._fields[name]
            if not field.store or field.inherited:
                continue
            conname = sql.make_identifier(f"{self._table}_{name}_followup_bounds")
            definition = f"CHECK ({name} IS NULL OR ({name} >= '{low}' AND {name} <= '{high}'))"
            current = sql.constraint_definition(self._cr, self._table, conname)
            if current == definition:
                continue
            if current:
                sql.drop_constraint(self._cr, self._table, conname)
            self.pool.post_constraint(sql.add_constraint, self._cr, self._table, conname, definition)

    # ---- CRUD ----

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_followup_bounds_values(vals, vals.get(self._rec_name) or self._description)
        return super().create(vals_list)

    def write(self, vals):
        if set(vals).intersection(self._get_followup_bounds()):
            for record in self:
                record._check_followup_bounds_values(vals, record.display_name)
        return super().write(vals)

    # ---- PRIVATE HELPERS ----

    def _check_followup_bounds_values(self, vals, record_name):
        """Refuse, before any write, the bounded values of ``vals`` out of their range."""
        for name in self._get_followup_bounds():
            if name not in vals:
                continue
            try:
                value = self._fields[name].convert_to_cache(vals[name], self, validate=False)
            except (ValueError, TypeError, OverflowError):
                continue  # not a value of the field: Odoo's own conversion says so
            self._check_followup_bound(name, value, record_name)

    def _check_followup_bound(self, name, value, record_name):
        if value is None or value is False:
            return
        low, high = self._get_followup_bounds()[name]
        if not low <= value <= high:
            field = self._fields[name]
            shown = format_date(self.env, value) if field.type == "date" else value
            raise ValidationError(
                self.env._(
                    "“%(field)s” of %(record)s is %(value)s: it must be from %(min)s to %(max)s.",
                    field=field._description_string(self.env),
                    record=record_name or "",
                    value=shown,
                    min=format_date(self.env, low) if field.type == "date" else low,
                    max=format_date(self.env, high) if field.type == "date" else high,
                )
            )
