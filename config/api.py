"""The project's JSON API: one NinjaAPI mounted at /api/ (docs at /api/docs, schema at
/api/openapi.json). Routers live in the apps."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from committees.api import router as committees_router
from committees.review_api import router as review_router
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
