"""Statement CSVs as the banks export them (tests/data/statements/ has one of each), built
around the credits a test needs: ``bca_csv([(date, "SITI AMINAH", 50123)])``."""

from __future__ import annotations

import io
from datetime import date

from marketplace.clock import now, to_jakarta


def today() -> date:
    return to_jakarta(now()).date()


def english(amount: int) -> str:
    return f"{amount:,}.00"


def indonesian(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + ",00"


def bca_csv(credits: list[tuple[date, str, int]], account: str = "0771234567") -> bytes:
    """KlikBCA's "mutasi rekening" CSV: preamble, header, ``'dd/mm`` rows with CR/DB, trailer."""
    days = [d for d, _who, _amount in credits] or [today()]
    start, end = min(days), max(days)
    balance = 10_000_000
    lines = [
        "Informasi Rekening - Mutasi Rekening",
        f"No. rekening : ,'{account}",
        "Nama : ,DISNAKERIN KOTA TEGAL",
        f"Periode : ,{start:%d/%m/%Y} - {end:%d/%m/%Y}",
        "Kode Mata Uang : ,IDR",
        "",
        "Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo",
        f'\'{start:%d/%m},\'TARIKAN ATM {start:%d/%m},\'0000,"{english(500_000)}",DB,"{english(balance - 500_000)}"',
    ]
    balance -= 500_000
    for day, who, amount in credits:
        balance += amount
        lines.append(
            f"'{day:%d/%m},'TRSF E-BANKING CR {day:%d%m}/FTSCY/WS95031     {amount}.00 {who},'0000,"
            f'"{english(amount)}",CR,"{english(balance)}"'
        )
    lines += ["", 'Saldo Awal,:,"10,000,000.00"', f'Saldo Akhir,:,"{english(balance)}"']
    return "\r\n".join(lines).encode()


def mandiri_csv(credits: list[tuple[date, str, int]], account: str = "1350012345678") -> bytes:
    """Mandiri's CSV: Account No, Date, Val. Date, Transaction Code, Description x2, Reference No., Debit, Credit."""
    lines = ["Account No,Date,Val. Date,Transaction Code,Description,Description,Reference No.,Debit,Credit"]
    for n, (day, who, amount) in enumerate(credits):
        lines.append(
            f'{account},{day:%d/%m/%Y},{day:%d/%m/%Y},9202,TRANSFER DARI BCA,{who},FT{n:08d},.00,"{english(amount)}"'
        )
    lines.append(f'{account},{today():%d/%m/%Y},{today():%d/%m/%Y},8888,BIAYA ADM,,,"12,500.00",.00')
    return "\r\n".join(lines).encode()


def generic_csv(credits: list[tuple[date, str, int]]) -> bytes:
    """The generic layout with Indonesian separators: ``tanggal;keterangan;jumlah``."""
    lines = ["tanggal;keterangan;jumlah", f"{today():%Y-%m-%d};Biaya administrasi;-12.500"]
    lines += [f"{day:%d/%m/%Y};Transfer dari {who};{indonesian(amount)}" for day, who, amount in credits]
    return "\n".join(lines).encode()


BUILDERS = {"bca": bca_csv, "mandiri": mandiri_csv, "generic": generic_csv}


def upload(api, token: str, content: bytes, bank: str | None = None, name: str = "mutasi.csv"):
    data: dict = {"file": (io.BytesIO(content), name)}
    if bank:
        data["format"] = bank
    return api.post("/finance/bank-statements", token=token, data=data, content_type="multipart/form-data")
