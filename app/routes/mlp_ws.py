"""WebSocket stream of an MLP training: per-epoch metrics, boundary grids, layer statistics.

Same control messages as the surface stream (``start``, ``play``, ``pause``, ``step``,
``reset``, ``speed``; speed is in epochs per second). A ``start`` whose experiment differs from
the running one only in the optimizer, the epoch count or display options continues training
(``updated``); any other change starts a new training (``started``, with the ``mode`` it was
loaded in). Frames say ``playing`` like the surface's; a stream that feeds a class also sends
``player`` messages (room_stream.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, WebSocket
from pydantic import ValidationError

from app.i18n.messages import epoch_outcome
from app.jobs.mlp_training import MlpTraining, TrainFrame
from app.jobs.player import Player
from app.jobs.workers import run_cpu
from app.routes.errors import field_errors
from app.routes.room_stream import Outbox, outbox_for
from app.routes.socket_protocol import StartMessage, serve
from app.schema.mlp_experiment import MlpExperiment
from app.schema.mlp_rules import CONTINUES

router = APIRouter(tags=["mlp"])


def frame_encoder(training: MlpTraining) -> Any:
    def encode(frames: list[TrainFrame], generation: int) -> dict[str, Any]:
        last = frames[-1]
        return {"type": "frame", "gen": generation, "epochs": [f.metrics() for f in frames],
                "status": last.status, "diverged_at": last.diverged_at,
                "outcome": epoch_outcome(last.status, last.diverged_at),
                **training.render()}
    return encode


@router.websocket("/ws/mlp")
async def mlp_socket(websocket: WebSocket) -> None:
    """Stream a training; disconnecting stops it. With ``?room=CODE&token=…`` (the room's
    teacher) the room's followers receive the same messages (``/ws/room/{code}/stream``)."""
    out = await outbox_for(websocket)
    player: Player[TrainFrame] = Player(out.send_text)
    session: dict[str, MlpTraining] = {}

    async def reset() -> None:
        if "training" in session:
            fresh = await run_cpu(MlpTraining, session["training"].experiment)
            session["training"] = fresh
            await player.load(player.generation, fresh.frames, frame_encoder(fresh), "pause",
                              player.speed)

    await serve(websocket, player,
                lambda command: _start(out, player, session, command), reset, out.announce)


async def _start(out: Outbox, player: Player[TrainFrame],
                 session: dict[str, MlpTraining], command: StartMessage) -> None:
    try:
        experiment = MlpExperiment.model_validate(command.experiment)
    except ValidationError as error:
        await out.send_json({"type": "error", "gen": command.gen,
                                   "errors": field_errors(error.errors())})
        return
    current = session.get("training")
    if current is not None and current.structure() == experiment.model_dump(
            exclude=set(CONTINUES)):
        def change() -> Any:
            current.update(experiment)
            player.generation = command.gen
            return current.frames(initial=False) if player.done else None
        await player.mutate(change)
        player.set_speed(command.speed)
        await out.send_json({"type": "updated", "gen": command.gen})
        if command.mode == "play":
            await player.play()
        return
    try:
        training = await run_cpu(MlpTraining, experiment)
    except ValueError as error:
        await out.send_json({"type": "error", "gen": command.gen, "errors": [
            {"field": "experiment", "message": str(error), "type": "value_error",
             "code": "ws.experiment", "params": {}}]})
        return
    session["training"] = training
    await out.send_json({"type": "started", "gen": command.gen, "mode": command.mode,
                               "task": training.data.task, "loss": training.loss_name,
                               "steps_per_epoch": training.steps_per_epoch,
                               "data": training.data_points(),
                               "model": repr(training.model)})
    await player.load(command.gen, training.frames, frame_encoder(training), command.mode,
                      command.speed)
