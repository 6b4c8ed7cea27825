"""Typed response models (pydantic), one module per resource family."""

from mockapi_client.types.assistants import (
    Assistant,
    AssistantStreamEvent,
    Message,
    RequiredToolCall,
    Run,
    RunStep,
    Thread,
)
from mockapi_client.types.audio import Transcription
from mockapi_client.types.batches import Batch
from mockapi_client.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    ParsedChatCompletion,
    ToolCall,
)
from mockapi_client.types.completions import Completion
from mockapi_client.types.embeddings import CreateEmbeddingResponse, Embedding
from mockapi_client.types.files import FileObject, Upload, UploadPart
from mockapi_client.types.fine_tuning import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent
from mockapi_client.types.images import ImagesResponse
from mockapi_client.types.models import Model
from mockapi_client.types.moderations import ModerationResponse
from mockapi_client.types.shared import APIObject, CompletionUsage, DeletedObject
from mockapi_client.types.vector_stores import SearchResultsPage, VectorStore, VectorStoreFile, VectorStoreFileBatch

__all__ = [
    "APIObject",
    "Assistant",
    "AssistantStreamEvent",
    "Batch",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "Completion",
    "CompletionUsage",
    "CreateEmbeddingResponse",
    "DeletedObject",
    "Embedding",
    "FileObject",
    "FineTuningJob",
    "FineTuningJobCheckpoint",
    "FineTuningJobEvent",
    "ImagesResponse",
    "Message",
    "Model",
    "ModerationResponse",
    "ParsedChatCompletion",
    "RequiredToolCall",
    "Run",
    "RunStep",
    "SearchResultsPage",
    "Thread",
    "ToolCall",
    "Transcription",
    "Upload",
    "UploadPart",
    "VectorStore",
    "VectorStoreFile",
    "VectorStoreFileBatch",
]
