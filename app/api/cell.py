"""POST /api/run and /api/step: validate, call the model, serialise."""

from fastapi import APIRouter
from fastapi.responses import Response

from . import adapter
from ..schemas import ErrorResponse, RunRequest, RunResponse, Step, StepRequest

router = APIRouter(prefix="/api", tags=["cell"])
ERRORS = {code: {"model": ErrorResponse} for code in (400, 413, 422)}


class JSONBytes(Response):
    media_type = "application/json"


@router.post("/run", response_model=RunResponse, responses=ERRORS)
async def run(request: RunRequest) -> Response:
    """Step the cell along the whole tape; every step reports all it computed."""
    return JSONBytes(adapter.run(request))


@router.post("/step", response_model=Step, responses=ERRORS)
async def step(request: StepRequest) -> Response:
    """One step from a given state; feed each answer's cell and output back as state."""
    return JSONBytes(adapter.step(request))
