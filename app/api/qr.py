"""GET /api/qr: a QR code of a short text (the teacher's classroom link) as SVG."""

import io

import segno
from fastapi import APIRouter, Response

from ..errors import FieldError
from ..schemas import ErrorResponse

router = APIRouter(prefix="/api", tags=["qr"])
MAX_TEXT = 2000  # characters; a teacher link with hidden controls is about 200
SCALE, BORDER = 4, 4  # CSS px per module; quiet zone of four modules, as the standard asks


def qr_svg(text: str) -> bytes:
    """A standalone SVG of the QR code for `text`: error correction M or better, never a
    micro code (phone cameras do not read those)."""
    code = segno.make(text, error="m", micro=False)  # raises the level when it fits
    out = io.BytesIO()
    code.save(out, kind="svg", scale=SCALE, border=BORDER, xmldecl=False, svgns=True,
              title="QR code", dark="#000", light="#fff")
    return out.getvalue()


@router.get("/qr", response_class=Response, responses={
    200: {"content": {"image/svg+xml": {}}, "description": "The QR code as SVG."},
    422: {"model": ErrorResponse}})
async def qr(text: str | None = None) -> Response:
    """The QR code of `text` (1 to 2000 characters) as an SVG image."""
    if text is None or text == "":
        raise FieldError("text", "is required: the text to encode", kind="missing")
    if len(text) > MAX_TEXT:
        raise FieldError("text", f"has {len(text)} characters; at most {MAX_TEXT}")
    return Response(qr_svg(text), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
