"""The Vietnamese words of the domain's codes and values: one place for the UI, printing,
exporting and the CLI.

The domain returns codes (``Status.IN_PROGRESS``) and values (a :class:`Duration`, a
:class:`Period`); this module turns them into what people read ("Đang giải quyết", "3 ngày làm
việc", "Quý I năm 2026") and reads back what people type ("Rất hài lòng", "ngay le tet").

Every label and template is marked with :func:`QT_TRANSLATE_NOOP` under a context (the enum's
class name, or the kind of value), so ``pyside6-lupdate`` extracts it. Each function takes an
optional ``tr(context, text)``: printing, exporting and the CLI keep the Vietnamese (the default),
the UI passes ``QCoreApplication.translate`` (see :mod:`tthc_desk.ui.labels`). No Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from typing import NamedTuple, TypeVar

from tthc_desk.domain import naming
from tthc_desk.domain.access import Right, Role
from tthc_desk.domain.backup import BackupKind, BackupLevel
from tthc_desk.domain.calendar import DayKind
from tthc_desk.domain.corrections import CorrectableField
from tthc_desk.domain.dashboard import (
    BreakdownKind,
    IndicatorCode,
    LateBy,
    NotComputable,
    TileKind,
    TimeUnit,
)
from tthc_desk.domain.deadlines import DeadlineView
from tthc_desk.domain.destinations import DestinationKind
from tthc_desk.domain.dossier import Channel, ReturnMethod, Status
from tthc_desk.domain.errors import ValidationError
from tthc_desk.domain.journal import (
    Aggregate,
    EntryRef,
    IntegrityProblem,
    JournalEntry,
    JournalKind,
    ProblemKind,
)
from tthc_desk.domain.lifecycle import (
    RATING_PROBLEM,
    DossierEvent,
    EventKind,
    LetterStatus,
    Move,
    OpenTimeliness,
    Rating,
    Timeliness,
)
from tthc_desk.domain.outbox import DeliveryReceipt, OutboxState
from tthc_desk.domain.periods import Period, PeriodKind
from tthc_desk.domain.postal import PostalState
from tthc_desk.domain.postal_outcomes import check_outcome
from tthc_desk.domain.procedure import Duration, DurationUnit, PaperKind
from tthc_desk.domain.report import Outcome, TargetKind, share
from tthc_desk.domain.scans import (
    AttachmentSlot,
    DigitisationCounts,
    DigitisationLine,
    Validity,
)
from tthc_desk.domain.search import SortKey
from tthc_desk.domain.server import ConnectionReport, SchemaState, SslMode
from tthc_desk.domain.text import fold, search_tokens

E = TypeVar("E", bound=StrEnum)

#: ``tr(context, text)``: the text to show for a marked source text.
Translate = Callable[[str, str], str]


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for ``pyside6-lupdate`` under ``context``; the text itself is unchanged."""
    return text


def vietnamese(context: str, text: str) -> str:
    """The default ``tr``: the Vietnamese source text as it is."""
    return text


# -- labels of codes: the context of each is its enum's class name ------------------------------

