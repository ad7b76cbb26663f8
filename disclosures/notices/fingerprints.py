"""SHA-256 fingerprints of published notices, chained per compound.

A notice's content fingerprint covers its metadata, its body and the bytes of every
attachment. The chain fingerprint of the n-th published notice of a compound covers the
(n-1)-th's chain fingerprint, so rewriting any notice, attachment or fingerprint row
silently breaks every later link; ``verify_notices`` recomputes them all.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

GENESIS = "0" * 64
LOG_FINGERPRINT = "notices.notice.fingerprint"


def _file_sha256(document) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_content(notice) -> bytes:
    """The notice's content as canonical JSON (sorted keys, no whitespace choices)."""
    fields = {name: getattr(notice, name) for name in notice.CONTENT_FIELDS}
    attachments = [
        {
            "title": a.title,
            "document": a.document_id,
            "sha256": _file_sha256(a.document),
        }
        for a in sorted(notice.attachments.all(), key=lambda a: (a.sort_order or 0, a.pk or 0))
    ]
    payload = {
        "fields": fields,
        "body": notice.body.get_prep_value(),
        "attachments": attachments,
    }
    return json.dumps(
        payload, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def content_sha256(notice) -> str:
    return hashlib.sha256(canonical_content(notice)).hexdigest()


def chain_sha256(
    *, previous: str, content: str, sequence: int, page_id: int, published_at: datetime.datetime
) -> str:
    stamp = published_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    text = f"{previous}\n{content}\n{sequence}\n{page_id}\n{stamp}"
    return hashlib.sha256(text.encode()).hexdigest()


def content_differs(stored, candidate) -> bool:
    return content_sha256(stored) != content_sha256(candidate)


def fingerprint_record(*, notice):
    """Append the notice to its compound's chain (at its first publication)."""
    from .models import NoticeFingerprint

    with transaction.atomic():
        last = (
            NoticeFingerprint.objects.select_for_update()
            .filter(compound_id=notice.compound_id)
            .order_by("-sequence")
            .first()
        )
        sequence = last.sequence + 1 if last else 1
        previous = last.sha256 if last else GENESIS
        published_at = notice.first_published_at or timezone.now()
        content = content_sha256(notice)
        row = NoticeFingerprint(
            compound_id=notice.compound_id,
            region_path=notice.compound.region_path,
            sequence=sequence,
            page_id=notice.pk,
            revision_id=notice.live_revision_id,
            published_at=published_at,
            content_sha256=content,
            previous_sha256=previous,
            sha256=chain_sha256(
                previous=previous,
                content=content,
                sequence=sequence,
                page_id=notice.pk,
                published_at=published_at,
            ),
        )
        row.save()
        log(
            instance=notice,
            action=LOG_FINGERPRINT,
            data={"sequence": sequence, "sha256": row.sha256, "previous": previous},
        )
        return row


def chain_head(compound_id: int) -> str:
    """The latest chain fingerprint of a compound (printed on PDFs and posters)."""
    from .models import NoticeFingerprint

    row = NoticeFingerprint.objects.filter(compound_id=compound_id).order_by("-sequence").first()
    return row.sha256 if row else GENESIS


@dataclass(frozen=True)
class BrokenLink:
    compound: str
    sequence: int
    notice: str
    page_id: int
    reason: str

    def __str__(self) -> str:
        return _("%(compound)s 第%(seq)d条公示「%(notice)s」（页面 %(id)d）：%(reason)s") % {
            "compound": self.compound,
            "seq": self.sequence,
            "notice": self.notice,
            "id": self.page_id,
            "reason": self.reason,
        }


def verify_chain(*, region_path: str | None = None) -> tuple[int, BrokenLink | None]:
    """Recompute every compound's chain (in a region's subtree when given); return the
    number of links checked and the first broken one, or None."""
    from .models import NoticeFingerprint, NoticePage

    rows = NoticeFingerprint.objects.select_related("compound").order_by("compound_id", "sequence")
    if region_path:
        rows = rows.filter(region_path__startswith=region_path)
    checked = 0
    current_compound = None
    previous = GENESIS
    expected_sequence = 1
    for row in rows.iterator(chunk_size=500):
        if row.compound_id != current_compound:
            current_compound, previous, expected_sequence = row.compound_id, GENESIS, 1
        notice = NoticePage.objects.filter(pk=row.page_id).first()

        def broken(reason: str, row=row, notice=notice) -> BrokenLink:
            return BrokenLink(
                compound=row.compound.name,
                sequence=row.sequence,
                notice=notice.title if notice else "",
                page_id=row.page_id,
                reason=reason,
            )

        if row.sequence != expected_sequence:
            return checked, broken(_("序号不连续，应为第%(n)d条") % {"n": expected_sequence})
        if row.previous_sha256 != previous:
            return checked, broken(_("与前一条公示的链接断开"))
        if notice is None or notice.compound_id != row.compound_id:
            return checked, broken(_("公示不存在或不属于该小区"))
        if content_sha256(notice) != row.content_sha256:
            return checked, broken(_("公示内容或附件与发布时的指纹不符"))
        recomputed = chain_sha256(
            previous=previous,
            content=row.content_sha256,
            sequence=row.sequence,
            page_id=row.page_id,
            published_at=row.published_at,
        )
        if recomputed != row.sha256:
            return checked, broken(_("链上指纹与重新计算的结果不符"))
        previous = row.sha256
        expected_sequence += 1
        checked += 1
    return checked, None
