"""Static tables the demo generator draws from: names, ID and phone prefixes, streets, weights.

Data only: the weights are approximate shares (per cent, or relative) so that generated dossiers
look like a real commune counter's; ``demo_service`` turns them into people and dossiers.
"""

from __future__ import annotations

# fmt: off
# Family names with their approximate share of the population (per cent).
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 1.1),
    ("Phan", 4.5), ("Vũ", 3), ("Võ", 0.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6), ("Đào", 0.6),
    ("Mai", 0.4), ("Cao", 0.4), ("Lương", 0.3), ("Tạ", 0.3), ("Chu", 0.2), ("Lưu", 0.3),
    ("Kiều", 0.15), ("Thân", 0.2), ("Nghiêm", 0.1), ("Phùng", 0.2), ("Tô", 0.2),
)
MALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Văn", 40), ("Đức", 10), ("Minh", 9), ("Quang", 6), ("Hữu", 6), ("Xuân", 4), ("Đình", 5),
    ("Công", 5), ("Thanh", 4), ("Tuấn", 2), ("Ngọc", 2), ("Mạnh", 2), ("Trọng", 3), ("Việt", 2),
)
FEMALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Thị", 55), ("Ngọc", 7), ("Thu", 6), ("Thanh", 5), ("Minh", 4), ("Phương", 3), ("Hồng", 4),
    ("Thùy", 3), ("Bích", 2), ("Kim", 3), ("Mai", 2), ("Khánh", 2), ("Hải", 2), ("Diệu", 1),
)
FEMALE_SECOND_MIDDLE = (
    "Hồng", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Kim", "Bích", "Thùy", "Mai",
)
MALE_GIVEN = (
    "An", "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa",
    "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Minh", "Nam",
    "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn",
    "Trung", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Hiệp", "Khải", "Lực", "Trường",
)
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hồng", "Huế", "Hương",
    "Huyền", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhàn",
    "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thơ", "Thủy", "Thư", "Trang", "Tuyết",
    "Uyên", "Vân", "Yến", "Hậu", "Lụa", "Duyên", "Thắm", "Xuân",
)

# Province part of the ID number (first three digits): mostly the office's own province.
PROVINCE_CODES: tuple[tuple[str, float], ...] = (
    ("027", 62), ("024", 14), ("001", 7), ("022", 3), ("030", 3), ("033", 2), ("019", 2),
    ("036", 2), ("038", 2), ("079", 2), ("040", 1),
)
PHONE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
    "081", "082", "083", "084", "085", "088", "091", "094", "089", "090", "093",
)
STREETS = (
    "Lý Thái Tổ", "Trần Phú", "Nguyễn Trãi", "Lê Lợi", "Minh Khai", "Hai Bà Trưng",
    "Nguyễn Văn Cừ", "Ngô Gia Tự", "Lý Công Uẩn", "Trần Hưng Đạo", "Lê Quang Đạo", "Hàn Thuyên",
    "Nguyễn Đăng Đạo", "Thiên Đức", "Kinh Dương Vương", "Lê Thái Tổ", "Âu Cơ", "Phù Đổng",
)

# How often a commune counter sees each procedure (relative weights). Codes not listed (a
# procedure added by the administrator) get DEFAULT_PROCEDURE_WEIGHT.
PROCEDURE_WEIGHTS: dict[str, float] = {
    "2.000815": 38,  # chứng thực bản sao từ bản chính
    "2.000884": 9,  # chứng thực chữ ký
    "1.001193": 11,  # đăng ký khai sinh
    "1.004873": 5,  # xác nhận tình trạng hôn nhân
    "2.000635": 4,  # bản sao trích lục hộ tịch
    "1.000894": 3,  # đăng ký kết hôn
    "1.000656": 2.5,  # khai tử
    "1.004194": 3,  # tạm trú
    "1.004222": 2,  # thường trú
    "2.001035": 1.5,  # giao dịch động sản
    "2.000942": 1.5,
    "2.000908": 1,
    "1.004859": 1.2,  # thay đổi, cải chính hộ tịch
    "2.001023": 1.5,  # liên thông khai sinh
    "2.000986": 0.8,
    "1.000689": 0.6,
    "1.001022": 0.5,
    "1.004884": 0.5,
    "1.014034": 0.8,
    "2.001009": 0.6,
    "2.001406": 0.4,
    "2.001019": 0.3,
}
DEFAULT_PROCEDURE_WEIGHT = 0.25
NOTES = (
    "Người nộp hẹn lấy kết quả buổi chiều.",
    "Đã đối chiếu bản chính.",
    "Nộp kèm bản sao CCCD.",
    "Người nộp đề nghị liên hệ qua điện thoại khi có kết quả.",
)
BACKDATE_REASON = "Vào sổ giấy trước, nhập máy sau (mất điện)."
# fmt: on

# fmt: off
# Reasons written on the history of demo dossiers after intake.
SUPPLEMENT_REASONS = (
    "Thiếu giấy tờ theo quy định", "Giấy tờ chưa đúng mẫu",
    "Thông tin trong tờ khai chưa khớp với giấy tờ tùy thân", "Bản sao chưa được chứng thực",
)
SUPPLEMENT_PAPERS = (
    "Tờ khai theo mẫu (có chữ ký của người nộp)", "Bản sao Căn cước công dân",
    "Giấy xác nhận tình trạng hôn nhân", "Giấy chứng sinh", "Giấy ủy quyền có chứng thực",
    "Bản sao giấy tờ chứng minh nơi cư trú",
)
REFUSAL_REASONS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan",
    "Không đủ điều kiện theo quy định của pháp luật",
    "Giấy tờ có dấu hiệu giả mạo, cần cơ quan có thẩm quyền xác minh",
)
STOP_REASONS = (
    "Người nộp đề nghị dừng giải quyết", "Người nộp đề nghị dừng để hoàn thiện lại hồ sơ",
)
WITHDRAW_REASONS = ("Người nộp xin rút hồ sơ", "Người nộp rút hồ sơ để nộp tại nơi khác")
CLOSE_REASON = "Không bổ sung hồ sơ trong 15 ngày"
RATING_COMMENTS = (
    "Cán bộ hướng dẫn tận tình", "Trả kết quả đúng hẹn", "Thủ tục nhanh gọn", "Phải chờ hơi lâu",
)
DELIVERY_METHODS = ("Trao trực tiếp", "Gọi điện thoại", "Tin nhắn SMS", "Gửi qua bưu chính")
# fmt: on