_LABELS: dict[type[StrEnum], dict[str, str]] = {
    Channel: {
        Channel.DIRECT: QT_TRANSLATE_NOOP("Channel", "Trực tiếp"),
        Channel.POSTAL: QT_TRANSLATE_NOOP("Channel", "Bưu chính công ích"),
        Channel.ONLINE: QT_TRANSLATE_NOOP("Channel", "Trực tuyến"),
    },
    ReturnMethod: {
        ReturnMethod.COUNTER: QT_TRANSLATE_NOOP("ReturnMethod", "Tại Bộ phận Một cửa"),
        ReturnMethod.POSTAL: QT_TRANSLATE_NOOP("ReturnMethod", "Qua dịch vụ bưu chính công ích"),
    },
    Status: {
        Status.RECEIVED: QT_TRANSLATE_NOOP("Status", "Mới tiếp nhận"),
        Status.IN_PROGRESS: QT_TRANSLATE_NOOP("Status", "Đang giải quyết"),
        Status.SUPPLEMENT: QT_TRANSLATE_NOOP("Status", "Chờ bổ sung"),
        Status.RESULT_READY: QT_TRANSLATE_NOOP("Status", "Có kết quả"),
        Status.RETURNED: QT_TRANSLATE_NOOP("Status", "Đã trả kết quả"),
        Status.REFUSED: QT_TRANSLATE_NOOP("Status", "Từ chối"),
        Status.STOPPED: QT_TRANSLATE_NOOP("Status", "Dừng giải quyết"),
        Status.WITHDRAWN: QT_TRANSLATE_NOOP("Status", "Rút hồ sơ"),
        Status.CLOSED: QT_TRANSLATE_NOOP("Status", "Đóng"),
    },
    Move: {
        Move.HAND_OVER: QT_TRANSLATE_NOOP("Move", "Chuyển xử lý"),
        Move.SUPPLEMENT: QT_TRANSLATE_NOOP("Move", "Yêu cầu bổ sung"),
        Move.SUPPLEMENTED: QT_TRANSLATE_NOOP("Move", "Nhận hồ sơ đã bổ sung"),
        Move.RESULT_READY: QT_TRANSLATE_NOOP("Move", "Nhận kết quả"),
        Move.RETURNED: QT_TRANSLATE_NOOP("Move", "Trả kết quả"),
        Move.REFUSED: QT_TRANSLATE_NOOP("Move", "Từ chối giải quyết"),
        Move.STOPPED: QT_TRANSLATE_NOOP("Move", "Dừng giải quyết"),
        Move.WITHDRAWN: QT_TRANSLATE_NOOP("Move", "Rút hồ sơ"),
        Move.CLOSED: QT_TRANSLATE_NOOP("Move", "Đóng hồ sơ"),
    },
    EventKind: {
        EventKind.RECEIVED: QT_TRANSLATE_NOOP("EventKind", "Tiếp nhận hồ sơ"),
        EventKind.CORRECTED: QT_TRANSLATE_NOOP("EventKind", "Sửa thông tin hồ sơ"),
        EventKind.APOLOGY: QT_TRANSLATE_NOOP("EventKind", "Lập phiếu xin lỗi, hẹn lại"),
        EventKind.APOLOGY_DELIVERED: QT_TRANSLATE_NOOP("EventKind", "Đã gửi phiếu xin lỗi"),
        EventKind.RETURN_CHANGED: QT_TRANSLATE_NOOP("EventKind", "Đổi nơi nhận kết quả"),
        EventKind.POSTAL_WAYBILL: QT_TRANSLATE_NOOP("EventKind", "Ghi số hiệu bưu gửi"),
        EventKind.POSTAL_DELIVERED: QT_TRANSLATE_NOOP("EventKind", "Bưu điện phát thành công"),
        EventKind.POSTAL_FAILED: QT_TRANSLATE_NOOP("EventKind", "Bưu điện phát không thành công"),
        EventKind.POSTAL_RETURNED: QT_TRANSLATE_NOOP(
            "EventKind", "Bưu điện chuyển hoàn kết quả về Bộ phận Một cửa"
        ),
    },
    Timeliness: {
        Timeliness.EARLY: QT_TRANSLATE_NOOP("Timeliness", "Trước hạn"),
        Timeliness.ON_TIME: QT_TRANSLATE_NOOP("Timeliness", "Đúng hạn"),
        Timeliness.LATE: QT_TRANSLATE_NOOP("Timeliness", "Quá hạn"),
    },
    OpenTimeliness: {
        OpenTimeliness.WITHIN: QT_TRANSLATE_NOOP("OpenTimeliness", "Trong hạn"),
        OpenTimeliness.OVERDUE: QT_TRANSLATE_NOOP("OpenTimeliness", "Quá hạn"),
    },
    Outcome: {
        Outcome.EARLY: QT_TRANSLATE_NOOP("Outcome", "Trước hạn"),
        Outcome.ON_TIME: QT_TRANSLATE_NOOP("Outcome", "Đúng hạn"),
        Outcome.LATE: QT_TRANSLATE_NOOP("Outcome", "Quá hạn"),
        Outcome.WITHIN: QT_TRANSLATE_NOOP("Outcome", "Đang giải quyết, trong hạn"),
        Outcome.OVERDUE: QT_TRANSLATE_NOOP("Outcome", "Đang giải quyết, quá hạn"),
    },
    TargetKind: {
        TargetKind.ON_TIME: QT_TRANSLATE_NOOP(
            "TargetKind", "Hồ sơ giải quyết trước hạn và đúng hạn"
        ),
        TargetKind.EARLY: QT_TRANSLATE_NOOP("TargetKind", "Hồ sơ giải quyết trước hạn"),
        TargetKind.APOLOGISED: QT_TRANSLATE_NOOP("TargetKind", "Hồ sơ quá hạn có phiếu xin lỗi"),
        TargetKind.SATISFIED: QT_TRANSLATE_NOOP("TargetKind", "Người dân hài lòng, rất hài lòng"),
    },
    Rating: {
        Rating.VERY_SATISFIED: QT_TRANSLATE_NOOP("Rating", "Rất hài lòng"),
        Rating.SATISFIED: QT_TRANSLATE_NOOP("Rating", "Hài lòng"),
        Rating.DISSATISFIED: QT_TRANSLATE_NOOP("Rating", "Không hài lòng"),
    },
    LetterStatus: {
        LetterStatus.DRAFT: QT_TRANSLATE_NOOP("LetterStatus", "Dự thảo"),
        LetterStatus.CONFIRMED: QT_TRANSLATE_NOOP("LetterStatus", "Đã ký, chờ gửi"),
        LetterStatus.DELIVERED: QT_TRANSLATE_NOOP("LetterStatus", "Đã gửi"),
    },
    Role: {
        Role.CLERK: QT_TRANSLATE_NOOP("Role", "Cán bộ tiếp nhận"),
        Role.HEAD: QT_TRANSLATE_NOOP("Role", "Lãnh đạo"),
        Role.ADMIN: QT_TRANSLATE_NOOP("Role", "Quản trị"),
    },
    Right: {
        Right.RECEIVE: QT_TRANSLATE_NOOP("Right", "Tiếp nhận hồ sơ"),
        Right.CORRECT: QT_TRANSLATE_NOOP("Right", "Sửa thông tin hồ sơ"),
        Right.MOVE: QT_TRANSLATE_NOOP("Right", "Chuyển bước hồ sơ"),
        Right.PRINT: QT_TRANSLATE_NOOP("Right", "In giấy tờ, sổ theo dõi"),
        Right.POSTAL: QT_TRANSLATE_NOOP("Right", "Trả kết quả qua bưu chính"),
        Right.DRAFT_LETTER: QT_TRANSLATE_NOOP("Right", "Lập, sửa, gửi phiếu xin lỗi"),
        Right.SIGN_LETTER: QT_TRANSLATE_NOOP("Right", "Ký duyệt phiếu xin lỗi"),
        Right.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("Right", "Đồng ý hẹn lại lần hai"),
        Right.SIGN_EXPLANATION: QT_TRANSLATE_NOOP("Right", "Ký danh sách giải trình"),
        Right.BUILD_REPORT: QT_TRANSLATE_NOOP("Right", "Lập báo cáo"),
        Right.QUEUE_REPORT: QT_TRANSLATE_NOOP("Right", "Đưa báo cáo vào hàng chờ gửi"),
        Right.UPLOAD: QT_TRANSLATE_NOOP("Right", "Gửi báo cáo"),
        Right.OFFICE: QT_TRANSLATE_NOOP("Right", "Sửa thông tin cơ quan, giờ làm việc"),
        Right.CATALOG: QT_TRANSLATE_NOOP("Right", "Sửa danh mục thủ tục"),
        Right.CALENDAR: QT_TRANSLATE_NOOP("Right", "Sửa lịch làm việc"),
        Right.ACCOUNTS: QT_TRANSLATE_NOOP("Right", "Quản lý tài khoản"),
        Right.DESTINATIONS: QT_TRANSLATE_NOOP("Right", "Sửa nơi nhận báo cáo"),
        Right.BACKUP: QT_TRANSLATE_NOOP("Right", "Sao lưu dữ liệu"),
        Right.RESTORE: QT_TRANSLATE_NOOP("Right", "Khôi phục dữ liệu từ bản sao lưu"),
        Right.COPY_DATABASE: QT_TRANSLATE_NOOP("Right", "Chép cơ sở dữ liệu sang nơi khác"),
        Right.RECOVERY_KEY: QT_TRANSLATE_NOOP("Right", "In phiếu khóa khôi phục dữ liệu"),
        Right.CLEANUP: QT_TRANSLATE_NOOP("Right", "Dọn tệp cũ"),
        Right.VIEW_JOURNAL: QT_TRANSLATE_NOOP("Right", "Xem nhật ký"),
        Right.VERIFY_JOURNAL: QT_TRANSLATE_NOOP("Right", "Kiểm tra toàn vẹn dữ liệu"),
        Right.VIEW_DASHBOARD: QT_TRANSLATE_NOOP("Right", "Xem trang tổng quan"),
        Right.DEMO: QT_TRANSLATE_NOOP("Right", "Tạo dữ liệu mẫu"),
        Right.REBUILD_FACTS: QT_TRANSLATE_NOOP("Right", "Dựng lại số liệu báo cáo"),
        Right.SERVER: QT_TRANSLATE_NOOP("Right", "Đổi kết nối máy chủ cơ sở dữ liệu"),
        Right.SCANS: QT_TRANSLATE_NOOP("Right", "Xem, in, xuất bản số hóa hồ sơ"),
    },
    SslMode: {
        SslMode.DISABLE: QT_TRANSLATE_NOOP("SslMode", "Không mã hóa (chỉ mạng nội bộ tin cậy)"),
        SslMode.PREFER: QT_TRANSLATE_NOOP("SslMode", "Mã hóa nếu máy chủ hỗ trợ"),
        SslMode.REQUIRE: QT_TRANSLATE_NOOP("SslMode", "Bắt buộc mã hóa"),
        SslMode.VERIFY_FULL: QT_TRANSLATE_NOOP("SslMode", "Bắt buộc mã hóa và kiểm tra chứng chỉ"),
    },
    DeadlineView: {
        DeadlineView.TODAY: QT_TRANSLATE_NOOP("DeadlineView", "Đến hạn hôm nay"),
        DeadlineView.SOON: QT_TRANSLATE_NOOP("DeadlineView", "Sắp đến hạn"),
        DeadlineView.OVERDUE: QT_TRANSLATE_NOOP("DeadlineView", "Quá hạn"),
    },
    CorrectableField: {
        CorrectableField.APPLICANT_NAME: QT_TRANSLATE_NOOP("CorrectableField", "Họ tên người nộp"),
        CorrectableField.APPLICANT_ID_NUMBER: QT_TRANSLATE_NOOP(
            "CorrectableField", "Số định danh cá nhân"
        ),
        CorrectableField.APPLICANT_BIRTH_DATE: QT_TRANSLATE_NOOP("CorrectableField", "Ngày sinh"),
        CorrectableField.APPLICANT_PHONE: QT_TRANSLATE_NOOP("CorrectableField", "Số điện thoại"),
        CorrectableField.APPLICANT_ADDRESS: QT_TRANSLATE_NOOP("CorrectableField", "Địa chỉ"),
        CorrectableField.APPLICANT_EMAIL: QT_TRANSLATE_NOOP("CorrectableField", "Email"),
        CorrectableField.AUTHORISED_NAME: QT_TRANSLATE_NOOP(
            "CorrectableField", "Người được ủy quyền"
        ),
        CorrectableField.AUTHORISED_ID_NUMBER: QT_TRANSLATE_NOOP(
            "CorrectableField", "Số định danh người được ủy quyền"
        ),
        CorrectableField.RETURN_ADDRESS: QT_TRANSLATE_NOOP(
            "CorrectableField", "Địa chỉ nhận kết quả"
        ),
        CorrectableField.RETURN_RECIPIENT: QT_TRANSLATE_NOOP(
            "CorrectableField", "Người nhận kết quả qua bưu chính"
        ),
        CorrectableField.RETURN_PHONE: QT_TRANSLATE_NOOP(
            "CorrectableField", "Điện thoại người nhận kết quả"
        ),
        CorrectableField.SETS_COUNT: QT_TRANSLATE_NOOP("CorrectableField", "Số bộ hồ sơ"),
        CorrectableField.FEE_AMOUNT: QT_TRANSLATE_NOOP("CorrectableField", "Phí, lệ phí"),
        CorrectableField.NOTE: QT_TRANSLATE_NOOP("CorrectableField", "Ghi chú"),
    },
    DayKind: {
        DayKind.HOLIDAY: QT_TRANSLATE_NOOP("DayKind", "Ngày lễ, tết"),
        DayKind.DAY_OFF: QT_TRANSLATE_NOOP("DayKind", "Ngày nghỉ bù"),
        DayKind.MAKEUP_WORKDAY: QT_TRANSLATE_NOOP("DayKind", "Ngày làm việc bù"),
    },
    DurationUnit: {
        DurationUnit.WORKING_DAYS: QT_TRANSLATE_NOOP("DurationUnit", "ngày làm việc"),
        DurationUnit.WORKING_HOURS: QT_TRANSLATE_NOOP("DurationUnit", "giờ làm việc"),
        DurationUnit.CALENDAR_DAYS: QT_TRANSLATE_NOOP("DurationUnit", "ngày"),
        DurationUnit.MONTHS: QT_TRANSLATE_NOOP("DurationUnit", "tháng"),
        DurationUnit.SAME_DAY: QT_TRANSLATE_NOOP("DurationUnit", "trong ngày"),
    },
    PaperKind: {
        PaperKind.ORIGINAL: QT_TRANSLATE_NOOP("PaperKind", "Bản chính"),
        PaperKind.CERTIFIED: QT_TRANSLATE_NOOP("PaperKind", "Bản chứng thực"),
        PaperKind.PHOTOCOPY: QT_TRANSLATE_NOOP("PaperKind", "Bản photo"),
    },
    PostalState: {
        PostalState.WAITING: QT_TRANSLATE_NOOP("PostalState", "Chờ giao bưu điện"),
        PostalState.HANDED_OVER: QT_TRANSLATE_NOOP("PostalState", "Đã giao bưu điện"),
        PostalState.DELIVERED: QT_TRANSLATE_NOOP("PostalState", "Đã phát thành công"),
        PostalState.FAILED: QT_TRANSLATE_NOOP("PostalState", "Phát không thành công"),
        PostalState.RETURNED: QT_TRANSLATE_NOOP("PostalState", "Chuyển hoàn về Bộ phận Một cửa"),
    },
    PeriodKind: {
        PeriodKind.WEEK: QT_TRANSLATE_NOOP("PeriodKind", "Tuần"),
        PeriodKind.MONTH: QT_TRANSLATE_NOOP("PeriodKind", "Tháng"),
        PeriodKind.QUARTER: QT_TRANSLATE_NOOP("PeriodKind", "Quý"),
        PeriodKind.HALF: QT_TRANSLATE_NOOP("PeriodKind", "6 tháng"),
        PeriodKind.YEAR: QT_TRANSLATE_NOOP("PeriodKind", "Năm"),
        PeriodKind.CUSTOM: QT_TRANSLATE_NOOP("PeriodKind", "Khoảng thời gian"),
    },
    DestinationKind: {
        DestinationKind.WEBDAV: QT_TRANSLATE_NOOP("DestinationKind", "Thư mục WebDAV/HTTPS (PUT)"),
        DestinationKind.HTTPS_POST: QT_TRANSLATE_NOOP(
            "DestinationKind", "Địa chỉ HTTPS nhận tệp (POST)"
        ),
        DestinationKind.SMTP: QT_TRANSLATE_NOOP("DestinationKind", "Thư điện tử (SMTP)"),
        DestinationKind.FOLDER: QT_TRANSLATE_NOOP(
            "DestinationKind", "Thư mục trên máy hoặc mạng nội bộ"
        ),
    },
    OutboxState: {
        OutboxState.WAITING: QT_TRANSLATE_NOOP("OutboxState", "Đang chờ gửi"),
        OutboxState.SENDING: QT_TRANSLATE_NOOP("OutboxState", "Đang gửi"),
        OutboxState.SENT: QT_TRANSLATE_NOOP("OutboxState", "Đã gửi"),
        OutboxState.FAILED: QT_TRANSLATE_NOOP("OutboxState", "Gửi không được – cần xử lý"),
        OutboxState.REPLACED: QT_TRANSLATE_NOOP("OutboxState", "Không gửi: đã có bản mới thay thế"),
    },
}

