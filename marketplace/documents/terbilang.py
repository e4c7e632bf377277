"""An amount in Indonesian words, as a kuitansi or Surat Pesanan writes it ("terbilang"):
``words(1_525_000)`` is "satu juta lima ratus dua puluh lima ribu". Written here rather than
taken from a library because the forms Indonesian documents use (seratus, seribu, sebelas)
are exactly the irregular ones a generic speller gets wrong."""

from __future__ import annotations

_ONES = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def words(amount: int) -> str:
    """``amount`` (a whole number of rupiah) in Indonesian words, lower case; negative
    amounts begin with "minus"."""
    amount = int(amount)
    if amount < 0:
        return "minus " + words(-amount)
    if amount == 0:
        return _ONES[0]
    return " ".join(_parts(amount))


def rupiah_words(amount: int) -> str:
    """ "Dua puluh lima ribu rupiah": the line after "terbilang", capitalised."""
    text = f"{words(amount)} rupiah"
    return text[0].upper() + text[1:]


def _parts(amount: int) -> list[str]:
    out: list[str] = []
    for scale, name in _SCALES:
        if amount >= scale:
            out += _parts(amount // scale) + [name]
            amount %= scale
    if amount >= 1000:
        thousands = amount // 1000
        # "seribu", never "satu ribu" (but "dua ratus satu ribu" keeps its "satu")
        out += ["seribu"] if thousands == 1 else _below_thousand(thousands) + ["ribu"]
        amount %= 1000
    if amount:
        out += _below_thousand(amount)
    return out


def _below_thousand(n: int) -> list[str]:
    out: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        out.append("seratus")
    elif hundreds:
        out += [_ONES[hundreds], "ratus"]
    if rest == 10:
        out.append("sepuluh")
    elif rest == 11:
        out.append("sebelas")
    elif 12 <= rest <= 19:
        out += [_ONES[rest - 10], "belas"]
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        out += [_ONES[tens], "puluh"] + ([_ONES[ones]] if ones else [])
    elif rest:
        out.append(_ONES[rest])
    return out
