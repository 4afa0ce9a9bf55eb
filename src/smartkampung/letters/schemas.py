"""API input and output of the letters module."""

import datetime as dt

from ninja import Field

from smartkampung.core.schemas import Schema
from smartkampung.population.schemas import ErrorOut

__all__ = ["ErrorOut"]


class LetterAttachmentSpecOut(Schema):
    code: str = Field(..., description="Send the file as attachment_<code>")
    label: str


class LetterTypeOut(Schema):
    code: str
    name: str
    title: str
    needs_purpose: bool
    validity_days: int
    attachments: list[LetterAttachmentSpecOut]
    chain: list[str] = Field(..., description="The officials' positions, in the order they sign")


class LetterStepOut(Schema):
    order: int
    position: str = Field(..., description="village_operator, village_secretary, village_head or camat")
    title: str = Field(..., description="The official's title as printed on the letter")
    action: str
    status: str = Field(..., description="pending, waiting, signed or rejected")
    reached_at: dt.datetime | None = None
    signed_at: dt.datetime | None = None


class LetterStaffStepOut(LetterStepOut):
    signer_name: str = ""
    last_error: str = Field("", description="Why the last attempt to sign failed, in words")
    last_error_at: dt.datetime | None = None


class LetterAttachmentOut(Schema):
    requirement: str
    file_name: str
    content_type: str
    size: int


class LetterOut(Schema):
    code: str
    letter_type: str
    letter_type_name: str
    village: str
    status: str
    channel: str
    nik: str
    name: str
    purpose: str
    phone: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None = None
    number: str
    valid_until: dt.date | None = None
    rejection_reason: str
    current_step: int | None = None
    waiting_for: str = Field("", description="The position whose turn it is")


class LetterDetailOut(LetterOut):
    steps: list[LetterStaffStepOut]
    attachments: list[LetterAttachmentOut]
    revisions: int = Field(..., description="How many versions of the PDF exist (1 + signatures)")


class LetterSignIn(Schema):
    passphrase: str = Field(..., max_length=1024, description="The passphrase of the caller's signing key")


class LetterRejectIn(Schema):
    reason: str = Field(..., max_length=500, description="Told to the resident")


class OwnLetterIn(Schema):
    code: str = Field(..., max_length=40, description="The code received when asking", examples=["K7M2QX9PAB"])
    nik: str = Field(..., max_length=40, examples=["3510151708850001"])
    kk_number: str = Field(..., max_length=40, description="The family card number: the second factor")


class LetterRequestedOut(Schema):
    code: str = Field(..., description="Keep it to follow the request")
    letter_type: str
    status: str
    requested_at: dt.datetime


class OwnLetterOut(Schema):
    code: str
    letter_type: str
    letter_type_name: str
    village: str
    status: str
    status_label: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None = None
    number: str
    valid_until: dt.date | None = None
    rejection_reason: str
    steps: list[LetterStepOut]
    may_download: bool


class PublicLetterOut(Schema):
    code: str
    letter_type: str
    title: str
    number: str
    status: str
    status_label: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None = None
    valid_until: dt.date | None = None
    village: str
    district: str
    resident_name: str = Field(..., description="Masked")
    resident_nik: str = Field(..., description="Masked")


class LetterSignatureOut(Schema):
    order: int
    action: str
    position: str
    name: str = Field(..., description="The official's name as signed")
    signed_at: dt.datetime | None = None
    state: str = Field(..., description="valid, invalid, waiting, pending or rejected")
    valid: bool
    words: str


class LetterVerificationOut(Schema):
    letter: PublicLetterOut
    signatures: list[LetterSignatureOut]


class LetterVerdictOut(Schema):
    verdict: str = Field(..., description="authentic, untrusted, earlier, modified, foreign, unreadable or too_large")
    authentic: bool
    headline: str
    details: list[str]
    letter: PublicLetterOut | None = None
    signatures: list[LetterSignatureOut]