_LABELS[JournalKind] = {
    JournalKind.CHANGE: QT_TRANSLATE_NOOP("JournalKind", "Thao tác"),
    JournalKind.WRITE: QT_TRANSLATE_NOOP("JournalKind", "Ghi dữ liệu"),
    JournalKind.SEAL: QT_TRANSLATE_NOOP("JournalKind", "Niêm phong"),
    JournalKind.LOGIN: QT_TRANSLATE_NOOP("JournalKind", "Đăng nhập"),
    JournalKind.LOGIN_FAILED: QT_TRANSLATE_NOOP("JournalKind", "Đăng nhập không được"),
    JournalKind.LOGOUT: QT_TRANSLATE_NOOP("JournalKind", "Đăng xuất"),
    JournalKind.LOCK: QT_TRANSLATE_NOOP("JournalKind", "Khóa màn hình"),
    JournalKind.UNLOCK: QT_TRANSLATE_NOOP("JournalKind", "Mở khóa màn hình"),
    JournalKind.PASSWORD: QT_TRANSLATE_NOOP("JournalKind", "Đổi mật khẩu"),
    JournalKind.VERIFY: QT_TRANSLATE_NOOP("JournalKind", "Kiểm tra toàn vẹn"),
    JournalKind.BACKUP: QT_TRANSLATE_NOOP("JournalKind", "Sao lưu"),
    JournalKind.RESTORE: QT_TRANSLATE_NOOP("JournalKind", "Khôi phục"),
    JournalKind.RECOVERY_KEY: QT_TRANSLATE_NOOP("JournalKind", "Khóa khôi phục"),
    JournalKind.COPY: QT_TRANSLATE_NOOP("JournalKind", "Chép cơ sở dữ liệu"),
    JournalKind.VIEW: QT_TRANSLATE_NOOP("JournalKind", "Xem bản số hóa"),
    JournalKind.EXPORT: QT_TRANSLATE_NOOP("JournalKind", "Xuất bản số hóa"),
}
_LABELS[BackupKind] = {
    BackupKind.MANUAL: QT_TRANSLATE_NOOP("BackupKind", "Sao lưu ngay"),
    BackupKind.AUTO: QT_TRANSLATE_NOOP("BackupKind", "Sao lưu tự động"),
    BackupKind.UPGRADE: QT_TRANSLATE_NOOP("BackupKind", "Trước khi nâng cấp"),
}
_LABELS[BackupLevel] = {
    BackupLevel.OK: QT_TRANSLATE_NOOP("BackupLevel", "Đã sao lưu"),
    BackupLevel.WARN: QT_TRANSLATE_NOOP("BackupLevel", "Cần sao lưu"),
    BackupLevel.ALERT: QT_TRANSLATE_NOOP("BackupLevel", "Sao lưu có vấn đề"),
}
_LABELS[ProblemKind] = {
    ProblemKind.CHAIN: QT_TRANSLATE_NOOP("ProblemKind", "Mục nhật ký bị sửa"),
    ProblemKind.GAP: QT_TRANSLATE_NOOP("ProblemKind", "Nhật ký bị xóa, chèn hoặc đảo mục"),
    ProblemKind.CHANGED: QT_TRANSLATE_NOOP("ProblemKind", "Dữ liệu bị sửa ngoài phần mềm"),
    ProblemKind.CREATED: QT_TRANSLATE_NOOP("ProblemKind", "Dữ liệu được thêm ngoài phần mềm"),
    ProblemKind.DELETED: QT_TRANSLATE_NOOP("ProblemKind", "Dữ liệu bị xóa ngoài phần mềm"),
    ProblemKind.UNRECORDED: QT_TRANSLATE_NOOP("ProblemKind", "Dữ liệu không do phần mềm ghi"),
    ProblemKind.MISSING_SEALED: QT_TRANSLATE_NOOP("ProblemKind", "Thiếu dữ liệu đã niêm phong"),
    ProblemKind.SEALED: QT_TRANSLATE_NOOP("ProblemKind", "Dữ liệu niêm phong bị sửa"),
}
_LABELS[Aggregate] = {
    Aggregate.DOSSIER: QT_TRANSLATE_NOOP("Aggregate", "hồ sơ"),
    Aggregate.APPLICANT: QT_TRANSLATE_NOOP("Aggregate", "người nộp"),
    Aggregate.POSTAL_BATCH: QT_TRANSLATE_NOOP("Aggregate", "danh sách bàn giao bưu chính"),
    Aggregate.PROCEDURE: QT_TRANSLATE_NOOP("Aggregate", "thủ tục"),
    Aggregate.CALENDAR_DAY: QT_TRANSLATE_NOOP("Aggregate", "ngày trong lịch làm việc"),
    Aggregate.CALENDAR_YEAR: QT_TRANSLATE_NOOP("Aggregate", "năm lịch"),
    Aggregate.SETTING: QT_TRANSLATE_NOOP("Aggregate", "thiết lập"),
    Aggregate.ACCOUNT: QT_TRANSLATE_NOOP("Aggregate", "tài khoản"),
    Aggregate.OUTBOX: QT_TRANSLATE_NOOP("Aggregate", "báo cáo trong hàng đợi gửi"),
}

