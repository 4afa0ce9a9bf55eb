from datetime import datetime
from typing import Any

from smartkampung.core.schemas import Schema
from smartkampung.notifications.selectors import Item


class NotificationPlaceOut(Schema):
    code: str
    name: str


class NotificationOut(Schema):
    id: int
    seq: int | None
    kind: str
    village: NotificationPlaceOut
    district: NotificationPlaceOut
    puskesmas: str | None
    subject_type: str
    subject_id: int
    summary: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str
    escalated_at: datetime | None
    escalation_of: int | None

    @staticmethod
    def of(item: Item) -> dict[str, Any]:
        return {
            **item.as_json(),
            "created_at": item.created_at,
            "acknowledged_at": item.acknowledged_at,
            "escalated_at": item.escalated_at,
            "acknowledged_by": item.acknowledged_by,
        }


class NotificationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NotificationOut]


class NotificationErrorOut(Schema):
    detail: str
