"""The amount of a contract in words, in the document's language.

Odoo's ``res.currency.amount_to_text`` gets Russian wrong (title case, "Рубль" with no
declension: odoo/odoo#192432); num2words, already an Odoo dependency, declines the
currency itself. Contracts write the main unit in words and the fraction in digits, as
Russian contracts do: 1 234,56 RUB is "одна тысяча двести тридцать четыре рубля 56
копеек".
"""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def _lang_code(lang):
    """num2words' code of an Odoo language code: ``ru_RU`` -> ``ru``, ``en_US`` -> ``en``."""
    return (lang or "en").split("_")[0].lower() or "en"


def amount_in_words(amount, currency_code, lang="en_US", currency_name=None):
    """``amount`` (a number or a ``Decimal``) of ``currency_code`` in words in ``lang``.

    A language or currency num2words does not know still gives the amount: the whole
    part in words (English when the language is unknown), then the currency's name
    (``currency_name``, else its code) and the fraction in digits.
    """
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    code = _lang_code(lang)
    try:
        text = num2words(value, lang=code, to="currency", currency=currency_code, cents=False, separator="")
    except (NotImplementedError, KeyError, ValueError, OverflowError):
        text = None
    if text:
        return " ".join(text.split())
    whole = int(value)
    cents = int((abs(value) - abs(whole)) * 100)
    try:
        words = num2words(whole, lang=code)
    except (NotImplementedError, KeyError, ValueError, OverflowError):
        words = num2words(whole, lang="en")
    return f"{words} {currency_name or currency_code} {cents:02d}"