# -- the dossier list's column orders (domain.search) ---------------------------------------------
_LABELS[SortKey] = {
    SortKey.CODE: QT_TRANSLATE_NOOP("SortKey", "Mã hồ sơ"),
    SortKey.APPLICANT: QT_TRANSLATE_NOOP("SortKey", "Người nộp"),
    SortKey.ID_NUMBER: QT_TRANSLATE_NOOP("SortKey", "Số định danh"),
    SortKey.PHONE: QT_TRANSLATE_NOOP("SortKey", "Điện thoại"),
    SortKey.PROCEDURE: QT_TRANSLATE_NOOP("SortKey", "Thủ tục"),
    SortKey.FIELD: QT_TRANSLATE_NOOP("SortKey", "Lĩnh vực"),
    SortKey.RECEIVED: QT_TRANSLATE_NOOP("SortKey", "Ngày nhận"),
    SortKey.DUE: QT_TRANSLATE_NOOP("SortKey", "Hẹn trả"),
    SortKey.STATUS: QT_TRANSLATE_NOOP("SortKey", "Trạng thái"),
}

# -- the head of office's dashboard (domain.dashboard) --------------------------------------------
_LABELS[TileKind] = {
    TileKind.ON_TIME: QT_TRANSLATE_NOOP("TileKind", "Giải quyết trước và đúng hạn"),
    TileKind.EARLY: QT_TRANSLATE_NOOP("TileKind", "Giải quyết trước hạn"),
    TileKind.APOLOGISED: QT_TRANSLATE_NOOP("TileKind", "Hồ sơ quá hạn có phiếu xin lỗi"),
    TileKind.SATISFIED: QT_TRANSLATE_NOOP("TileKind", "Người dân hài lòng"),
    TileKind.ONLINE: QT_TRANSLATE_NOOP("TileKind", "Hồ sơ nộp trực tuyến"),
    TileKind.POSTAL_RECEIVED: QT_TRANSLATE_NOOP("TileKind", "Hồ sơ nhận qua bưu chính"),
    TileKind.POSTAL_RETURNED: QT_TRANSLATE_NOOP("TileKind", "Kết quả trả qua bưu chính"),
}
_LABELS[BreakdownKind] = {
    BreakdownKind.FIELD: QT_TRANSLATE_NOOP("BreakdownKind", "Lĩnh vực"),
    BreakdownKind.HANDLING_UNIT: QT_TRANSLATE_NOOP("BreakdownKind", "Đơn vị xử lý"),
    BreakdownKind.CLERK: QT_TRANSLATE_NOOP("BreakdownKind", "Cán bộ tiếp nhận"),
}
_LABELS[LateBy] = {
    LateBy.RESPONSIBLE_UNIT: QT_TRANSLATE_NOOP("LateBy", "Đơn vị chịu trách nhiệm"),
    LateBy.REASON: QT_TRANSLATE_NOOP("LateBy", "Lý do trễ hạn"),
}
_LABELS[IndicatorCode] = {
    IndicatorCode.ON_TIME: QT_TRANSLATE_NOOP(
        "IndicatorCode", "2.1 Hồ sơ đã và đang xử lý đúng hạn, trong hạn"
    ),
    IndicatorCode.AVERAGE_TIME: QT_TRANSLATE_NOOP(
        "IndicatorCode", "2.2 Thời gian giải quyết trung bình"
    ),
    IndicatorCode.ONLINE: QT_TRANSLATE_NOOP("IndicatorCode", "3.3 Hồ sơ trực tuyến"),
    IndicatorCode.DIRECT: QT_TRANSLATE_NOOP("IndicatorCode", "Kênh 1: nộp trực tiếp"),
    IndicatorCode.POSTAL: QT_TRANSLATE_NOOP("IndicatorCode", "Kênh 3: nộp qua bưu chính"),
    IndicatorCode.E_RESULT: QT_TRANSLATE_NOOP(
        "IndicatorCode", "4.1 Hồ sơ có kết quả điện tử hợp lệ"
    ),
    IndicatorCode.SCANNED: QT_TRANSLATE_NOOP(
        "IndicatorCode", "4.2 Hồ sơ số hóa thành phần và kết quả"
    ),
    IndicatorCode.REUSED: QT_TRANSLATE_NOOP("IndicatorCode", "4.3 Hồ sơ tái sử dụng dữ liệu số"),
    IndicatorCode.PERSONAL_STORE: QT_TRANSLATE_NOOP(
        "IndicatorCode", "4.4 Hồ sơ kết nối kho dữ liệu cá nhân"
    ),
    IndicatorCode.SATISFACTION: QT_TRANSLATE_NOOP(
        "IndicatorCode", "5.4 Mức độ hài lòng trong tiếp nhận, giải quyết TTHC"
    ),
}
_LABELS[NotComputable] = {
    NotComputable.NO_SCANS: QT_TRANSLATE_NOOP(
        "NotComputable",
        "Không tính được từ dữ liệu của bộ phận: hồ sơ chưa lưu bản quét, kết quả điện tử",
    ),
    NotComputable.NOT_RECORDED: QT_TRANSLATE_NOOP(
        "NotComputable",
        "Ghi nhận trên Cổng Dịch vụ công quốc gia, không có trong dữ liệu của bộ phận",
    ),
    NotComputable.NO_DOSSIERS: QT_TRANSLATE_NOOP("NotComputable", "Không có hồ sơ trong kỳ"),
    NotComputable.NO_RULE: QT_TRANSLATE_NOOP(
        "NotComputable", "Chưa có cách chấm điểm được công bố: chỉ hiện số liệu"
    ),
    NotComputable.INFORMATION: QT_TRANSLATE_NOOP(
        "NotComputable", "Để tham khảo, không chấm điểm riêng"
    ),
}
_LABELS[TimeUnit] = {
    TimeUnit.WORKING_DAYS: QT_TRANSLATE_NOOP("TimeUnit", "ngày làm việc"),
    TimeUnit.WORKING_HOURS: QT_TRANSLATE_NOOP("TimeUnit", "giờ làm việc"),
    TimeUnit.DAYS: QT_TRANSLATE_NOOP("TimeUnit", "ngày"),
}

