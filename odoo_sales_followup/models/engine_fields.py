"""Fields only the addon writes: one guard for every capability.

A model lists the fields its engine owns in the class attribute
``_followup_engine_fields`` of any of its classes (an extension adds its own: the levels'
facts and the contract's legal data may both extend ``res.partner``) and inherits
``followup.engine.fields.mixin``. Outside superuser mode, whatever the context, a create
or write that gives one of them a value of its own is refused with a message naming the
fields; the engine writes them in superuser mode (or in SQL).

What stays allowed, because it changes nothing:

- writing the value a field already has (an export re-imported, Odoo's merge of contacts);
  an empty value is the field's default (a level left empty by an SQL import is potential);
- creating a record with the field's default, as Odoo does for the partner of a new user;
- Odoo's own copy of a company's commercial fields to its contacts (on create, on a move to
  another company, on copy, import or merge), which it does in superuser mode.

A user default (``ir.default``) never seeds an engine field, and a copy starts without
them: the engine computes them for the new record.
"""

from odoo import api, models
from odoo.exceptions import AccessError

#: Records a refusal names at most.
NAMES_SHOWN = 5


class FollowupEngineFieldsMixin(models.AbstractModel):
    _name = "followup.engine.fields.mixin"
    _description = "Fields only the addon writes"

    #: Names of the fields this class's engine owns; every class of the model may add some.
    _followup_engine_fields = ()

    # ---- CRUD ----

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if not self.env.su:
            # Neither a user default nor a context key seeds an engine field: its own default only.
            for fname in self._get_followup_engine_fields():
                if fname not in fields_list:
                    continue
                defaults.pop(fname, None)
                field = self._fields[fname]
                if field.default and not field.compute:
                    defaults[fname] = field.default(self)
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        self._check_followup_engine_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_followup_engine_fields(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        # A copy's engine fields are computed again, never copied.
        vals_list = super().copy_data(default=default)
        engine_fields = set(self._get_followup_engine_fields())
        return [{key: value for key, value in vals.items() if key not in engine_fields} for vals in vals_list]

    # ---- HOOKS ----

    @api.model
    def _get_followup_engine_fields(self):
        """The names of the fields only the addon writes, in their declared order: the
        ``_followup_engine_fields`` of every class of the model, collected once per model class."""
        cls = type(self)
        names = cls.__dict__.get("_followup_engine_field_names")
        if names is None:
            names = tuple(
                dict.fromkeys(
                    name
                    for klass in reversed(cls.__mro__)
                    for name in vars(klass).get("_followup_engine_fields", ())
                    if name in self._fields
                )
            )
            cls._followup_engine_field_names = names
        return names

    @api.model
    def _get_followup_engine_refusal(self, fnames, names):
        """Hook: the message refusing the engine fields ``fnames`` (names, in their declared
        order) to a user, on the records named ``names`` (empty for a new one). Override it to
        say which engine sets them and how the user gets what they wanted."""
        return self.env._(
            "%(records)s: %(fields)s cannot be set by hand; Odoo records them.",
            records=self._format_followup_engine_names(names),
            fields=self._format_followup_engine_labels(fnames),
        )

    @api.model
    def _get_followup_engine_create_names(self, vals_list):
        """Hook: the names of the records ``vals_list`` would create, for a refusal."""
        rec_name = self._rec_name or ""
        return [vals[rec_name] for vals in vals_list if isinstance(vals.get(rec_name), str)]

    # ---- GUARD ----

    @api.model
    def _check_followup_engine_values(self, vals_list):
        """Refuse, outside superuser mode, to create records whose engine fields are not their
        defaults, from the values or from a ``default_`` key of the context."""
        if self.env.su:
            return
        context = self.env.context
        forged, refused = set(), []
        for vals in vals_list:
            for fname in self._get_followup_engine_fields():
                key = f"default_{fname}"
                if fname not in vals and key not in context:
                    continue
                value = vals[fname] if fname in vals else context[key]
                if not self._is_followup_engine_default(fname, value):
                    forged.add(fname)
                    refused.append(vals)
        if forged:
            self._raise_followup_engine_refusal(forged, self._get_followup_engine_create_names(refused))

    def _check_followup_engine_fields(self, vals):
        """Refuse, outside superuser mode, to write an engine field with a value other than the
        one each of these records has, before anything is written."""
        if self.env.su:
            return
        written = [fname for fname in self._get_followup_engine_fields() if fname in vals]
        if not written:
            return
        forged, changed = set(), {}
        for fname in written:
            for record in self:
                if not record._is_followup_engine_value(fname, vals[fname]):
                    forged.add(fname)
                    changed[record.id] = record.display_name
        if forged:
            self._raise_followup_engine_refusal(forged, list(changed.values()))

    def _is_followup_engine_value(self, fname, value):
        """Whether ``value`` is the value this record's engine field ``fname`` has."""
        self.ensure_one()
        return self._followup_engine_value(fname, value) == self._followup_engine_value(fname, self[fname])

    @api.model
    def _is_followup_engine_default(self, fname, value):
        field = self._fields[fname]
        default = field.default(self) if field.default and not field.compute else False
        return self._followup_engine_value(fname, value) == self._followup_engine_value(fname, default)

    @api.model
    def _followup_engine_value(self, fname, value):
        """``value`` of the field ``fname`` as a record reads it; empty is the field's default.
        A relation's commands are applied to what the record has (a ``Command.set`` of the
        same records changes nothing)."""
        field = self._fields[fname]
        record = self[:1] or self
        try:
            value = field.convert_to_record(field.convert_to_cache(value, record), record)
        except (ValueError, TypeError):
            return object()  # not even a value of the field: never equal to a real one
        if not value and field.default and not field.compute:
            value = field.convert_to_record(field.convert_to_cache(field.default(self), record), record)
        return value

    @api.model
    def _raise_followup_engine_refusal(self, fnames, names):
        ordered = [fname for fname in self._get_followup_engine_fields() if fname in fnames]
        raise AccessError(self._get_followup_engine_refusal(ordered, names))

    @api.model
    def _format_followup_engine_names(self, names, empty=None):
        """``names`` joined for a message, at most ``NAMES_SHOWN`` of them; ``empty`` (else
        the model's description) when there is none, a record not created yet."""
        names = list(dict.fromkeys(name for name in names if name))
        if not names:
            return empty or self.env._("New %(model)s", model=self._description)
        return ", ".join(names[:NAMES_SHOWN]) + (", …" if len(names) > NAMES_SHOWN else "")

    @api.model
    def _format_followup_engine_labels(self, fnames):
        return ", ".join(self._fields[fname]._description_string(self.env) for fname in fnames)
