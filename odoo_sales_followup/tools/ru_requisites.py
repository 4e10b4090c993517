"""The check digits of Russian requisites: INN, KPP, OGRN, OGRNIP, BIC and bank accounts.

Each ``check_*`` function takes a value as it was typed (spaces are ignored) and returns
``None`` when it is valid, else the reason: :data:`FORMAT` (the length or the characters are
wrong) or :data:`CHECKSUM` (a check digit, or an account's key against its BIC, is wrong).
The caller words the reason in the user's language.

The INN is python-stdnum's (``stdnum.ru.inn``); the version Odoo 18 pins (1.19) has no
OGRN, so the rest is written here, once.
"""

import itertools
import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.ru import inn as stdnum_inn

#: The value has the wrong length or characters.
FORMAT = "format"
#: A check digit is wrong (for an account: its key does not match the BIC).
CHECKSUM = "checksum"

_KPP = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")
#: The weights of a bank account's key, repeated over the 23 digits checked.
_ACCOUNT_WEIGHTS = (7, 1, 3)


def compact(value):
    """The value without its spaces; empty for ``None`` or ``False``."""
    return re.sub(r"\s", "", value or "")


def _digits(number, *lengths):
    return len(number) in lengths and re.fullmatch(r"[0-9]+", number) is not None


def check_inn(value):
    """A taxpayer's INN: 10 digits (an organisation) or 12 (a person), with its check digits.
    Odoo's VAT prefix ("RU7707083893", as ``base_vat`` accepts it) is allowed."""
    number = compact(value)
    if number[:2].upper() == "RU":
        number = number[2:]
    if not _digits(number, 10, 12):
        return FORMAT
    try:
        stdnum_inn.validate(number)
    except InvalidChecksum:
        return CHECKSUM
    except ValidationError:
        return FORMAT
    return None


def check_kpp(value):
    """A KPP: 9 characters, 4 digits (the tax office), 2 digits or capital Latin letters (the
    reason), 3 digits (the number)."""
    return None if _KPP.fullmatch(compact(value)) else FORMAT


def check_ogrn(value):
    """A company's OGRN: 13 digits starting with 1 or 5; the last is the first twelve's
    remainder of 11, modulo 10."""
    number = compact(value)
    if not _digits(number, 13) or number[0] not in "15":
        return FORMAT
    return None if int(number[:12]) % 11 % 10 == int(number[12]) else CHECKSUM


def check_ogrnip(value):
    """An individual entrepreneur's OGRNIP: 15 digits starting with 3; the last is the first
    fourteen's remainder of 13, modulo 10."""
    number = compact(value)
    if not _digits(number, 15) or number[0] != "3":
        return FORMAT
    return None if int(number[:14]) % 13 % 10 == int(number[14]) else CHECKSUM


def is_ogrnip(value):
    """Whether a registration number is an OGRNIP by its length (else it is read as an OGRN)."""
    return len(compact(value)) == 15


def check_registration_number(value):
    """An OGRN or an OGRNIP, told by its length (Odoo's company ID holds either)."""
    return check_ogrnip(value) if is_ogrnip(value) else check_ogrn(value)


def check_bic(value):
    """A Russian bank's BIC (БИК): 9 digits."""
    return None if _digits(compact(value), 9) else FORMAT


def is_russian_bic(value):
    """Whether a bank code is a Russian BIC (9 digits), not a SWIFT code (8 or 11 characters)."""
    return check_bic(value) is None


def _key_matches(digits):
    weighted = zip(digits, itertools.cycle(_ACCOUNT_WEIGHTS))
    return sum(int(digit) * weight for digit, weight in weighted) % 10 == 0


def check_settlement_account(value, bic):
    """A settlement account: 20 digits whose key matches the bank: the 23 digits made of the
    BIC's last three and the account, weighted 7, 1, 3 over and over, add up to a multiple of
    10. A treasury account (starting with 03) has no such key; without a valid BIC only the
    digits are checked."""
    number = compact(value)
    if not _digits(number, 20):
        return FORMAT
    bic = compact(bic)
    if check_bic(bic) or number.startswith("03"):
        return None
    return None if _key_matches(bic[-3:] + number) else CHECKSUM


def check_correspondent_account(value, bic):
    """A bank's correspondent account: 20 digits whose key matches its BIC as a settlement
    account's does, with "0" and the BIC's 5th and 6th digits (its Bank of Russia division)
    in front of it. Without a valid BIC only the digits are checked."""
    number = compact(value)
    if not _digits(number, 20):
        return FORMAT
    bic = compact(bic)
    if check_bic(bic):
        return None
    return None if _key_matches("0" + bic[4:6] + number) else CHECKSUM