# -- digitised papers (domain.scans) ------------------------------------------------------------
_LABELS[AttachmentSlot] = {
    AttachmentSlot.PAPER: QT_TRANSLATE_NOOP("AttachmentSlot", "Thành phần hồ sơ"),
    AttachmentSlot.RESULT: QT_TRANSLATE_NOOP("AttachmentSlot", "Kết quả"),
}
_LABELS[Validity] = {
    Validity.VALID: QT_TRANSLATE_NOOP("Validity", "Còn hiệu lực"),
    Validity.EXPIRED: QT_TRANSLATE_NOOP("Validity", "Hết hiệu lực"),
    Validity.UNKNOWN: QT_TRANSLATE_NOOP("Validity", "Cần xem thời hạn"),
}
#: The lines of the figures of digitisation (reports page, CLI); the weekly workbook words them
#: from its template (``[digitised]`` of report_06a.toml, by the same keys).
_LABELS[DigitisationLine] = {
    DigitisationLine.RECEIVED: QT_TRANSLATE_NOOP("DigitisationLine", "Hồ sơ tiếp nhận trong kỳ"),
    DigitisationLine.FULLY_SCANNED: QT_TRANSLATE_NOOP(
        "DigitisationLine", "Số hóa đủ các giấy tờ đã nộp"
    ),
    DigitisationLine.WITH_RESULT: QT_TRANSLATE_NOOP("DigitisationLine", "Đã có kết quả giải quyết"),
    DigitisationLine.E_RESULT: QT_TRANSLATE_NOOP(
        "DigitisationLine", "Có kết quả điện tử (4.1), trên số hồ sơ đã có kết quả"
    ),
    DigitisationLine.COMPLETE: QT_TRANSLATE_NOOP(
        "DigitisationLine", "Số hóa thành phần và kết quả (4.2), trên số hồ sơ đã có kết quả"
    ),
    DigitisationLine.REUSING: QT_TRANSLATE_NOOP(
        "DigitisationLine", "Tái sử dụng giấy tờ đã số hóa (4.3)"
    ),
    DigitisationLine.WITHOUT_SCANS: QT_TRANSLATE_NOOP("DigitisationLine", "Chưa có bản số hóa nào"),
}

