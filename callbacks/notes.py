"""Commentary on the measure page: list, add, edit and delete notes; every change redraws the trend."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.common import current_view
from dashboard import access, audit, commentary, queries
from layouts import ids
from layouts import measure as measure_layout
from layouts.common import current_role, current_username

REFUSED = "You need the analyst or admin role to change commentary."


def render_notes(view_data: dict[str, Any] | None, _refresh: Any = None) -> Any:
    svc, view, _ = current_view(view_data)
    notes = queries.commentary(svc.engine, measure=view.measure or "", area=view.area)
    return measure_layout.note_list(notes, editable=access.can_annotate(current_role()))


def save_note(view_data: dict[str, Any] | None, period: Any, text: Any, note_id: Any, refresh: Any) -> tuple[Any, ...]:
    """Add a note, or update the one being edited. Returns feedback, refresh counter, cleared text and id."""
    if not access.can_annotate(current_role()):
        return measure_layout.feedback(REFUSED, ok=False), no_update, no_update, no_update
    svc, view, _ = current_view(view_data)
    code, who = view.measure or "", current_username()
    try:
        editing = None if note_id is None else commentary.annotation_id(note_id)
        if editing is not None:
            commentary.edit(svc.engine, annotation_id=editing, measure=code, period=period, text=text, author=who)
            message, action = "Note updated.", audit.NOTE_EDIT
        else:
            commentary.add(svc.engine, measure=code, period=period, text=text, author=who)
            message, action = "Note saved; it now shows on every chart of this measure.", audit.NOTE_ADD
    except commentary.AnnotationError as exc:
        return measure_layout.feedback(str(exc), ok=False), no_update, no_update, no_update
    detail = f"{code} {period}" + (f" (note {editing})" if editing is not None else "") + f": {str(text).strip()}"
    audit.record(svc.engine, username=who, action=action, detail=detail)
    return measure_layout.feedback(message, ok=True), _next(refresh), "", None


def _next(refresh: Any) -> int:
    """The refresh counter after a change (a tampered counter starts again from 0)."""
    ok = isinstance(refresh, int) and not isinstance(refresh, bool) and 0 <= refresh < commentary.MAX_ID
    return (refresh if ok else 0) + 1


def delete_note(view_data: dict[str, Any] | None, note_id: Any, refresh: Any) -> tuple[Any, Any]:
    if not access.can_annotate(current_role()):
        return measure_layout.feedback(REFUSED, ok=False), no_update
    svc, view, _ = current_view(view_data)
    try:
        commentary.remove(svc.engine, annotation_id=commentary.annotation_id(note_id), measure=view.measure or "")
    except commentary.AnnotationError:
        return measure_layout.feedback("That note could not be deleted; it may already be gone.", ok=False), no_update
    audit.record(
        svc.engine, username=current_username(), action=audit.NOTE_DELETE, detail=f"{view.measure} note {note_id}"
    )
    return measure_layout.feedback("Note deleted.", ok=True), _next(refresh)


def register(app: Dash) -> None:
    app.callback(Output(ids.NOTE_LIST, "children"), Input(ids.VIEW, "data"), Input(ids.NOTE_REFRESH, "data"))(
        render_notes
    )

    @app.callback(
        Output(ids.NOTE_FEEDBACK, "children"),
        Output(ids.NOTE_REFRESH, "data"),
        Output(ids.NOTE_TEXT, "value"),
        Output(ids.NOTE_ID, "data"),
        Input(ids.NOTE_SAVE, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.NOTE_PERIOD, "value"),
        State(ids.NOTE_TEXT, "value"),
        State(ids.NOTE_ID, "data"),
        State(ids.NOTE_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def on_save(_clicks: Any, view_data: Any, period: Any, text: Any, note_id: Any, refresh: Any) -> tuple[Any, ...]:
        return save_note(view_data, period, text, note_id, refresh)

    @app.callback(
        Output(ids.NOTE_FEEDBACK, "children", allow_duplicate=True),
        Output(ids.NOTE_REFRESH, "data", allow_duplicate=True),
        Input({"type": ids.NOTE_DELETE, "id": ALL}, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.NOTE_REFRESH, "data"),
        prevent_initial_call=True,
    )
    def on_delete(clicks: list[Any], view_data: Any, refresh: Any) -> tuple[Any, Any]:
        if not any(clicks) or not isinstance(ctx.triggered_id, dict):
            return no_update, no_update
        return delete_note(view_data, ctx.triggered_id.get("id"), refresh)

    @app.callback(
        Output(ids.NOTE_TEXT, "value", allow_duplicate=True),
        Output(ids.NOTE_PERIOD, "value"),
        Output(ids.NOTE_ID, "data", allow_duplicate=True),
        Input({"type": ids.NOTE_EDIT, "id": ALL}, "n_clicks"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
    def on_edit(clicks: list[Any], view_data: Any) -> tuple[Any, Any, Any]:
        if not any(clicks) or not isinstance(ctx.triggered_id, dict):
            return no_update, no_update, no_update
        svc, view, _ = current_view(view_data)
        notes = queries.commentary(svc.engine, measure=view.measure or "", area=view.area)
        hit = notes[notes["id"] == ctx.triggered_id.get("id")]
        if hit.empty:
            return no_update, no_update, no_update
        return hit["text"].iloc[0], hit["period"].iloc[0], int(hit["id"].iloc[0])
