"""WebSocket stream of the surface race: the page sends the experiment, frames come back paced.

Client messages (JSON): ``{"type": "start", "gen": 3, "experiment": {...}, "mode": "instant" |
"play" | "pause", "speed": 60}``, ``{"type": "play"}``, ``{"type": "pause"}``, ``{"type":
"step", "count": 1}``, ``{"type": "reset"}``, ``{"type": "speed", "value": 120}``.
Server messages: ``started`` (with the ``mode`` the race was loaded in), ``frame`` (new points
and losses of every run; ``done``, ``reset`` and ``playing``: whether it was sent while the race
plays), ``error``; and, when the stream feeds a class (``?room=…&token=…``), ``player``
(``{"type": "player", "gen": n, "playing": true|false}`` after every command but ``speed``, see
room_stream.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, WebSocket
from pydantic import ValidationError

from app.i18n.messages import run_message
from app.jobs.player import Player
from app.jobs.surface_race import RaceFrame, build_surface, race, start_point
from app.routes.errors import field_errors
from app.routes.room_stream import Outbox, outbox_for
from app.routes.socket_protocol import StartMessage, serve
from app.schema.surface_experiment import SurfaceExperiment

router = APIRouter(tags=["surface"])


def encode_frames(frames: list[RaceFrame], generation: int,
                  start: tuple[float, float] | None = None) -> dict[str, Any]:
    """Many race frames as one message: per run, the new points and losses since the last one,
    and ``outcome`` ({code, params}: diverged at step k, undefined at the start) or null."""
    runs = []
    for index in range(len(frames[0].runs)):
        states = [frame.runs[index] for frame in frames]
        last = states[-1]
        runs.append({
            "points": [s.point for s in states if s.point is not None],
            "losses": [s.loss for s in states if s.loss is not None],
            "status": last.status,
            "diverged_at": last.diverged_at,
            "outcome": run_message(last.status, last.diverged_at, start),
            "summary": last.summary.to_dict(),
        })
    return {"type": "frame", "gen": generation, "from": frames[0].step,
            "step": frames[-1].step, "runs": runs}


@router.websocket("/ws/surface")
async def surface_socket(websocket: WebSocket) -> None:
    """Stream races; a new ``start`` replaces the running one; disconnecting stops the job.
    With ``?room=CODE&token=…`` the room's followers receive the same messages."""
    out = await outbox_for(websocket)
    player: Player[RaceFrame] = Player(out.send_text)
    await serve(websocket, player, lambda command: _start(out, player, command),
                announce=out.announce)


async def _start(out: Outbox, player: Player[RaceFrame],
                 command: StartMessage) -> None:
    try:
        experiment = SurfaceExperiment.model_validate(command.experiment)
        surface = build_surface(experiment)
    except (ValidationError, ValueError) as error:
        errors = field_errors(error.errors()) if isinstance(error, ValidationError) else [
            {"field": "experiment", "message": str(error), "type": "value_error",
             "code": "ws.experiment", "params": {}}]
        await out.send_json({"type": "error", "gen": command.gen, "errors": errors})
        return
    start = start_point(experiment, surface)
    await out.send_json({
        "type": "started", "gen": command.gen, "mode": command.mode, "steps": experiment.steps,
        "start": start,
        "runs": [{"optimizer": r.optimizer, "enabled": r.enabled} for r in experiment.runs],
    })
    await player.load(command.gen, lambda: race(experiment),
                      lambda frames, gen: encode_frames(frames, gen, start), command.mode,
                      command.speed)