# -- templates of composite values: context → name → marked text --------------------------------

_TEXTS: dict[str, dict[str, str]] = {
    "Duration": {
        "amount": QT_TRANSLATE_NOOP("Duration", "{value} {unit}"),
        "same_day": QT_TRANSLATE_NOOP("Duration", "Trong ngày"),
    },
    "Period": {
        "week": QT_TRANSLATE_NOOP("Period", "Tuần {number}/{year}"),
        "month": QT_TRANSLATE_NOOP("Period", "Tháng {number} năm {year}"),
        "quarter": QT_TRANSLATE_NOOP("Period", "Quý {number} năm {year}"),
        "half_1": QT_TRANSLATE_NOOP("Period", "6 tháng đầu năm {year}"),
        "half_2": QT_TRANSLATE_NOOP("Period", "6 tháng cuối năm {year}"),
        "year": QT_TRANSLATE_NOOP("Period", "Năm {year}"),
        "custom": QT_TRANSLATE_NOOP("Period", "Từ {start} đến {end}"),
        "range": QT_TRANSLATE_NOOP("Period", "Từ ngày {start} đến ngày {end}"),
    },
    "ConnectionReport": {
        "ok": QT_TRANSLATE_NOOP(
            "ConnectionReport",
            "Kết nối được: PostgreSQL {version}, phiên bản dữ liệu {revision}, "
            "{counters} quầy đang kết nối.",
        ),
        "empty": QT_TRANSLATE_NOOP("ConnectionReport", "chưa có (cơ sở dữ liệu trống)"),
        "older": QT_TRANSLATE_NOOP(
            "ConnectionReport",
            "Dữ liệu trên máy chủ thuộc phiên bản cũ hơn ({revision}); phần mềm sẽ nâng cấp "
            "lên {head} khi mở.",
        ),
        "new_office": QT_TRANSLATE_NOOP(
            "ConnectionReport",
            "Máy chủ chưa có dữ liệu: phần mềm sẽ tạo khi mở, rồi người Quản trị khai báo cơ quan.",
        ),
    },
    "DeliveryReceipt": {
        "already_there": QT_TRANSLATE_NOOP(
            "DeliveryReceipt", "Đã có sẵn trên máy chủ từ lần gửi trước."
        ),
    },
}


def _text(context: str, name: str, tr: Translate) -> str:
    return tr(context, _TEXTS[context][name])


def label(value: StrEnum | None, tr: Translate = vietnamese) -> str:
    """The label of a code ("Đang giải quyết" for ``Status.IN_PROGRESS``); "" for None."""
    if value is None:
        return ""
    kind = type(value)
    return tr(kind.__name__, _LABELS[kind][value])


def all_labels() -> set[tuple[str, str]]:
    """Every (context, source text) marked here, as ``pyside6-lupdate`` extracts them."""
    found = {(kind.__name__, text) for kind, table in _LABELS.items() for text in table.values()}
    found |= {(context, text) for context, table in _TEXTS.items() for text in table.values()}
    return found


_CORRECTABLE = {f.value: f for f in CorrectableField}


def field_label(name: str, tr: Translate = vietnamese) -> str:
    """The label of a corrected field; a field this version does not know keeps its name."""
    field = _CORRECTABLE.get(name)
    return label(field, tr) if field is not None else name


# -- composite values ---------------------------------------------------------------------------


def duration_text(duration: Duration, tr: Translate = vietnamese) -> str:
    """ "3 ngày làm việc", "Trong ngày"."""
    if duration.unit is DurationUnit.SAME_DAY:
        return _text("Duration", "same_day", tr)
    unit = label(duration.unit, tr)
    return _text("Duration", "amount", tr).format(value=duration.value, unit=unit)


_EVENT_KINDS: dict[str, StrEnum] = {kind.value: kind for kind in EventKind}


