"""Benchmark of imports and exports on the same fictional rows (no assertions; prints figures).

    .venv/bin/python bench/transfer.py [--sizes 10000,50000] [--export-sizes 5000,50000]

1. Builds a CSV of fictional contacts (diaspora.demo.generator) with consent columns, and
   imports it through the app's code: upload + analysis (the preview) and the commit, timed.
2. Exports 5,000 and 50,000 of those contacts to CSV, XLSX and vCard through the app's export
   code (ids → records → writer), beside two baselines writing the same cells: a plain
   ``csv.writer`` loop and a bare XlsxWriter ``constant_memory`` loop. Both baselines write
   rows already in memory; two more figures show what reading the registry costs on its own:
   "fetch only" runs the app's own queries and drops the rows, and "SQL + csv.writer loop" is
   the shortest export one could write by hand (one SQL statement joining the child values,
   a ``csv.writer`` loop over its rows; no neutralising, no record, no ordering of the lists).

Each figure is the median of ``--repeat`` runs; peak memory is the whole process's peak
resident memory (Linux VmHWM, reset before each run), so it includes the interpreter and the
data already loaded. SQLite file in a temporary folder; DATABASE_URL may point at PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

import xlsxwriter

from diaspora import create_app
from diaspora.demo.generator import generate
from diaspora.extensions import db
from diaspora.models import Contact


def reset_peak() -> None:
    """Start a new high-water mark of the process's resident memory (Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The process's peak resident memory since ``reset_peak`` (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(function, repeat: int):
    """Median seconds and the peak resident memory of the whole process during the runs."""
    times, peaks, result = [], [], None
    for _ in range(repeat):
        reset_peak()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
        peaks.append(peak_mb())
    return statistics.median(times), max(peaks), result


def source_file(count: int, seed: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Họ và tên", "Tên khác", "Giới tính", "Năm sinh", "Quốc gia", "Thành phố", "Email",
         "Điện thoại", "Nghề nghiệp", "Đơn vị công tác", "Đồng ý", "Ngày đồng ý",
         "Hình thức đồng ý"]
    )  # fmt: skip
    for number, person in enumerate(generate(count, seed=seed)):
        writer.writerow(
            [person.full_name, "; ".join(person.other_names), "nam" if person.gender == "male"
             else "nữ", person.birth_year, person.country, person.city,
             f"bench{seed}-{number}@example.org", "", person.occupation, person.employer, "có",
             "01/02/2025", "phiếu đăng ký"]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def seed_contacts(count: int, seed: int) -> None:
    """Fictional contacts written straight into the tables: a fast setup for the exports only
    (the import above is the measured way in; the search index is not needed here)."""
    from sqlalchemy import insert

    from diaspora.models import ContactEmail, ContactExpertise, ContactLanguage, ExpertiseField
    from diaspora.text import word_key, word_prefix_text

    fields = dict(db.session.execute(db.select(ExpertiseField.code, ExpertiseField.id)).all())
    start = (db.session.scalar(db.select(db.func.max(Contact.id))) or 0) + 1
    people = list(generate(count, seed=seed, field_codes=[c for c in fields if "." in c]))
    contacts, emails, languages, expertise = [], [], [], []
    for offset, person in enumerate(people):
        contact_id = start + offset
        contacts.append(
            {
                "id": contact_id, "full_name": person.full_name, "gender": person.gender,
                "birth_year": person.birth_year, "country": person.country, "city": person.city,
                "occupation": person.occupation, "employer": person.employer,
                "foreign_name": person.other_names[0] if person.other_names else "",
                "name_folded": word_key(person.full_name),
                "names_folded": word_prefix_text(person.full_name),
                "city_folded": word_key(person.city), "legal_basis": "state_function",
                "legal_basis_note": "benchmark", "source": "manual",
            }
        )  # fmt: skip
        emails.append({"contact_id": contact_id, "email": f"seed{contact_id}@example.org"})
        languages += [
            {"contact_id": contact_id, "code": code, "position": position}
            for position, code in enumerate(dict.fromkeys(person.languages))
        ]
        expertise += [
            {"contact_id": contact_id, "field_id": fields[code]}
            for code in dict.fromkeys(person.field_codes)
            if code in fields
        ]
    for model, rows in (
        (Contact, contacts),
        (ContactEmail, emails),
        (ContactLanguage, languages),
        (ContactExpertise, expertise),
    ):
        for begin in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[begin : begin + 5000])
    db.session.commit()


