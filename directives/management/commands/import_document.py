"""python manage.py import_document PATH — create a document and its numbered directives.

--dry-run prints what would be created (document fields, directives and proposed assignments)
and writes nothing; --format json prints it as JSON. --with-assignments also creates the proposed
assignments whose lead unit is a known unit (unknown names are listed, not created).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives import actions
from directives.fields import known_events
from directives.importers.conclusion import DocumentParseError, parse_conclusion
from directives.importers.files import read_upload
from directives.importers.proposals import DocumentProposal, propose
from directives.importers.units import UnitIndex


class Command(BaseCommand):
    help = (
        "Nhập một văn bản kết luận (.txt UTF-8, .docx, .pdf có lớp chữ) thành văn bản và các "
        "nhiệm vụ được đánh số; --dry-run chỉ in ra đề xuất, không ghi gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Đường dẫn tệp văn bản.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in ra những gì sẽ tạo; không ghi gì."
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="Cách in khi --dry-run."
        )
        parser.add_argument(
            "--with-assignments",
            action="store_true",
            help="Tạo luôn các phân công đề xuất có đơn vị chủ trì đã biết.",
        )

    def handle(self, *args, path: str, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            parsed = parse_conclusion(read_upload(file.name, file.read_bytes()))
        except DocumentParseError as error:
            raise CommandError(f"{path}: {error}") from error
        if options["dry_run"] or options["with_assignments"]:
            proposal = propose(parsed, UnitIndex.from_db(), events=known_events())
        if options["dry_run"]:
            if options["format"] == "json":
                self.stdout.write(json.dumps(proposal.as_dict(), ensure_ascii=False, indent=2))
            else:
                self._print(proposal)
            return
        if options["with_assignments"]:
            self._import_with_assignments(proposal)
            return
        document, created = actions.import_document(parsed)
        count = document.directives.count()
        if created:
            self.stdout.write(f"Đã nhập văn bản “{document}” với {count} nhiệm vụ.")
        else:
            self.stdout.write(f"Văn bản đã có (không thay đổi): “{document}”, {count} nhiệm vụ.")

    def _import_with_assignments(self, proposal: DocumentProposal) -> None:
        from directives.models import Unit

        rows = []
        for item in proposal.directives:
            for a in item.assignments:
                if a.lead is None:
                    continue
                deadline = a.deadline
                rows.append(
                    {
                        "number": item.directive.number,
                        "lead_unit": Unit.objects.get(pk=a.lead.pk),
                        "coordinating_units": Unit.objects.filter(
                            pk__in=[u.pk for u in a.coordinating]
                        ),
                        "deadline": deadline.date if deadline else None,
                        "basis": deadline.basis if deadline else "",
                    }
                )
        try:
            document = actions.import_reviewed(proposal.document, assignments=rows)
        except actions.DuplicateDocument as error:
            self.stdout.write(f"Văn bản đã có (không thay đổi): “{error.document}”.")
            return
        self.stdout.write(
            f"Đã nhập văn bản “{document}” với {document.directives.count()} nhiệm vụ "
            f"và {len(rows)} phân công."
        )
        for name in proposal.unknown_names:
            self.stdout.write(f"  Chưa có trong danh mục đơn vị (bỏ qua): {name}")

    def _print(self, proposal: DocumentProposal) -> None:
        data = proposal.as_dict()
        doc = data["document"]
        self.stdout.write(
            f"Văn bản: {doc['number'] or '(không số)'} · {doc['issue_date'] or '(không ngày)'}"
            f" · {doc['issuer'] or '(không rõ cơ quan)'} · {doc['signer'] or '(không rõ người ký)'}"
        )
        self.stdout.write(f"Trích yếu: {doc['subject']}")
        for item in data["directives"]:
            self.stdout.write(f"\n{item['number']}. {item['title']}")
            for a in item["assignments"]:
                lead = a["lead_unit"] or (f"? {a['lead_phrase']}" if a["lead_unknown"] else "—")
                coordinating = ", ".join(a["coordinating_units"] + a["coordinating_unknown"])
                deadline = a["deadline"] or "không hạn"
                flag = " (cần ấn định)" if a["flagged"] else ""
                self.stdout.write(f"   chủ trì: {lead}")
                if coordinating:
                    self.stdout.write(f"   phối hợp: {coordinating}")
                self.stdout.write(f"   thời hạn: {deadline} {a['basis']}{flag}".rstrip())
        if data["unknown_units"]:
            names = "; ".join(data["unknown_units"])
            self.stdout.write(f"\nTên đơn vị chưa có trong danh mục: {names}")
        self.stdout.write("\n(Chạy thử: không ghi gì vào cơ sở dữ liệu.)")