def event_label(event: DossierEvent, tr: Translate = vietnamese) -> str:
    """The step a history event records: its EventKind, else its Move."""
    return label(_EVENT_KINDS.get(event.kind) or Move(event.kind), tr)


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
#: A period's key: ``2026``, ``2026-03``, ``2026-W09``, ``2026-Q1``, ``2026-H2``.
_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-[WQH]?(?P<number>\d{1,2}))?$")


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def period_label(period: Period, tr: Translate = vietnamese) -> str:
    """ "Tuần 09/2026", "Tháng 03 năm 2026", "Quý I năm 2026", "6 tháng đầu năm 2026",
    "Năm 2026", "Từ 01/03/2026 đến 10/03/2026"."""
    if period.kind is PeriodKind.CUSTOM:
        return _text("Period", "custom", tr).format(start=_day(period.start), end=_day(period.end))
    m = _PERIOD_KEY.match(period.key)
    if m is None:
        return period.key
    number = m["number"] or ""
    if period.kind is PeriodKind.QUARTER:
        number = _ROMAN.get(number, number)
    name = f"half_{number}" if period.kind is PeriodKind.HALF else period.kind.value
    return _text("Period", name, tr).format(number=number, year=m["year"])


def percent_text(value: float | None) -> str:
    """A share as people read it: "57,1%"; "—" when there is nothing to divide by."""
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def digitisation_lines(counts: DigitisationCounts, tr: Translate = vietnamese) -> list[str]:
    """The figures of digitisation, one line each: "Số hóa đủ các giấy tờ đã nộp: 4/7
    (57,1%)"; the first line, the dossiers themselves, without a share."""
    lines = []
    for line, n, whole in counts.lines():
        if whole is None:
            lines.append(f"{label(line, tr)}: {n}")
        else:
            lines.append(f"{label(line, tr)}: {n}/{whole} ({percent_text(share(n, whole))})")
    return lines


def period_range_text(period: Period, tr: Translate = vietnamese) -> str:
    """ "Từ ngày 15/12/2025 đến ngày 14/03/2026"."""
    return _text("Period", "range", tr).format(start=_day(period.start), end=_day(period.end))


def receipt_text(receipt: DeliveryReceipt, tr: Translate = vietnamese) -> str:
    """A destination's answer as kept on the queue item: "201 Created"."""
    status, reply = receipt.status, receipt.reply
    text = f"{status} {reply}".strip() if status is not None else reply
    if receipt.already_there:
        text = f"{_text('DeliveryReceipt', 'already_there', tr)} {text}".strip()
    return text


def connection_report_text(report: ConnectionReport, tr: Translate = vietnamese) -> str:
    """What a check of the server found, in sentences: "Kết nối được: PostgreSQL 15.4, …", a
    note on data to create or upgrade, or the problems, one per line."""
    if not report.ok:
        return "\n".join(report.problems)
    revision = report.revision or _text("ConnectionReport", "empty", tr)
    lines = [
        _text("ConnectionReport", "ok", tr).format(
            version=report.server_version, revision=revision, counters=report.counters
        )
    ]
    if report.schema is SchemaState.OLDER:
        lines.append(
            _text("ConnectionReport", "older", tr).format(revision=revision, head=report.head)
        )
    elif report.schema is SchemaState.EMPTY:
        lines.append(_text("ConnectionReport", "new_office", tr))
    return "\n".join(lines)


# -- reading what people type -------------------------------------------------------------------


def _folded(text: str | None) -> str:
    """Without accents, lower case: "Bản Chính " → "ban chinh"."""
    return fold(text).strip()


def _tokens(text: str | None) -> str:
    """Accent-, case- and punctuation-free: "Ngày lễ, tết" → "ngay le tet"."""
    return " ".join(search_tokens(text))


def _words(text: str | None) -> str:
    """Like :func:`_tokens`, punctuation becoming one space: "handed-over" → "handed over"."""
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def _underscored(text: str | None) -> str:
    """ "Rất hài lòng", "very-satisfied" → "rat_hai_long", "very_satisfied"."""
    return fold(text).strip().replace("-", "_").replace(" ", "_")


class _Reading(NamedTuple):
    """How the text typed for an enum is read: its code, its label or one of ``words``, compared
    after ``key``; ``never`` are codes nobody types."""

    key: Callable[[str | None], str]
    words: Mapping[str, StrEnum] = {}
    never: frozenset[StrEnum] = frozenset()


_READINGS: dict[type[StrEnum], _Reading] = {
    # Words administrators write in their own calendar tables.
    DayKind: _Reading(
        _tokens,
        {
            "le": DayKind.HOLIDAY,
            "tet": DayKind.HOLIDAY,
            "ngay le": DayKind.HOLIDAY,
            "nghi le": DayKind.HOLIDAY,
            "nghi le tet": DayKind.HOLIDAY,
            "nghi bu": DayKind.DAY_OFF,
            "ngay nghi": DayKind.DAY_OFF,
            "nghi hoan doi": DayKind.DAY_OFF,
            "ngay nghi hoan doi": DayKind.DAY_OFF,
            "compensatory off": DayKind.DAY_OFF,
            "swapped off": DayKind.DAY_OFF,
            "lam bu": DayKind.MAKEUP_WORKDAY,
            "ngay lam bu": DayKind.MAKEUP_WORKDAY,
            "lam viec bu": DayKind.MAKEUP_WORKDAY,
        },
    ),
    PaperKind: _Reading(
        _folded,
        {
            "ban sao": PaperKind.PHOTOCOPY,
            "ban sao chung thuc": PaperKind.CERTIFIED,
            "chung thuc": PaperKind.CERTIFIED,
        },
    ),
    Rating: _Reading(_underscored),
    # What post office status files say. "Chờ giao bưu điện" is never a post status.
    PostalState: _Reading(
        _words,
        {
            "handed-over": PostalState.HANDED_OVER,
            "accepted": PostalState.HANDED_OVER,
            "Đã nhận bưu gửi": PostalState.HANDED_OVER,
            "Đã chấp nhận": PostalState.HANDED_OVER,
            "Phát thành công": PostalState.DELIVERED,
            "Đã phát": PostalState.DELIVERED,
            "Thành công": PostalState.DELIVERED,
            "Không thành công": PostalState.FAILED,
            "Phát không thành công": PostalState.FAILED,
            "Chưa phát được": PostalState.FAILED,
            "Chuyển hoàn": PostalState.RETURNED,
            "Đã chuyển hoàn": PostalState.RETURNED,
            "Hoàn": PostalState.RETURNED,
            "returned to sender": PostalState.RETURNED,
        },
        frozenset({PostalState.WAITING}),
    ),
}
#: Every other enum: its code or its label, without accents, any case.
_PLAIN = _Reading(_folded)


