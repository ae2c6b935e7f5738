"""District, commune and department units the new corpus names, added to the demo tree.

The demo tree (directives/demo.py) stops at each district's Party committee and People's
Committee; conclusions of a district, a commune or a department name the units beneath them.
Some units the texts name are left out on purpose, so the parser must report them unknown at the
level they need instead of proposing a unit of another level.
"""

from __future__ import annotations

from directives.models import Unit, UnitKind

K = UnitKind
# (name, kind, parent name)
LOCAL_UNITS: list[tuple[str, str, str]] = [
    # Năm Căn: the Party committee's boards, the council, the Front and mass organisations.
    ("Văn phòng Huyện ủy Năm Căn", K.PARTY_BOARD, "Huyện ủy Năm Căn"),
    ("Ban Tổ chức Huyện ủy Năm Căn", K.PARTY_BOARD, "Huyện ủy Năm Căn"),
    ("Ban Tuyên giáo Huyện ủy Năm Căn", K.PARTY_BOARD, "Huyện ủy Năm Căn"),
    ("Ủy ban Kiểm tra Huyện ủy Năm Căn", K.PARTY_BOARD, "Huyện ủy Năm Căn"),
    ("Hội đồng nhân dân huyện Năm Căn", K.COUNCIL, "Huyện ủy Năm Căn"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện Năm Căn", K.MASS_ORG, "Huyện ủy Năm Căn"),
    ("Huyện đoàn Năm Căn", K.MASS_ORG, "Huyện ủy Năm Căn"),
    ("Hội Liên hiệp Phụ nữ huyện Năm Căn", K.MASS_ORG, "Huyện ủy Năm Căn"),
    ("Hội Nông dân huyện Năm Căn", K.MASS_ORG, "Huyện ủy Năm Căn"),
    ("Công an huyện Năm Căn", K.AGENCY, "UBND huyện Năm Căn"),
    ("Phòng Tài chính - Kế hoạch huyện Năm Căn", K.DEPARTMENT, "UBND huyện Năm Căn"),
    # Năm Căn's communes: each Party committee with its People's Committee beneath it.
    ("Đảng ủy thị trấn Năm Căn", K.PARTY_COMMITTEE, "Huyện ủy Năm Căn"),
    ("Ủy ban nhân dân thị trấn Năm Căn", K.COMMITTEE, "Đảng ủy thị trấn Năm Căn"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam thị trấn Năm Căn", K.MASS_ORG, "Đảng ủy thị trấn Năm Căn"),
    ("Đảng ủy xã Hàm Rồng", K.PARTY_COMMITTEE, "Huyện ủy Năm Căn"),
    ("Ủy ban nhân dân xã Hàm Rồng", K.COMMITTEE, "Đảng ủy xã Hàm Rồng"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam xã Hàm Rồng", K.MASS_ORG, "Đảng ủy xã Hàm Rồng"),
    ("Đảng ủy xã Đất Mới", K.PARTY_COMMITTEE, "Huyện ủy Năm Căn"),
    ("Ủy ban nhân dân xã Đất Mới", K.COMMITTEE, "Đảng ủy xã Đất Mới"),
    # Đầm Dơi: the same kinds of names as Năm Căn, so a relative name must pick the issuer's.
    ("Văn phòng Huyện ủy Đầm Dơi", K.PARTY_BOARD, "Huyện ủy Đầm Dơi"),
    ("Ban Tuyên giáo Huyện ủy Đầm Dơi", K.PARTY_BOARD, "Huyện ủy Đầm Dơi"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện Đầm Dơi", K.MASS_ORG, "Huyện ủy Đầm Dơi"),
    # Trần Văn Thời: the People's Committee's office, a division and two communes.
    ("Văn phòng HĐND và UBND huyện Trần Văn Thời", K.AGENCY, "UBND huyện Trần Văn Thời"),
    (
        "Phòng Tài nguyên và Môi trường huyện Trần Văn Thời",
        K.DEPARTMENT,
        "UBND huyện Trần Văn Thời",
    ),
    ("Đảng ủy xã Khánh Bình", K.PARTY_COMMITTEE, "Huyện ủy Trần Văn Thời"),
    ("Ủy ban nhân dân xã Khánh Bình", K.COMMITTEE, "Đảng ủy xã Khánh Bình"),
    ("Đảng ủy thị trấn Sông Đốc", K.PARTY_COMMITTEE, "Huyện ủy Trần Văn Thời"),
    ("Ủy ban nhân dân thị trấn Sông Đốc", K.COMMITTEE, "Đảng ủy thị trấn Sông Đốc"),
    # The province: the People's Committee's office, a department and the Health department's own.
    ("Văn phòng Ủy ban nhân dân tỉnh", K.AGENCY, "Ủy ban nhân dân tỉnh"),
    ("Sở Giáo dục và Đào tạo", K.DEPARTMENT, "Ủy ban nhân dân tỉnh"),
    ("Văn phòng Sở Y tế", K.AGENCY, "Sở Y tế"),
    ("Phòng Kế hoạch - Tài chính Sở Y tế", K.AGENCY, "Sở Y tế"),
    ("Thanh tra Sở Y tế", K.AGENCY, "Sở Y tế"),
    ("Trung tâm Kiểm soát bệnh tật tỉnh", K.AGENCY, "Sở Y tế"),
]


def build_local_units() -> dict[str, Unit]:
    """Add LOCAL_UNITS beneath the demo tree (which must exist); returns every unit by name."""
    units = {u.name: u for u in Unit.objects.all()}
    for name, kind, parent in LOCAL_UNITS:
        unit = Unit(name=name, kind=kind, parent=units[parent])
        unit.save()
        units[name] = unit
    return units