def plain_sql(ids: list[int]) -> str:
    """One statement giving the default columns' values, child values joined in SQL."""
    postgres = db.engine.url.get_backend_name() == "postgresql"

    def joined(value: str, table: str, extra: str = "") -> str:
        aggregate = f"string_agg({value}, '; ')" if postgres else f"group_concat({value}, '; ')"
        return f"(SELECT {aggregate} FROM {table} x {extra} WHERE x.contact_id = c.id)"

    return (
        "SELECT c.full_name, c.foreign_name, c.country, c.city, c.occupation, c.employer, "
        + joined("o.name", "memberships", "JOIN organizations o ON o.id = x.organization_id")
        + ", "
        + joined("f.name_vi", "contact_expertise", "JOIN expertise_fields f ON f.id = x.field_id")
        + ", "
        + joined("x.code", "contact_languages")
        + ", "
        + joined("x.email", "contact_emails")
        + ", "
        + joined("x.e164", "contact_phones")
        + f" FROM contacts c WHERE c.id BETWEEN {int(ids[0])} AND {int(ids[-1])} ORDER BY c.id"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000", help="rows previewed")
    parser.add_argument(
        "--commit-sizes", default=None, help="which of --sizes are also committed (default: all)"
    )
    parser.add_argument("--export-sizes", default="5000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-transfer-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "IMPORT_MAX_BYTES": 1 << 30})
    with app.app_context():
        from diaspora.auth import services as auth_services
        from diaspora.reference.services import seed_reference
        from diaspora.transfer import analysis, committing, imports, records, writers
        from diaspora.transfer.columns import DEFAULT_COLUMNS, headers, record_fields, row_getter
        from diaspora.transfer.reading import Limits
        from diaspora.transfer.records import load_records

        db.create_all()
        seed_reference()
        actor = auth_services.create_user(
            auth_services.UserData(email="bench@example.org", name="Bench", role="admin"),
            "correct horse battery staple 42",
            actor=None,
        )
        db.session.commit()
        limits = Limits(max_bytes=1 << 30, max_rows=200_000)
        print(f"database: {db.engine.url.get_backend_name()}; python {sys.version.split()[0]}")
        print("\n== import (upload + analysis = preview; commit) ==")
        committed = (
            {int(n) for n in options.commit_sizes.split(",")}
            if options.commit_sizes is not None
            else None
        )
        for seed, size in enumerate(int(n) for n in options.sizes.split(",")):
            body = source_file(size, seed=100 + seed)
            reset_peak()
            started = time.perf_counter()
            batch = imports.start_import(body, f"bench-{size}.csv", actor=actor, limits=limits)
            imports.set_mapping(batch, batch.targets, actor=actor)
            analysis.analyse(batch)
            db.session.commit()
            preview = time.perf_counter() - started
            preview_peak = peak_mb()
            if committed is not None and size not in committed:
                imports.cancel_batch(batch, actor=actor)
                db.session.commit()
                print(
                    f"{size:>6} rows: preview {preview:7.1f} s "
                    f"({size / preview:,.0f} rows/s), peak {preview_peak:6.1f} MB; not committed"
                )
                continue
            started = time.perf_counter()
            result = committing.commit_batch(batch, actor=actor, skip_errors=True)
            db.session.commit()
            commit = time.perf_counter() - started
            peak = peak_mb()
            print(
                f"{size:>6} rows: preview {preview:7.1f} s ({batch.counts}), "
                f"commit {commit:7.1f} s "
                f"({result['created']} created), peak {peak:6.1f} MB"
            )
        wanted = max(int(n) for n in options.export_sizes.split(","))
        have = db.session.scalar(db.select(db.func.count(Contact.id))) or 0
        if have < wanted:
            seed_contacts(wanted - have, seed=300)
            print(f"\n(seeded {wanted - have} more fictional contacts for the exports, not timed)")
        all_ids = list(db.session.scalars(db.select(Contact.id).order_by(Contact.id)))
        columns = list(DEFAULT_COLUMNS)
        fields = record_fields(columns)  # as the export views and the command line read
        print(f"\n== export ({len(columns)} columns: {', '.join(columns)}) ==")
        for size in (int(n) for n in options.export_sizes.split(",")):
            ids = all_ids[:size]
            if len(ids) < size:
                print(f"{size}: only {len(ids)} contacts in the database; skipped")
                continue
            cells_of = row_getter(columns, "vi")
            rows = [cells_of(record) for record in load_records(ids, fields=fields)]
            header = headers(columns, "vi")

            def app_csv(ids=ids):
                sink = io.BytesIO()
                for chunk in writers.write_csv(load_records(ids, fields=fields), columns, "vi"):
                    sink.write(chunk)
                return sink.tell()

            def plain_csv(rows=rows, header=header):
                sink = io.StringIO()
                writer = csv.writer(sink)
                writer.writerow(header)
                for row in rows:
                    writer.writerow(row)
                return sink.tell()

            def app_xlsx(ids=ids):
                path = os.path.join(folder, "app.xlsx")
                writers.write_xlsx(
                    load_records(ids, fields=fields), columns, "vi", path, row_count=len(ids)
                )
                return os.path.getsize(path)

            def bare_xlsx(rows=rows, header=header):
                path = os.path.join(folder, "bare.xlsx")
                workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
                sheet = workbook.add_worksheet()
                sheet.write_row(0, 0, header)
                for number, row in enumerate(rows, start=1):
                    for column, value in enumerate(row):
                        if value not in (None, ""):
                            sheet.write_string(number, column, str(value))
                workbook.close()
                return os.path.getsize(path)

            def fetch_only(ids=ids):
                plan = records._Plan.of(fields)
                count = 0
                for begin in range(0, len(ids), 1000):
                    part = ids[begin : begin + 1000]
                    count += len(records._rows("scalars", part, plan.scalars))
                    for name in sorted(plan.lists - {"categories"}):
                        count += len(records._rows(name, part))
                return count

            def sql_csv(ids=ids, header=header):
                from diaspora.countries import country_name

                countries: dict[str, str] = {}
                sink = io.StringIO()
                writer = csv.writer(sink)
                writer.writerow(header)
                cursor = db.session.connection().connection.cursor()
                cursor.execute(plain_sql(ids))
                for row in cursor:
                    code = row[2]
                    if code not in countries:
                        countries[code] = country_name(code or "", "vi")
                    writer.writerow((*row[:2], countries[code], *row[3:]))
                cursor.close()
                return sink.tell()

            def app_vcard(ids=ids):
                sink = io.BytesIO()
                for chunk in writers.write_vcard(load_records(ids, fields=fields), columns, "vi"):
                    sink.write(chunk)
                return sink.tell()

            figures = {}
            for name, function in (
                ("csv (app)", app_csv),
                ("csv.writer loop", plain_csv),
                ("fetch only", fetch_only),
                ("SQL + csv.writer loop", sql_csv),
                ("xlsx (app)", app_xlsx),
                ("bare XlsxWriter loop", bare_xlsx),
                ("vcard (app)", app_vcard),
            ):
                seconds, peak, size_bytes = measure(function, options.repeat)
                figures[name] = seconds
                print(
                    f"{size:>6} {name:<22} {seconds:7.2f} s  peak {peak:6.1f} MB  "
                    + (
                        f"{size_bytes:,} rows read"
                        if name == "fetch only"
                        else f"{size_bytes / 1024 / 1024:6.1f} MB out"
                    )
                )
            print(
                f"{size:>6} ratios: csv {figures['csv (app)'] / figures['csv.writer loop']:.2f}× "
                f"the plain loop, "
                f"{figures['csv (app)'] / figures['SQL + csv.writer loop']:.2f}× the SQL loop; "
                f"fetch only {figures['fetch only'] / figures['csv.writer loop']:.2f}× the plain "
                f"loop; xlsx "
                f"{figures['xlsx (app)'] / figures['bare XlsxWriter loop']:.2f}× the bare loop"
            )


if __name__ == "__main__":
    main()