@cache
def _readable(kind: type[StrEnum]) -> dict[str, StrEnum]:
    """Key → member for every code, label and word of ``kind`` (the first one wins)."""
    reading = _READINGS.get(kind, _PLAIN)
    table: dict[str, StrEnum] = {}
    for member in kind:
        if member not in reading.never:
            table.setdefault(reading.key(member.value), member)
            table.setdefault(reading.key(label(member)), member)
    for word, member in reading.words.items():
        table.setdefault(reading.key(word), member)
    return table


def parse_label(kind: type[E], text: str | None) -> E | None:
    """The member of ``kind`` whose code, label (or a word people use for it) ``text`` is, read
    without accents and in any case; None when it is none of them."""
    key = _READINGS.get(kind, _PLAIN).key(text)
    found = _readable(kind).get(key) if key else None
    return None if found is None else kind(found)


def parse_rating(text: str) -> Rating:
    """A rating given as its code or its label, with or without accents."""
    rating = parse_label(Rating, text)
    if rating is None:
        raise ValidationError.for_field("rating", RATING_PROBLEM)
    return rating


def parse_status_word(text: str | None) -> PostalState | None:
    """The state a post office status word means (code or label, with or without accents, any
    case), or None when the word is unknown. "Chờ giao bưu điện" is never a post status."""
    return parse_label(PostalState, text)


def parse_outcome(state: PostalState | str) -> PostalState:
    """The outcome a state or a status word names, or a ValidationError on ``state``."""
    return check_outcome(state if isinstance(state, PostalState) else parse_status_word(state))


def labels_of(kind: type[E], tr: Translate = vietnamese) -> Iterator[tuple[E, str]]:
    """Each member of ``kind`` with its label, in order: the choices of a list."""
    for member in kind:
        yield member, label(member, tr)


# The domain's messages and history notes quote codes by these labels (see domain.naming).
naming.use(label)


# -- the journal --------------------------------------------------------------------------------


def journal_kind_label(kind: str, tr: Translate = vietnamese) -> str:
    """The label of an entry's kind (the raw code when it is not one of ours)."""
    try:
        return label(JournalKind(kind), tr)
    except ValueError:
        return kind


def aggregate_names(tr: Translate = vietnamese) -> dict[str, str]:
    """Kind of aggregate → its name in a sentence ("hồ sơ")."""
    return {a.value: label(a, tr) for a in Aggregate}


def journal_details(entry: JournalEntry, tr: Translate = vietnamese) -> str:
    """What an entry changed, in a line: “hồ sơ 12: sửa; thiết lập office_profile: tạo mới”."""
    payload = entry.payload
    names = aggregate_names(tr)
    parts: list[str] = []
    for key, (before, after) in payload.get("aggregates", {}).items():
        kind, ident = key.split(":", 1)
        what = "tạo mới" if before is None else ("xóa" if after is None else "sửa")
        parts.append(f"{names.get(kind, kind)} {ident}: {what}")
    seal = payload.get("seal")
    if seal:
        counts = [
            f"{int(v[0]):,}".replace(",", ".") + f" {names.get(k, k)}"
            for k, v in seal.items()
            if int(v[0])
        ]
        parts.append("niêm phong " + (", ".join(counts) if counts else "cơ sở dữ liệu trống"))
    details = payload.get("details", {})
    parts += [str(p) for p in details.get("problems", [])]
    if entry.kind == JournalKind.EXPORT:  # a dossier's scans exported (issue 15)
        parts.append(f"{len(details.get('scans', []))} bản số hóa, tệp {details.get('file', '')}")
    if entry.kind == JournalKind.VIEW and "thumbnails" in details:  # a dossier's strip
        parts.append(f"ảnh thu nhỏ của {len(details['thumbnails'])} bản số hóa")
    elif entry.kind == JournalKind.VIEW:
        parts.append(f"“{details.get('paper', '')}”, {details.get('pages', 0)} trang")
        if "printed" in details:  # printed from the viewer
            parts.append(f"đã in {details['printed']} trang")
    return "; ".join(parts)


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def entry_ref_text(ref: EntryRef) -> str:
    """“mục nhật ký số 1.234 (17/03/2026 09:12, binh, tiếp nhận hồ sơ)”."""
    who = ref.actor or "chưa đăng nhập"
    what = f", {ref.action}" if ref.action else ""
    return f"mục nhật ký số {_thousands(ref.seq)} ({ref.at:%d/%m/%Y %H:%M}, {who}{what})"


def integrity_problem_text(p: IntegrityProblem, tr: Translate = vietnamese) -> str:
    """One problem found by a check of the journal, as a sentence that names the entry."""
    after = f" sau {entry_ref_text(p.entry)}" if p.entry else ""
    if p.kind is ProblemKind.CHAIN:
        assert p.entry is not None
        return (
            f"{entry_ref_text(p.entry)[:1].upper()}{entry_ref_text(p.entry)[1:]} đã bị sửa "
            "ngoài phần mềm: chữ ký của mục không khớp với nội dung."
        )
    if p.kind is ProblemKind.GAP:
        return (
            f"Nhật ký bị xóa, chèn hoặc đảo mục: sau mục số {_thousands(p.expected_seq - 1)} "
            f"là mục số {_thousands(p.seq or 0)}."
        )
    if p.kind in (ProblemKind.CHANGED, ProblemKind.CREATED, ProblemKind.DELETED):
        kind, ident = p.aggregate.split(":", 1)
        names = aggregate_names(tr)
        what = names.get(kind, kind)
        verb = {
            ProblemKind.CHANGED: "bị sửa",
            ProblemKind.CREATED: "được thêm",
            ProblemKind.DELETED: "bị xóa",
        }[p.kind]
        return f"{what[:1].upper()}{what[1:]} {p.name or ident} {verb} ngoài phần mềm{after}."
    what = aggregate_names(tr).get(p.aggregate, p.aggregate)
    seal = f"; niêm phong gần nhất: {entry_ref_text(p.entry)}" if p.entry else ""
    if p.kind is ProblemKind.UNRECORDED:
        return (
            f"Có {_thousands(p.count)} {what} không do phần mềm ghi (thêm thẳng vào tệp dữ "
            f"liệu){seal}."
        )
    if p.kind is ProblemKind.MISSING_SEALED:
        return f"Thiếu {_thousands(p.count)} {what} đã niêm phong (bị xóa ngoài phần mềm){seal}."
    return f"Dữ liệu {what} đã niêm phong bị sửa ngoài phần mềm{seal}."
