"""``/vector_stores``: stores, their files and file batches, file content and search.

Processing, chunking and scoring live in ``mockapi.vectors``. These routes
accept the ``OpenAI-Beta`` header or its absence (vector stores are GA).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.common import deleted, paginate, validate_metadata
from mockapi.context import RequestContext
from mockapi.runs import objects, params
from mockapi.vectors import install as install_service
from mockapi.vectors import search
from mockapi.vectors.service import KIND, STATUSES, Store, StoreFile, VectorStoreService

if TYPE_CHECKING:
    from mockapi.fake import Fake

ATTRIBUTES_MAX = 16


def install(fake: Fake) -> None:
    install_service(fake)
    add = fake.router.add
    add("POST", "/vector_stores", create)
    add("GET", "/vector_stores", list_stores)
    add("GET", "/vector_stores/{vector_store_id}", retrieve)
    add("POST", "/vector_stores/{vector_store_id}", modify)
    add("DELETE", "/vector_stores/{vector_store_id}", delete)
    add("POST", "/vector_stores/{vector_store_id}/files", create_file)
    add("GET", "/vector_stores/{vector_store_id}/files", list_files)
    add("GET", "/vector_stores/{vector_store_id}/files/{file_id}", retrieve_file)
    add("POST", "/vector_stores/{vector_store_id}/files/{file_id}", update_file)
    add("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}", delete_file)
    add("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content", file_content)
    add("POST", "/vector_stores/{vector_store_id}/file_batches", create_batch)
    add("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}", retrieve_batch)
    add("POST", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", cancel_batch)
    add("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files", list_batch_files)
    add("POST", "/vector_stores/{vector_store_id}/search", search_store)


def _service(ctx: RequestContext) -> VectorStoreService:
    service: VectorStoreService = ctx.fake.services["vector_stores"]
    return service


def _store(ctx: RequestContext) -> Store:
    return _service(ctx).get(ctx.ns, ctx.params["vector_store_id"], ctx.fake.clock.now())


def _expires_after(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise params.invalid_type("expires_after", "an object", value)
    if value.get("anchor") != "last_active_at":
        raise errors.invalid_value("expires_after.anchor", value.get("anchor"), ["last_active_at"])
    days = value.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise errors.APIError(
            400, f"Invalid 'expires_after.days': expected an integer between 1 and 365, but got {days!r} instead.",
            param="expires_after.days", code="invalid_value",
        )
    return {"anchor": "last_active_at", "days": days}


def _attributes(value: Any, name: str = "attributes") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise params.invalid_type(name, "an object", value)
    if len(value) > ATTRIBUTES_MAX:
        raise errors.too_many_properties(name, ATTRIBUTES_MAX, len(value))
    for key, item in value.items():
        if isinstance(item, str):
            params.string({f"{name}.{key}": item}, f"{name}.{key}", 512)
        elif not isinstance(item, (int, float, bool)):
            raise params.invalid_type(f"{name}.{key}", "a string, number or boolean", item)
    return dict(value)


def _render_file(item: StoreFile) -> dict[str, Any]:
    return objects.render(item.obj)


def _polled(ctx: RequestContext, obj: dict[str, Any]) -> dict[str, Any]:
    """A file or batch the SDK's ``*_and_poll`` helpers poll: they wait ``openai-poll-after-ms`` between
    retrieves (1000 ms without it), as the run helpers do."""
    ctx.response_headers["openai-poll-after-ms"] = str(ctx.fake.config.poll_after_ms)
    return obj


# -- stores ---------------------------------------------------------------------------------------------


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    params.only(body, ("file_ids", "name", "description", "expires_after", "chunking_strategy", "metadata"))
    file_ids = params.array(body, "file_ids", 500) or []
    store = _service(ctx).create(
        ctx.ns, ctx.fake.clock.now(), name=params.string(body, "name"), file_ids=[str(f) for f in file_ids],
        chunking_strategy=body.get("chunking_strategy"), metadata=validate_metadata(body.get("metadata")),
        expires_after=_expires_after(body.get("expires_after")),
    )
    return _service(ctx).render(store)


def list_stores(ctx: RequestContext) -> dict[str, Any]:
    service, now = _service(ctx), ctx.fake.clock.now()

    def render(store: Store) -> dict[str, Any]:
        service.settle(store, now)
        return service.render(store)

    return paginate(ctx, ctx.ns.collection(KIND), render)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    return _service(ctx).render(_store(ctx))


def modify(ctx: RequestContext) -> dict[str, Any]:
    store = _store(ctx)
    body = ctx.body
    params.only(body, ("name", "expires_after", "metadata"))
    if "name" in body:
        store.obj["name"] = params.string(body, "name") or ""
    if "expires_after" in body:
        store.obj["expires_after"] = _expires_after(body["expires_after"])
        store.obj["expires_at"] = None
        _service(ctx).touch(store, ctx.fake.clock.now())
    if "metadata" in body:
        store.obj["metadata"] = validate_metadata(body["metadata"])
    return _service(ctx).render(store)


def delete(ctx: RequestContext) -> dict[str, Any]:
    store_id = ctx.params["vector_store_id"]
    _service(ctx).delete(ctx.ns, store_id, ctx.fake.clock.now())
    return deleted(store_id, "vector_store.deleted")


# -- files -------------------------------------------------------------------------------------------------


def create_file(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    params.only(body, ("file_id", "chunking_strategy", "attributes"))
    file_id = params.require(body, "file_id")
    if not isinstance(file_id, str):
        raise params.invalid_type("file_id", "a string", file_id)
    store = _store(ctx)
    item = _service(ctx).add_file(
        ctx.ns, store, file_id, ctx.fake.clock.now(), chunking_strategy=body.get("chunking_strategy"),
        attributes=_attributes(body.get("attributes")),
    )
    return _polled(ctx, _render_file(item))


def _status_filter(ctx: RequestContext) -> Any:
    wanted = ctx.query.get("filter")
    if wanted is None:
        return None
    if wanted not in STATUSES:
        raise errors.invalid_value("filter", wanted, list(STATUSES))
    return lambda item: item.obj["status"] == wanted


def list_files(ctx: RequestContext) -> dict[str, Any]:
    store = _store(ctx)
    return paginate(ctx, store.files, _render_file, where=_status_filter(ctx))


def retrieve_file(ctx: RequestContext) -> dict[str, Any]:
    return _polled(ctx, _render_file(_service(ctx).file(_store(ctx), ctx.params["file_id"])))


def update_file(ctx: RequestContext) -> dict[str, Any]:
    item = _service(ctx).file(_store(ctx), ctx.params["file_id"])
    params.only(ctx.body, ("attributes",))
    if "attributes" not in ctx.body:
        raise errors.missing_parameter("attributes")
    item.obj["attributes"] = _attributes(ctx.body["attributes"])
    return _render_file(item)


def delete_file(ctx: RequestContext) -> dict[str, Any]:
    file_id = ctx.params["file_id"]
    _service(ctx).remove_file(_store(ctx), file_id)
    return deleted(file_id, "vector_store.file.deleted")


def file_content(ctx: RequestContext) -> dict[str, Any]:
    item = _service(ctx).file(_store(ctx), ctx.params["file_id"])
    data = [{"type": "text", "text": item.text}] if item.obj["status"] == "completed" else []
    return {"object": "vector_store.file_content.page", "data": data, "has_more": False, "next_page": None}


# -- file batches ----------------------------------------------------------------------------------------------


def create_batch(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    params.only(body, ("file_ids", "files", "chunking_strategy", "attributes"))
    file_ids, files = body.get("file_ids"), body.get("files")
    if (file_ids is None) == (files is None):
        if file_ids is None:
            raise errors.missing_parameter("file_ids")
        raise errors.invalid_request("Provide either 'file_ids' or 'files', not both.", param="files")
    if file_ids is not None:
        ids = params.array(body, "file_ids", 2000) or []
        if not ids:
            raise errors.empty_array("file_ids")
        shared = {"chunking_strategy": body.get("chunking_strategy"), "attributes": _attributes(body.get("attributes"))}
        entries = [{"file_id": str(f), **shared} for f in ids]
        param = "file_ids"
    else:
        items = params.array(body, "files", 2000) or []
        if not items:
            raise errors.empty_array("files")
        entries = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("file_id"), str):
                raise errors.missing_parameter(f"files[{i}].file_id")
            entries.append({"file_id": item["file_id"], "chunking_strategy": item.get("chunking_strategy"),
                            "attributes": _attributes(item.get("attributes"), f"files[{i}].attributes")})
        param = "files"
    store = _store(ctx)
    service = _service(ctx)
    batch = service.create_batch(ctx.ns, store, entries, ctx.fake.clock.now(), param)
    return _polled(ctx, service.render_batch(batch))



def retrieve_batch(ctx: RequestContext) -> dict[str, Any]:
    service = _service(ctx)
    return _polled(ctx, service.render_batch(service.batch(_store(ctx), ctx.params["batch_id"])))


def cancel_batch(ctx: RequestContext) -> dict[str, Any]:
    service = _service(ctx)
    store = _store(ctx)
    batch = service.batch(store, ctx.params["batch_id"])
    service.cancel_batch(store, batch, ctx.fake.clock.now())
    return _polled(ctx, service.render_batch(batch))


def list_batch_files(ctx: RequestContext) -> dict[str, Any]:
    service = _service(ctx)
    batch = service.batch(_store(ctx), ctx.params["batch_id"])
    return paginate(ctx, batch.files, _render_file, where=_status_filter(ctx))


# -- search ------------------------------------------------------------------------------------------------------


def _queries(query: Any) -> list[str]:
    """``query``: a string or a non-empty array of strings; each problem named as the real API names it."""
    if isinstance(query, str):
        return [query]
    if not isinstance(query, list):
        raise params.invalid_type("query", "one of a string or array of strings", query)
    if not query:
        raise errors.empty_array("query")
    for i, item in enumerate(query):
        if not isinstance(item, str):
            raise params.invalid_type(f"query[{i}]", "a string", item)
    return query


def search_store(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    params.only(body, ("query", "rewrite_query", "max_num_results", "filters", "ranking_options"))
    queries = _queries(params.require(body, "query"))
    if body.get("rewrite_query"):
        queries = [search.rewrite(q) for q in queries]
    limit = body.get("max_num_results", 10)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
        raise errors.APIError(
            400, f"Invalid 'max_num_results': expected an integer between 1 and 50, but got {limit!r} instead.",
            param="max_num_results", code="invalid_value",
        )
    rule = body.get("filters")
    if rule is not None:
        search.check_filter(rule)
    ranking = body.get("ranking_options") or {}
    threshold = params.number(ranking, "score_threshold", 0, 1) or 0.0
    store = _store(ctx)
    hits = _service(ctx).search(store, queries, limit, threshold, rule, ctx.fake.clock.now())
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": [
            {"file_id": h.file_id, "filename": h.filename, "score": h.score, "attributes": h.attributes or {},
             "content": [{"type": "text", "text": h.text}]}
            for h in hits
        ],
        "has_more": False,
        "next_page": None,
    }
