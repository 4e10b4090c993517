"""Russian grammar of a contract's preamble: a signatory's full name and position in the
genitive ("в лице генерального директора Сидоровой Анны Петровны"), the participle that
agrees with the signatory's gender ("действующей"), and the name with initials of the
signature block ("И. П. Сидорова" for Ирина Петровна).

Names are declined by pytrovich (the petrovich rules: surnames, first names and patronymics,
double surnames, indeclinable surnames); a position by the rules below, which decline the
adjectives before the first noun and that noun ("генеральный директор" -> "генерального
директора", "заместитель генерального директора" -> "заместителя генерального директора").
What they get wrong is corrected on the partner: the genitive forms are editable there.
"""

import re

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

MALE = "male"
FEMALE = "female"

_PATRONYMIC = re.compile(r"(вич|вна|чна|ична|инична|оглы|кызы|улы|гызы)$", re.IGNORECASE)
_SURNAME = re.compile(r"(ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ской|ых|их|енко|ко)$", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)

_maker = None
_detector = None


def _tools():
    global _maker, _detector
    if _maker is None:
        _maker = PetrovichDeclinationMaker()
        _detector = PetrovichGenderDetector()
    return _maker, _detector


def split_name(full_name):
    """``(last, first, middle)`` of a Russian full name written "Фамилия Имя Отчество",
    "Имя Отчество Фамилия" or "Имя Фамилия"; parts it lacks are empty strings."""
    words = (full_name or "").split()
    if len(words) >= 3:
        if _PATRONYMIC.search(words[1]) and not _PATRONYMIC.search(words[-1]):
            return " ".join(words[2:]), words[0], words[1]
        return words[0], words[1], " ".join(words[2:])
    if len(words) == 2:
        if _SURNAME.search(words[1]) and not _SURNAME.search(words[0]):
            return words[1], words[0], ""
        return words[0], words[1], ""
    return (words[0] if words else ""), "", ""


def name_gender(full_name):
    """``"male"``, ``"female"`` or None (not told by the name) of a Russian full name."""
    last, first, middle = split_name(full_name)
    if not _CYRILLIC.search(full_name or ""):
        return None
    _maker_, detector = _tools()
    gender = detector.detect(firstname=first or None, middlename=middle or None, lastname=last or None)
    return {Gender.MALE: MALE, Gender.FEMALE: FEMALE}.get(gender)


def name_genitive(full_name, gender=None):
    """The full name in the genitive, each part in its place (e.g. Сидорова Ирина Петровна ->
    "Сидоровой Анны Петровны"); a name that is not Russian stays as it is."""
    full_name = " ".join((full_name or "").split())
    if not _CYRILLIC.search(full_name):
        return full_name
    gender = gender or name_gender(full_name) or MALE
    maker, _detector_ = _tools()
    grammatical = Gender.FEMALE if gender == FEMALE else Gender.MALE
    last, first, middle = split_name(full_name)
    declined = {}
    for part, value in ((NamePart.LASTNAME, last), (NamePart.FIRSTNAME, first), (NamePart.MIDDLENAME, middle)):
        declined[value] = maker.make(part, grammatical, Case.GENITIVE, value) if value else value
    return " ".join(declined.get(word, word) for word in _words_in_order(full_name, last, first, middle, declined))


def _words_in_order(full_name, last, first, middle, declined):
    """The parts of ``full_name`` in their written order (a double surname is one part)."""
    order = []
    rest = full_name
    while rest:
        for part in (last, first, middle):
            if part and rest.startswith(part):
                order.append(part)
                rest = rest[len(part) :].lstrip()
                break
        else:
            word, _sep, rest = rest.partition(" ")
            order.append(word)
    return order


def name_with_initials(full_name):
    """The signature block's form: initials, then the surname (Сидорова Ирина Петровна ->
    "И. П. Сидорова"); a name that is not Russian stays as it is."""
    full_name = " ".join((full_name or "").split())
    if not _CYRILLIC.search(full_name):
        return full_name
    last, first, middle = split_name(full_name)
    initials = [f"{part[0].upper()}." for part in (first, middle) if part]
    return " ".join([*initials, last]).strip()


_ADJECTIVE = (
    ("ый", "ого"),
    ("ой", "ого"),
    ("кий", "кого"),
    ("гий", "гого"),
    ("хий", "хого"),
    ("ий", "его"),
    ("ая", "ой"),
    ("яя", "ей"),
)


def position_genitive(position):
    """A position in the genitive: the adjectives before the first noun and that noun are
    declined, what follows it stays ("председатель правления" -> "председателя правления")."""
    if not _CYRILLIC.search(position or ""):
        return position or ""
    words = position.split()
    if words and words[0][:1].isupper() and not words[0].isupper():
        # written in the middle of the preamble: "в лице генерального директора"
        words[0] = words[0][:1].lower() + words[0][1:]
    result = []
    for index, word in enumerate(words):
        lower = word.lower()
        if not _CYRILLIC.search(word):
            return " ".join(result + words[index:])
        for ending, genitive in _ADJECTIVE:
            if lower.endswith(ending) and len(lower) > len(ending) + 1:
                result.append(_keep_case(word, word[: -len(ending)] + genitive))
                break
        else:
            result.append(_keep_case(word, _noun_genitive(word)))
            return " ".join(result + words[index + 1 :])
    return " ".join(result)


def _noun_genitive(word):
    lower = word.lower()
    if lower.endswith("ь") or lower.endswith("й"):
        return word[:-1] + "я"
    if lower.endswith("а"):
        return word[:-1] + ("и" if lower[-2:-1] in "гкхжчшщ" else "ы")
    if lower.endswith("я"):
        return word[:-1] + "и"
    if lower[-1:] in "бвгджзклмнпрстфхцчшщ":
        return word + "а"
    return word


def _keep_case(original, declined):
    return declined.upper() if original.isupper() and len(original) > 1 else declined


def acting_participle(gender):
    """The participle that agrees with the signatory ("действующего" / "действующей")."""
    return "действующей" if gender == FEMALE else "действующего"
