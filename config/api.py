"""The project's JSON API: one NinjaAPI mounted at /api/ (docs at /api/docs, schema at
/api/openapi.json). Routers live in the apps."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError
from ninja.renderers import JSONRenderer

from committees.api import router as committees_router
from committees.elections.api import router as review_router
from common.access import MSG_FORBIDDEN, MSG_NOT_FOUND
from common.api_errors import chinese_errors
from common.transitions import InvalidTransition
from disclosures.filings.api import router as filings_router
from disclosures.notices.api import public_router as notices_public_router
from disclosures.notices.api import router as notices_router
from disclosures.votes.api import router as votes_router
from estates.api import public, registry


class ChineseJSONRenderer(JSONRenderer):
    """Chinese text as UTF-8 rather than \\u escapes: half the bytes, readable in logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="物业治理 API",
    version="1.0.0",
    description="公开接口（区域、小区、网格员）和按辖区授权的台账接口。",
    urls_namespace="governance_api",
)
api.add_router("/public/", public)
api.add_router("/registry/", registry)
api.add_router("/registry/", review_router)
api.add_router("/registry/committees/", committees_router)
api.add_router("/registry/filings/", filings_router)
api.add_router("/registry/votes/", votes_router)
api.add_router("/public/", notices_public_router)
api.add_router("/registry/notices/", notices_router)


# common.access raises Django's exceptions; the API answers them with their Chinese message.
def _detail(request: HttpRequest, status: int, text: str):
    return api.create_response(request, {"detail": text}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404):
    return _detail(request, 404, str(error) or str(MSG_NOT_FOUND))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied):
    return _detail(request, 403, str(error) or str(MSG_FORBIDDEN))


@api.exception_handler(InvalidTransition)
def _conflict(request: HttpRequest, error: InvalidTransition):
    return _detail(request, 409, "；".join(error.messages))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError):
    return _detail(request, 400, "；".join(error.messages))


@api.exception_handler(RequestValidationError)
def _unprocessable(request: HttpRequest, error: RequestValidationError):
    return api.create_response(request, {"detail": chinese_errors(error.errors)}, status=422)
