"""Time in Asia/Tokyo: every date a resident sees is a Japanese calendar date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"


def now_tokyo() -> datetime:
    return datetime.now(TOKYO)


def today_tokyo() -> date:
    return now_tokyo().date()


def as_tokyo(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; we store UTC-aware values, so naive means UTC
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TOKYO)


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def format_time(moment: datetime) -> str:
    """14時30分, Tokyo time."""
    local = as_tokyo(moment)
    return f"{local.hour}時{local.minute:02d}分"


def format_datetime(moment: datetime) -> str:
    local = as_tokyo(moment)
    return f"{format_date(local.date())} {local.hour}時{local.minute:02d}分"
