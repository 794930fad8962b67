"""The labs' pages: the activation lab and the initializer lab, each restored from its link."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.routes.pages import PAGE_METHODS, simple_page
from app.schema.labs import ActivationLab, InitLab
from app.schema.served import activations_schema, init_schema

router = APIRouter(tags=["pages"], include_in_schema=False)

router.add_api_route("/activations", simple_page("activations", ActivationLab, ActivationLab,
                                                 activations_schema),
                     response_class=HTMLResponse, methods=PAGE_METHODS)
router.add_api_route("/init", simple_page("init", InitLab, InitLab, init_schema),
                     response_class=HTMLResponse, methods=PAGE_METHODS)
